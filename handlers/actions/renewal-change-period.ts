import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { changePeriodModal } from '../../bot/views/decisions/change-period-modal.ts';
import { productNameOf } from '../../bot/views/decisions/modal-parts.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import { prepareChangePeriod } from '../../domain/use-cases/prepare-decision-form.ts';
import { decisionButton } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';

/**
 * R-CHANGE-1: "Change period" opens a modal with the allowed periods and their estimates, right after
 * the ack (the trigger_id lives 3 s). Who and until when are checked here and again on submission.
 */
export const changePeriodButton = (deps: HandlerDeps) =>
  decisionButton(deps, async ({ input, locale, args, modalMetadata, refuse }) => {
    const form = await prepareChangePeriod(deps.ports, input);
    if (!form.ok) return refuse(form);
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: changePeriodModal({
        locale,
        cn: form.contract.cn,
        productName: productNameOf(form.product, locale),
        choices: form.choices,
        current: form.current,
        privateMetadata: JSON.stringify(modalMetadata),
      }),
    });
  });

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.changePeriod, changePeriodButton(deps));
}
