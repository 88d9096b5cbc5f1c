import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import { formatTokyoDateTime } from '../../bot/i18n/locale.ts';
import { textMessage } from '../../bot/views/decisions/decision-messages.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import { optOut } from '../../domain/use-cases/opt-out.ts';
import { decisionButton } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';

/**
 * R-AUTO-1: "Opt out" (Slack's confirm dialog is on the button). The clicker is told privately; the
 * notice (Undo button) and its thread are told by the outbox.
 */
export const optOutButton = (deps: HandlerDeps) =>
  decisionButton(deps, async ({ input, locale, refuse, tell }) => {
    const result = await optOut(deps.ports, input);
    if (!result.ok) return refuse(result);
    deps.wakeOutbox?.();
    const { cycle } = result;
    const deadline = cycle.decisionDeadline ?? cycle.expiresAt;
    await tell(
      textMessage(
        decisionText[locale].optOutDone({
          cn: codeSpan(result.contract.cn),
          deadline: formatTokyoDateTime(deadline, locale),
        }),
      ),
    );
  });

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.optOut, optOutButton(deps));
}
