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
import {
  findContractById,
  memberRole,
  openCycle,
  renewalApplicationOfCycle,
} from '../../db/queries/lookup-queries.ts';
import { recordApproverChoice } from '../../db/stores/approver-choice.ts';
import { applyCycleCommand, lookUpDcv, normaliseCommonName } from '../../domain/index.ts';
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

/**
 * R-DCV-GLOBALSIGN: a group admin picks the approver address from `/cert dcv`; it is stored on the
 * renewal application of the open cycle. Everything is checked again at click time: membership and
 * role, the cycle's deadlines (R-AUTO-5), and that the address is still one of the live choices.
 */
export async function chooseApprover(deps: HandlerDeps, choice: Choice): Promise<LookupMessage> {
  const t = lookupText[choice.locale];
  let raw: unknown;
  try {
    raw = JSON.parse(choice.value ?? '');
  } catch {
    raw = null;
  }
  const value = valueSchema.safeParse(raw);
  if (!value.success) return textMessage(t.invalidAction);
  const { c: contractId, a: address } = value.data;

  const contract = await findContractById(deps.db, contractId);
  const role = contract ? await memberRole(deps.db, contract.group.id, choice.userId) : null;
  if (!contract || !role) return textMessage(t.invalidAction);
  const cn = code(contract.cn);
  if (contract.ca !== 'globalsign') return textMessage(t.approverNotGlobalsign);
  if (role !== 'group_admin') return textMessage(t.approverNotGroupAdmin);

  const cycle = await openCycle(deps.db, contract.id);
  if (!cycle) return textMessage(t.approverNoOpenRenewal({ cn }));
  // The approver address is renewal data: the domain's rule for renewal data decides who and until when.
  const allowed = applyCycleCommand(
    cycle,
    {
      type: 'submitRenewalData',
      actor: { type: 'user', userId: choice.userId, role },
      complete: cycle.renewalDataComplete,
    },
    choice.now,
  );
  if (!allowed.ok) {
    switch (allowed.reason) {
      case 'cycle.not_authorized':
        return textMessage(t.approverNotGroupAdmin);
      case 'cycle.data_deadline_passed':
        return textMessage(
          t.approverDataDeadlinePassed({
            deadline: formatTokyoDateTime(cycle.dataDeadline ?? cycle.expiresAt, choice.locale),
          }),
        );
      case 'cycle.opted_out':
        return textMessage(t.approverOptedOut);
      default:
        return textMessage(t.approverCycleClosed);
    }
  }
  const application = await renewalApplicationOfCycle(deps.db, cycle.id);
  if (!application) return textMessage(t.approverNoOpenRenewal({ cn }));

  const name = normaliseCommonName(contract.cn);
  if (!name.ok) return textMessage(t.invalidAction);
  const live = await lookUpDcv(deps.resolver, { name: name.value, ca: 'globalsign', on: choice.now });
  const chosen = live.choices.find((c) => c.address.toLowerCase() === address.toLowerCase());
  if (!chosen) return textMessage(t.approverNotAChoice({ cn: contract.cn }));

  const result = await recordApproverChoice(deps.db, {
    applicationId: application.id,
    contractId: contract.id,
    cycleId: cycle.id,
    address: chosen.address,
    actor: choice.userId,
    at: choice.now,
  });
  return textMessage(
    result.changed
      ? t.approverSet({ address: code(chosen.address), cn })
      : t.approverUnchanged({ address: code(chosen.address), cn }),
  );
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
    const answer = await chooseApprover(deps, {
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
