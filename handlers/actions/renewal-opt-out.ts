import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import { formatTokyoDateTime } from '../../bot/i18n/locale.ts';
import { textMessage, whoWhen } from '../../bot/views/decisions/decision-messages.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import { decisionButton, respondPrivately } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';

/**
 * R-AUTO-1: "Opt out" (Slack's confirm dialog is on the button). Only a group admin, only before the
 * decision deadline (R-AUTO-5); a repeat or a second admin is told who decided and when. The notice
 * then shows the decision and an Undo button until the decision deadline.
 */
export const optOutButton = (deps: HandlerDeps) =>
  decisionButton(deps, {
    action: 'optOut',
    run: async ({ context, actor, locale, args, decide, refresh }) => {
      const decided = await decide({ commands: [{ type: 'optOut', actor }], firstMustChange: true });
      if (!decided) return;
      const { cycle } = decided;
      const deadline = cycle.decisionDeadline ?? cycle.expiresAt;
      await respondPrivately(
        args.respond,
        textMessage(
          decisionText[locale].optOutDone({
            cn: codeSpan(context.contract.cn),
            deadline: formatTokyoDateTime(deadline, locale),
          }),
        ),
      );
      await refresh(cycle, (l) =>
        decisionText[l].replyOptOut({
          ...whoWhen(cycle, l),
          expiry: formatTokyoDateTime(cycle.expiresAt, l),
          deadline: formatTokyoDateTime(deadline, l),
        }),
      );
    },
  });

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.optOut, optOutButton(deps));
}
