import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { byoRegisterModal } from '../../bot/views/decisions/byo-register-modal.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import { prepareByoRegistration } from '../../domain/use-cases/prepare-decision-form.ts';
import { decisionButton } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';

/** "Register renewed certificate" of a BYO item: a modal to paste it (R-CHANGE-3). */
export const byoRegisterButton = (deps: HandlerDeps) =>
  decisionButton(deps, async ({ input, locale, args, modalMetadata, refuse }) => {
    const form = await prepareByoRegistration(deps.ports, input);
    if (!form.ok) return refuse(form);
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: byoRegisterModal({
        locale,
        cn: form.contract.cn,
        privateMetadata: JSON.stringify(modalMetadata),
      }),
    });
  });

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.byoRegister, byoRegisterButton(deps));
}
