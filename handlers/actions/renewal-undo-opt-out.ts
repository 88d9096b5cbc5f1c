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
import { textMessage } from '../../bot/views/decisions/decision-messages.ts';
import { codeSpan, mention } from '../../bot/views/mrkdwn.ts';
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

/** R-AUTO-1: "Undo opt-out", until the decision deadline; the notice gets its buttons back. */
export const undoOptOutButton =
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
        { userId, action: 'undoOptOut', refusal: loaded.refusal, context: null, cycleId: action.value, now },
        logger,
      );
      await answerRefusal(respond, locale, loaded.refusal);
      return;
    }
    const { context, actor } = loaded;
    const outcome = await decide(deps.db, {
      cycleId: context.cycle.id,
      actor,
      commands: [{ type: 'undoOptOut', actor }],
      now,
    });
    const refusal = refusalOfOutcome(outcome, context);
    if (refusal || outcome.kind !== 'decided') {
      await answerRefusal(respond, locale, refusal ?? { kind: 'invalid' });
      return;
    }
    if (!outcome.changed) {
      // Someone undid it a moment earlier: the same outcome; say so and leave the notice alone.
      await respondPrivately(respond, textMessage(decisionText[locale].notOptedOut));
      return;
    }
    const cycle = outcome.cycle;
    await respondPrivately(
      respond,
      textMessage(decisionText[locale].undoDone({ cn: codeSpan(context.contract.cn) })),
    );
    await refreshNotice(client, {
      context,
      cycle,
      now,
      fallbackLocale: deps.locale ?? 'ja',
      clickedMessage: clickedMessageOf(body),
      logger,
      reply: (l) =>
        decisionText[l].replyUndo({
          who: mention(userId) ?? codeSpan(userId),
          at: formatTokyoDateTime(now, l),
        }),
    });
  };

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.undoOptOut, undoOptOutButton(deps));
}
