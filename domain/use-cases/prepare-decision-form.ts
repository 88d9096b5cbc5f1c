// What the notice buttons need to open their modals: the same guards as the submission (checked
// again then), and the form's data as a read-model the view draws.
import type { DecisionContext, PreviousApplication, Refused } from '../ports/decisions.ts';
import type { DnsResolver } from '../ports/dns.ts';
import type { Product } from '../rules/catalogue.ts';
import type { PeriodMonths } from '../rules/contract-terms.ts';
import { lookUpDcv } from '../rules/dcv/lookup-dcv.ts';
import { normaliseCommonName } from '../rules/domain-name.ts';
import { estimateValidity, type ValidityEstimate } from '../rules/validity-estimate.ts';
import { wwwNameOf } from '../rules/www-option.ts';
import {
  type DecisionInput,
  type DecisionPorts,
  loadDecision,
  precheck,
  productOf,
  refuse,
} from './decision-steps.ts';

/** A period the product sells today, with the estimated expiry of the renewed certificate (R-VALID-1). */
export type PeriodChoice = { readonly period: PeriodMonths; readonly estimate: ValidityEstimate | null };

type FormBase = {
  readonly ok: true;
  readonly cycleId: string;
  readonly contract: DecisionContext['contract'];
};

export type ChangePeriodForm = FormBase & {
  readonly product: Product;
  readonly choices: readonly PeriodChoice[];
  /** The period the renewal would have now: the one chosen, else the contract's. */
  readonly current: PeriodMonths | null;
};

export type RenewalFormData = FormBase & {
  readonly product: Product;
  readonly choices: readonly PeriodChoice[];
  /** Pre-selected: the period chosen for the cycle, else the previous one, when still sold. */
  readonly period: PeriodMonths | null;
  /** R-DN-1: the form is pre-filled from the previous application. */
  readonly previous: PreviousApplication;
  /** R-WWW-1: the www name the option adds, when the product offers it. */
  readonly www: { readonly name: string; readonly chosen: boolean } | null;
  /** R-DCV-GLOBALSIGN: the approver is chosen in the form (choices looked up afterwards). */
  readonly approver: { readonly previous: string | null } | null;
};

export type ByoForm = FormBase;

/**
 * R-CHANGE-1, R-VALID-1, R-CABF-1: the periods the product sells today, each with the estimated expiry
 * of a certificate issued now that renews the cycle's.
 */
function periodChoices(
  product: Product,
  allowed: readonly PeriodMonths[],
  context: DecisionContext,
  now: Date,
) {
  return allowed.map((period): PeriodChoice => {
    const estimate = estimateValidity({
      ca: product.ca,
      periodMonths: period,
      issuedAt: now,
      oldNotAfter: context.cycle.expiresAt,
    });
    return { period, estimate: estimate.ok ? estimate.value : null };
  });
}

/** "Change period" (R-CHANGE-1): who and until when are the state machine's guards. */
export async function prepareChangePeriod(
  ports: DecisionPorts,
  input: DecisionInput,
): Promise<ChangePeriodForm | Refused> {
  const loaded = await loadDecision(ports.store, 'changePeriod', input);
  if (!loaded.ok) return loaded;
  const { context, actor } = loaded;
  const refused = (refusal: Parameters<typeof refuse>[2]) =>
    refuse(ports.store, { action: 'changePeriod', input, cycle: context.cycle }, refusal);
  if (context.contract.category === 'byo') return refused({ reason: 'decision.not_for_byo' });
  const known = productOf(context);
  const probe = known?.allowed.find((p) => p !== context.cycle.chosenPeriod) ?? known?.allowed[0];
  if (!known || probe === undefined) return refused({ reason: 'decision.unknown_product' });
  const check = precheck(
    context,
    { type: 'changePeriod', actor, period: probe, allowedPeriods: known.allowed },
    input.now,
  );
  if (!('ok' in check)) return refused(check);
  return {
    ok: true,
    cycleId: context.cycle.id,
    contract: context.contract,
    product: known.product,
    choices: periodChoices(known.product, known.allowed, context, input.now),
    current: context.cycle.chosenPeriod ?? context.contract.periodMonths,
  };
}

/** "Renew": a proxy cycle this user may renew now and submit data for, pre-filled from the last application. */
export async function prepareRenewal(
  ports: DecisionPorts,
  input: DecisionInput,
): Promise<RenewalFormData | Refused> {
  const loaded = await loadDecision(ports.store, 'requestRenewal', input);
  if (!loaded.ok) return loaded;
  const { context, actor } = loaded;
  const { now } = input;
  const refused = (refusal: Parameters<typeof refuse>[2]) =>
    refuse(ports.store, { action: 'requestRenewal', input, cycle: context.cycle }, refusal);
  if (context.contract.category === 'byo') return refused({ reason: 'decision.not_for_byo' });
  const decided = precheck(context, { type: 'requestRenewal', actor }, now);
  if (!('ok' in decided)) return refused(decided);
  if (!decided.changed) return refused({ reason: 'cycle.already_decided', cycle: context.cycle });
  const data = precheck(context, { type: 'submitRenewalData', actor, complete: true }, now);
  if (!('ok' in data)) return refused(data);
  const known = productOf(context);
  if (!known) return refused({ reason: 'decision.unknown_product' });
  const previous = context.previousApplication;
  if (!previous) return refused({ reason: 'decision.no_previous_application' });
  const wanted = context.cycle.chosenPeriod ?? previous.periodMonths;
  return {
    ok: true,
    cycleId: context.cycle.id,
    contract: context.contract,
    product: known.product,
    choices: periodChoices(known.product, known.allowed, context, now),
    period: known.allowed.includes(wanted) ? wanted : null,
    previous,
    www: known.product.wwwOption
      ? { name: wwwNameOf(context.contract.cn), chosen: previous.wwwOption }
      : null,
    approver: known.product.ca === 'globalsign' ? { previous: previous.approverAddress } : null,
  };
}

/**
 * R-DCV-GLOBALSIGN, R-DCV-5: the approver addresses the CA offers for the contract now, looked up live
 * (it may take seconds: the modal is open already). The previous address stays selectable when DNS
 * could not be asked (never "no record" for a failed look-up).
 */
export async function approverChoices(
  ports: { readonly dns: DnsResolver },
  input: { readonly cn: string; readonly previous: string | null; readonly now: Date },
): Promise<{ readonly choices: readonly string[]; readonly lookupFailed: boolean }> {
  const name = normaliseCommonName(input.cn);
  const live = name.ok
    ? await lookUpDcv(ports.dns, { name: name.value, ca: 'globalsign', on: input.now })
    : null;
  const choices = live ? live.choices.map((c) => c.address) : [];
  const failed = !live || live.lookupFailures.length > 0;
  const offered = [
    ...new Set([...choices, ...(live?.lookupFailures.length && input.previous ? [input.previous] : [])]),
  ];
  return { choices: offered, lookupFailed: failed };
}

/** "Register renewed certificate" (R-CHANGE-3): a BYO cycle this user may complete now. */
export async function prepareByoRegistration(
  ports: DecisionPorts,
  input: DecisionInput,
): Promise<ByoForm | Refused> {
  const loaded = await loadDecision(ports.store, 'registerRenewedCertificate', input);
  if (!loaded.ok) return loaded;
  const { context, actor } = loaded;
  const refused = (refusal: Parameters<typeof refuse>[2]) =>
    refuse(ports.store, { action: 'registerRenewedCertificate', input, cycle: context.cycle }, refusal);
  if (context.contract.category !== 'byo') return refused({ reason: 'decision.not_for_proxy' });
  const check = precheck(context, { type: 'registerRenewedCertificate', actor }, input.now);
  if (!('ok' in check)) return refused(check);
  if (!check.changed) return refused({ reason: 'cycle.already_decided', cycle: context.cycle });
  return { ok: true, cycleId: context.cycle.id, contract: context.contract };
}
