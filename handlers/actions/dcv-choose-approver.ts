import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { z } from 'zod';
import type { Locale } from '../../bot/i18n/locale.ts';
import { formatTokyoDateTime } from '../../bot/i18n/locale.ts';
import { lookupText } from '../../bot/i18n/lookups.ts';
import { CHOOSE_APPROVER_ACTION_ID } from '../../bot/views/lookups/dcv.ts';
import { code, type LookupMessage, textMessage } from '../../bot/views/lookups/message.ts';
import { chooseApprover } from '../../domain/use-cases/choose-approver.ts';
import type { HandlerDeps } from '../kit/deps.ts';
import { respondEphemeral } from '../kit/reply.ts';

const valueSchema = z.object({
  c: z.string().uuid(),
  y: z.string().uuid().nullable(),
  a: z.string().min(3).max(254),
});

type Choice = {
  readonly userId: string;
  readonly value: string | undefined;
  readonly now: Date;
  readonly locale: Locale;
};

/** R-DCV-GLOBALSIGN: the button's value parsed, the choice made by its use-case, its answer drawn. */
export async function answerApproverChoice(deps: HandlerDeps, choice: Choice): Promise<LookupMessage> {
  const t = lookupText[choice.locale];
  let raw: unknown;
  try {
    raw = JSON.parse(choice.value ?? '');
  } catch {
    raw = null;
  }
  const value = valueSchema.safeParse(raw);
  if (!value.success) return textMessage(t.invalidAction);
  const result = await chooseApprover(deps.ports, {
    contractId: value.data.c,
    address: value.data.a,
    userId: choice.userId,
    now: choice.now,
  });
  if (result.ok) {
    const args = { address: code(result.address), cn: code(result.cn) };
    return textMessage(result.changed ? t.approverSet(args) : t.approverUnchanged(args));
  }
  switch (result.reason) {
    case 'approver.invalid':
      return textMessage(t.invalidAction);
    case 'approver.not_globalsign':
      return textMessage(t.approverNotGlobalsign);
    case 'cycle.not_authorized':
      return textMessage(t.approverNotGroupAdmin);
    case 'approver.no_open_renewal':
      return textMessage(t.approverNoOpenRenewal({ cn: code(result.cn) }));
    case 'cycle.data_deadline_passed':
      return textMessage(
        t.approverDataDeadlinePassed({ deadline: formatTokyoDateTime(result.deadline, choice.locale) }),
      );
    case 'cycle.opted_out':
      return textMessage(t.approverOptedOut);
    case 'cycle.closed':
      return textMessage(t.approverCycleClosed);
    case 'approver.not_a_choice':
      return textMessage(t.approverNotAChoice({ cn: result.cn }));
  }
}

export const chooseApproverButton =
  (deps: HandlerDeps) =>
  async ({
    ack,
    body,
    action,
    respond,
    client,
  }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = await deps.userLocale(client, body.user.id);
    const answer = await answerApproverChoice(deps, {
      userId: body.user.id,
      value: action.value,
      now: deps.now(),
      locale,
    });
    await respondEphemeral(respond, answer);
  };

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(CHOOSE_APPROVER_ACTION_ID, chooseApproverButton(deps));
}
