import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Locale } from '../../bot/i18n/locale.ts';
import { renewModal } from '../../bot/views/decisions/renew-modal.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import type { DecisionContext } from '../../db/stores/decisions.ts';
import { lookUpDcv, normaliseCommonName, type PeriodMonths } from '../../domain/index.ts';
import { decisionButton, periodChoices, precheck, productName, productOf } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';

/** R-WWW-1: the name the www option adds: the base name for `www.` CNs, else `www.` + CN. */
export const wwwNameOf = (cn: string): string => (cn.startsWith('www.') ? cn.slice(4) : `www.${cn}`);

/** The Renew modal as the previous application fills it. */
export function renewModalFor(
  context: DecisionContext,
  locale: Locale,
  now: Date,
  metadata: Record<string, unknown>,
  approverChoices: readonly string[] | null,
  lookupFailed = false,
) {
  const previous = context.previousApplication;
  const known = productOf(context);
  if (!previous || !known) return null;
  const wanted: PeriodMonths | null = context.cycle.chosenPeriod ?? previous.periodMonths;
  return renewModal({
    locale,
    cn: context.contract.cn,
    productName: productName(context, locale),
    choices: periodChoices(context, now),
    period: known.allowed.includes(wanted) ? wanted : null,
    dn: previous.dn,
    applicant: previous.applicant,
    csrMethod: previous.csrMethod,
    www: known.product.wwwOption
      ? { name: wwwNameOf(context.contract.cn), chosen: previous.wwwOption }
      : null,
    approver:
      known.product.ca === 'globalsign'
        ? { choices: approverChoices, previous: previous.approverAddress, lookupFailed }
        : null,
    privateMetadata: JSON.stringify({ ...metadata, ...(approverChoices ? { ap: approverChoices } : {}) }),
  });
}

/**
 * "Renew" of a proxy item: the modal opens right after the ack, inside the trigger's 3 s; for
 * GlobalSign the approver choices are looked up in DNS afterwards and filled in with `views.update`
 * and the view's hash (R-DCV-5: the look-up may take seconds).
 */
export const renewButton = (deps: HandlerDeps) =>
  decisionButton(deps, {
    action: 'requestRenewal',
    run: async ({ context, actor, locale, now, args, modalMetadata: metadata }) => {
      const { client, body, logger } = args;
      if (context.contract.category === 'byo') return { kind: 'not_for_byo' };
      const decided = precheck(context, { type: 'requestRenewal', actor }, now);
      if (decided.refusal) return decided.refusal;
      if (!decided.changed) return { kind: 'already_decided', cycle: context.cycle };
      const data = precheck(context, { type: 'submitRenewalData', actor, complete: true }, now);
      if (data.refusal) return data.refusal;
      const known = productOf(context);
      if (!known) return { kind: 'unknown_product' };
      const view = renewModalFor(context, locale, now, metadata, null);
      if (!view) return { kind: 'no_previous_application' };
      const opened = await client.views.open({ trigger_id: body.trigger_id, view });
      if (known.product.ca !== 'globalsign') return;

      const name = normaliseCommonName(context.contract.cn);
      const live = name.ok
        ? await lookUpDcv(deps.resolver, { name: name.value, ca: 'globalsign', on: now })
        : null;
      const choices = live ? live.choices.map((c) => c.address) : [];
      const previous = context.previousApplication?.approverAddress;
      // The previous address stays selectable when DNS could not be asked (R-DCV-5: never "no record").
      const offered = [
        ...new Set([...choices, ...(live?.lookupFailures.length && previous ? [previous] : [])]),
      ];
      const filled = renewModalFor(
        context,
        locale,
        now,
        metadata,
        offered,
        !live || live.lookupFailures.length > 0,
      );
      if (!filled || !opened.view?.id) return;
      try {
        await client.views.update({ view_id: opened.view.id, hash: opened.view.hash, view: filled });
      } catch (error) {
        // hash_conflict: the user already moved on (or submitted); their view wins.
        logger.warn({ err: error }, 'The Renew modal could not be filled with the approver choices');
      }
    },
  });

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.renew, renewButton(deps));
}
