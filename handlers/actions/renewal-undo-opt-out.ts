import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import { formatTokyoDateTime } from '../../bot/i18n/locale.ts';
import { textMessage } from '../../bot/views/decisions/decision-messages.ts';
import { codeSpan, mention } from '../../bot/views/mrkdwn.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import { decisionButton, respondPrivately } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';

/** R-AUTO-1: "Undo opt-out", until the decision deadline; the notice gets its buttons back. */
export const undoOptOutButton = (deps: HandlerDeps) =>
  decisionButton(deps, {
    action: 'undoOptOut',
    run: async ({ context, actor, userId, locale, now, args, decide, refresh }) => {
      const decided = await decide({ commands: [{ type: 'undoOptOut', actor }] });
      if (!decided) return;
      if (!decided.changed) {
        // Someone undid it a moment earlier: the same outcome; say so and leave the notice alone.
        await respondPrivately(args.respond, textMessage(decisionText[locale].notOptedOut));
        return;
      }
      await respondPrivately(
        args.respond,
        textMessage(decisionText[locale].undoDone({ cn: codeSpan(context.contract.cn) })),
      );
      await refresh(decided.cycle, (l) =>
        decisionText[l].replyUndo({
          who: mention(userId) ?? codeSpan(userId),
          at: formatTokyoDateTime(now, l),
        }),
      );
    },
  });

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.undoOptOut, undoOptOutButton(deps));
}
