import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { operationsText } from '../../bot/i18n/operations.ts';
import { refreshOpsMessage } from '../../bot/slack/ops-announce.ts';
import { OPS_ACTIONS } from '../../bot/views/operations/ops-message.ts';
import { opsIssuedModal, opsRejectedModal } from '../../bot/views/operations/ops-modals.ts';
import { loadOpsApplication, markSubmitted } from '../../db/stores/handover-applications.ts';
import { recordAudit } from '../../db/stores/renewal-cycles.ts';
import type { HandlerDeps } from '../kit/deps.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type OpsButton = keyof typeof OPS_ACTIONS;

const messageOf = (body: BlockAction): { channel: string; ts: string } | null => {
  const channel = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  return typeof channel === 'string' && typeof ts === 'string' ? { channel, ts } : null;
};

/**
 * The staff's buttons on an operations-channel message. Only provider staff (KIGEN_OPS_USERS or
 * members of KIGEN_OPS_CHANNEL) may press them; anyone else is refused, ephemerally, and audited.
 */
export const opsButton =
  (deps: HandlerDeps, button: OpsButton) =>
  async ({ ack, body, action, respond, client, logger }: ButtonArgs): Promise<void> => {
    await ack();
    const ops = deps.operations;
    const userId = body.user.id;
    const now = deps.now();
    const [locale, staff, application] = await Promise.all([
      deps.userLocale(client, userId),
      ops ? ops.staff.isStaff(client, userId) : Promise.resolve(false),
      loadOpsApplication(deps.db, action.value ?? ''),
    ]);
    const t = operationsText[locale];
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (!ops || !staff) {
      await recordAudit(deps.db, {
        actor: userId,
        action: 'ops.refused',
        at: now,
        contractId: application?.contract.id ?? null,
        detail: { button: OPS_ACTIONS[button], reason: 'not_staff' },
      });
      await say(t.notStaff);
      return;
    }
    if (!application) {
      await say(t.applicationGone);
      return;
    }
    const status = application.progress?.status;
    if (status === 'issued' || status === 'rejected') {
      await say(t.alreadyClosed({ status: t.statusName[status] ?? status }));
      return;
    }
    const clicked = messageOf(body);
    if (button === 'submitted') {
      const outcome = await markSubmitted(deps.db, {
        applicationId: application.applicationId,
        actor: `ops:${userId}`,
        now,
      });
      if (!outcome.ok) {
        await say(
          outcome.reason === 'ops.already_closed'
            ? t.alreadyClosed({ status: t.statusName[outcome.progress?.status ?? ''] ?? '' })
            : t.applicationGone,
        );
        return;
      }
      await refreshOpsMessage({
        client,
        db: deps.db,
        applicationId: application.applicationId,
        message: clicked,
        locale: ops.locale,
        logger,
      });
      return;
    }
    const metadata = {
      a: application.applicationId,
      ...(clicked ? { ch: clicked.channel, ts: clicked.ts } : {}),
    };
    const modal = button === 'issued' ? opsIssuedModal : opsRejectedModal;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: modal({ locale, cn: application.contract.cn, metadata }),
    });
  };

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(OPS_ACTIONS.submitted, opsButton(deps, 'submitted'));
  app.action<BlockAction<ButtonAction>>(OPS_ACTIONS.issued, opsButton(deps, 'issued'));
  app.action<BlockAction<ButtonAction>>(OPS_ACTIONS.rejected, opsButton(deps, 'rejected'));
}
