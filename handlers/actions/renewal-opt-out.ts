import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import { formatTokyoDateTime } from '../../bot/i18n/locale.ts';
import { refreshNotice } from '../../bot/notice-refresh.ts';
import { textMessage, whoWhen } from '../../bot/views/decisions/decision-messages.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import { decide } from '../../db/decisions.ts';
import type { HandlerDeps } from '../deps.ts';
import {
  answerRefusal,
  auditRefusal,
  clickedMessageOf,
  loadForUser,
  refusalOfOutcome,
  respondPrivately,
} from './decision-support.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * R-AUTO-1: "Opt out" (Slack's confirm dialog is on the button). Only a group admin, only before the
 * decision deadline (R-AUTO-5); a repeat or a second admin is told who decided and when. The notice
 * then shows the decision and an Undo button until the decision deadline.
 */
export const optOutButton =
  (deps: HandlerDeps) =>
  async ({ ack, body, action, respond, client, logger }: ButtonArgs): Promise<void> => {
    await ack();
    const now = deps.now();
    const userId = body.user.id;
    const [locale, loaded] = await Promise.all([
      deps.userLocale(client, userId),
      loadForUser(deps, action.value ?? '', userId),
    ]);
    if (!loaded.ok) {
      await auditRefusal(
        deps,
        { userId, action: 'optOut', refusal: loaded.refusal, context: null, cycleId: action.value, now },
        logger,
      );
      await answerRefusal(respond, locale, loaded.refusal);
      return;
    }
    const { context, actor } = loaded;
    const outcome = await decide(deps.db, {
      cycleId: context.cycle.id,
      actor,
      commands: [{ type: 'optOut', actor }],
      now,
      firstMustChange: true,
    });
    const refusal = refusalOfOutcome(outcome, context);
    if (refusal || outcome.kind !== 'decided') {
      await answerRefusal(respond, locale, refusal ?? { kind: 'invalid' });
      return;
    }
    const cycle = outcome.cycle;
    const deadline = cycle.decisionDeadline ?? cycle.expiresAt;
    await respondPrivately(
      respond,
      textMessage(
        decisionText[locale].optOutDone({
          cn: codeSpan(context.contract.cn),
          deadline: formatTokyoDateTime(deadline, locale),
        }),
      ),
    );
    await refreshNotice(client, {
      context,
      cycle,
      now,
      fallbackLocale: deps.locale ?? 'ja',
      clickedMessage: clickedMessageOf(body),
      logger,
      reply: (l) =>
        decisionText[l].replyOptOut({
          ...whoWhen(cycle, l),
          expiry: formatTokyoDateTime(cycle.expiresAt, l),
          deadline: formatTokyoDateTime(deadline, l),
        }),
    });
  };

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.optOut, optOutButton(deps));
}
