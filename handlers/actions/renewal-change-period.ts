import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { changePeriodModal } from '../../bot/views/decisions/change-period-modal.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import type { HandlerDeps } from '../deps.ts';
import {
  answerRefusal,
  auditRefusal,
  clickedMessageOf,
  loadForUser,
  periodChoices,
  precheck,
  probePeriod,
  productName,
  productOf,
} from './decision-support.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * R-CHANGE-1: "Change period" opens a modal with the allowed periods and their estimates, right after
 * the ack (the trigger_id lives 3 s). Who and until when are the domain's guards, checked here and
 * again on submission.
 */
export const changePeriodButton =
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
        { userId, action: 'changePeriod', refusal, context: loaded.context, cycleId: action.value, now },
        logger,
      );
      await answerRefusal(respond, locale, refusal);
    };
    if (!loaded.ok) return refuse(loaded.refusal);
    const { context, actor } = loaded;
    const probe = probePeriod(context);
    const known = productOf(context);
    if (context.contract.category === 'byo') return refuse({ kind: 'not_for_byo' });
    if (probe === null || known === null) return refuse({ kind: 'unknown_product' });
    const check = precheck(
      context,
      { type: 'changePeriod', actor, period: probe, allowedPeriods: known.allowed },
      now,
    );
    if (check.refusal) return refuse(check.refusal);
    const clicked = clickedMessageOf(body);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: changePeriodModal({
        locale,
        cn: context.contract.cn,
        productName: productName(context, locale),
        choices: periodChoices(context, now),
        current: context.cycle.chosenPeriod ?? context.contract.periodMonths,
        privateMetadata: JSON.stringify({
          c: context.cycle.id,
          ...(clicked ? { ch: clicked.channel, ts: clicked.ts } : {}),
        }),
      }),
    });
  };

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.changePeriod, changePeriodButton(deps));
}
