import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { changePeriodModal } from '../../bot/views/decisions/change-period-modal.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import {
  decisionButton,
  periodChoices,
  precheck,
  probePeriod,
  productName,
  productOf,
} from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';

/**
 * R-CHANGE-1: "Change period" opens a modal with the allowed periods and their estimates, right after
 * the ack (the trigger_id lives 3 s). Who and until when are the domain's guards, checked here and
 * again on submission.
 */
export const changePeriodButton = (deps: HandlerDeps) =>
  decisionButton(deps, {
    action: 'changePeriod',
    run: async ({ context, actor, locale, now, args, modalMetadata }) => {
      const probe = probePeriod(context);
      const known = productOf(context);
      if (context.contract.category === 'byo') return { kind: 'not_for_byo' };
      if (probe === null || known === null) return { kind: 'unknown_product' };
      const check = precheck(
        context,
        { type: 'changePeriod', actor, period: probe, allowedPeriods: known.allowed },
        now,
      );
      if (check.refusal) return check.refusal;
      await args.client.views.open({
        trigger_id: args.body.trigger_id,
        view: changePeriodModal({
          locale,
          cn: context.contract.cn,
          productName: productName(context, locale),
          choices: periodChoices(context, now),
          current: context.cycle.chosenPeriod ?? context.contract.periodMonths,
          privateMetadata: JSON.stringify(modalMetadata),
        }),
      });
    },
  });

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.changePeriod, changePeriodButton(deps));
}
