import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { byoRegisterModal } from '../../bot/views/decisions/byo-register-modal.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import { decisionButton, precheck } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';

/** "Register renewed certificate" of a BYO item: a modal to paste it (R-CHANGE-3). */
export const byoRegisterButton = (deps: HandlerDeps) =>
  decisionButton(deps, {
    action: 'registerRenewedCertificate',
    run: async ({ context, actor, locale, now, args, modalMetadata }) => {
      if (context.contract.category !== 'byo') return { kind: 'not_for_proxy' };
      const check = precheck(context, { type: 'registerRenewedCertificate', actor }, now);
      if (check.refusal) return check.refusal;
      if (!check.changed) return { kind: 'already_decided', cycle: context.cycle };
      await args.client.views.open({
        trigger_id: args.body.trigger_id,
        view: byoRegisterModal({
          locale,
          cn: context.contract.cn,
          privateMetadata: JSON.stringify(modalMetadata),
        }),
      });
    },
  });

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.byoRegister, byoRegisterButton(deps));
}
