import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import { textMessage } from '../../bot/views/decisions/decision-messages.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import { undoOptOut } from '../../domain/use-cases/undo-opt-out.ts';
import { decisionButton } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';

/** R-AUTO-1: "Undo opt-out", until the decision deadline; the outbox gives the notice its buttons back. */
export const undoOptOutButton = (deps: HandlerDeps) =>
  decisionButton(deps, async ({ input, locale, refuse, tell }) => {
    const result = await undoOptOut(deps.ports, input);
    if (!result.ok) return refuse(result);
    const t = decisionText[locale];
    // Someone undid it a moment earlier: the same outcome; say so, nothing to refresh.
    if (!result.changed) return tell(textMessage(t.notOptedOut));
    deps.wakeOutbox?.();
    await tell(textMessage(t.undoDone({ cn: codeSpan(result.contract.cn) })));
  });

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.undoOptOut, undoOptOutButton(deps));
}
