import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { z } from 'zod';
import { OPS_ACTIONS } from '../../bot/views/operations/ops-message.ts';
import { opsIssuedModal, opsRefusalText, opsRejectedModal } from '../../bot/views/operations/ops-modals.ts';
import type { StaffActor } from '../../domain/ports/operations.ts';
import { markSubmitted } from '../../domain/use-cases/mark-submitted.ts';
import { openOpsForm } from '../../domain/use-cases/open-ops-form.ts';
import type { HandlerDeps } from '../kit/deps.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type OpsButton = keyof typeof OPS_ACTIONS;

/** The button's value is the application's id; anything else finds no application. */
const buttonSchema = z.object({ value: z.string().max(64).catch('') });
const messageSchema = z.object({ channel: z.string().max(64), ts: z.string().max(64) });

/**
 * The staff's buttons on an operations-channel message. Only provider staff (KIGEN_OPS_USERS or
 * members of KIGEN_OPS_CHANNEL) may press them; anyone else is refused, ephemerally (and audited by
 * the use-case). "Submitted to CA" is one use-case; "Certificate issued" and "Rejected" open their
 * modal once the look-up allows it.
 */
export const opsButton =
  (deps: HandlerDeps, button: OpsButton) =>
  async ({ ack, body, action, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const userId = body.user.id;
    const applicationId = buttonSchema.parse({ value: action.value }).value;
    const [locale, staff] = await Promise.all([
      deps.userLocale(client, userId),
      deps.operations ? deps.operations.staff.isStaff(client, userId) : Promise.resolve(false),
    ]);
    const actor: StaffActor = { kind: 'slack', userId, staff };
    const now = deps.now();
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });

    if (button === 'submitted') {
      const result = await markSubmitted(deps.ports, { actor, applicationId, now });
      if (!result.ok) return void (await say(opsRefusalText(locale, result)));
      // The operations message is re-rendered by the outbox.
      deps.wakeOutbox?.();
      return;
    }
    const opened = await openOpsForm(deps.ports, { actor, intent: button, applicationId, now });
    if (!opened.ok) return void (await say(opsRefusalText(locale, opened)));
    const clicked = messageSchema.safeParse({
      channel: body.container?.channel_id ?? body.channel?.id,
      ts: body.container?.message_ts ?? body.message?.ts,
    });
    const metadata = {
      a: applicationId,
      ...(clicked.success ? { ch: clicked.data.channel, ts: clicked.data.ts } : {}),
    };
    const modal = button === 'issued' ? opsIssuedModal : opsRejectedModal;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: modal({ locale, cn: opened.application.contract.cn, metadata }),
    });
  };

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(OPS_ACTIONS.submitted, opsButton(deps, 'submitted'));
  app.action<BlockAction<ButtonAction>>(OPS_ACTIONS.issued, opsButton(deps, 'issued'));
  app.action<BlockAction<ButtonAction>>(OPS_ACTIONS.rejected, opsButton(deps, 'rejected'));
}
