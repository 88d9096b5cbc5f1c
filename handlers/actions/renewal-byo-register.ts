import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { byoRegisterModal } from '../../bot/views/decisions/byo-register-modal.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import type { HandlerDeps } from '../deps.ts';
import { answerRefusal, auditRefusal, clickedMessageOf, loadForUser, precheck } from './decision-support.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Register renewed certificate" of a BYO item: a modal to paste it (R-CHANGE-3). */
export const byoRegisterButton =
  (deps: HandlerDeps) =>
  async ({ ack, body, action, respond, client, logger }: ButtonArgs): Promise<void> => {
    await ack();
    const now = deps.now();
    const userId = body.user.id;
    const [locale, loaded] = await Promise.all([
      deps.userLocale(client, userId),
      loadForUser(deps, action.value ?? '', userId),
    ]);
    const refuse = async (refusal: Parameters<typeof answerRefusal>[2]) => {
      await auditRefusal(
        deps,
        {
          userId,
          action: 'registerRenewedCertificate',
          refusal,
          context: loaded.context,
          cycleId: action.value,
          now,
        },
        logger,
      );
      await answerRefusal(respond, locale, refusal);
    };
    if (!loaded.ok) return refuse(loaded.refusal);
    const { context, actor } = loaded;
    if (context.contract.category !== 'byo') return refuse({ kind: 'not_for_proxy' });
    const check = precheck(context, { type: 'registerRenewedCertificate', actor }, now);
    if (check.refusal) return refuse(check.refusal);
    if (!check.changed) return refuse({ kind: 'already_decided', cycle: context.cycle });
    const clicked = clickedMessageOf(body);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: byoRegisterModal({
        locale,
        cn: context.contract.cn,
        privateMetadata: JSON.stringify({
          c: context.cycle.id,
          ...(clicked ? { ch: clicked.channel, ts: clicked.ts } : {}),
        }),
      }),
    });
  };

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.byoRegister, byoRegisterButton(deps));
}
