import type { DecisionContext, Refused } from '../ports/decisions.ts';
import type { PeriodMonths } from '../rules/contract-terms.ts';
import type { CycleCommand, RenewalCycle } from '../rules/renewal-cycle.ts';
import {
  type DecisionInput,
  type DecisionPorts,
  loadDecision,
  moveLockedCycle,
  precheck,
  productOf,
  refuse,
} from './decision-steps.ts';

export type ChangePeriodResult =
  /** `changed: false`: the period was that already (a double submit); nothing written. */
  | {
      readonly ok: true;
      readonly cycle: RenewalCycle;
      readonly period: PeriodMonths;
      readonly changed: boolean;
      readonly contract: DecisionContext['contract'];
    }
  | Refused;

/**
 * R-CHANGE-1: a group admin chooses the period of the renewal, among those the product sells today,
 * until the decision deadline; it is kept for the renewal, manual or automatic. In one transaction:
 * the cycle and its audit event, and the notice re-rendered with a thread reply.
 */
export async function changePeriod(
  ports: DecisionPorts,
  input: DecisionInput & { readonly period: number },
): Promise<ChangePeriodResult> {
  const { now, userId } = input;
  const loaded = await loadDecision(ports.store, 'changePeriod', input);
  if (!loaded.ok) return loaded;
  const { context, actor } = loaded;
  const known = productOf(context);
  if (!known)
    return refuse(
      ports.store,
      { action: 'changePeriod', input, cycle: context.cycle },
      { reason: 'decision.unknown_product' },
    );
  // A period never offered is the form's error, not a decision refused: nothing to record.
  const period = known.allowed.find((p) => p === input.period);
  if (period === undefined) return { ok: false, reason: 'cycle.period_not_allowed', allowed: known.allowed };
  const command: CycleCommand = { type: 'changePeriod', actor, period, allowedPeriods: known.allowed };
  const check = precheck(context, command, now);
  if (!('ok' in check))
    return refuse(ports.store, { action: 'changePeriod', input, cycle: context.cycle }, check);
  if (!check.changed)
    return { ok: true, cycle: context.cycle, period, changed: false, contract: context.contract };

  return ports.store.transaction(async (tx): Promise<ChangePeriodResult> => {
    const step = await moveLockedCycle(tx, { action: 'changePeriod', input, context }, command);
    if (!step.ok) return step;
    const { before: cycle, moved } = step;
    if (!moved.changed) return { ok: true, cycle, period, changed: false, contract: context.contract };
    await tx.cycles.save(cycle.version, moved);
    await tx.messages.enqueue({
      kind: 'notice_refresh',
      cycleId: cycle.id,
      reply: { kind: 'period_changed', by: userId, at: now.toISOString(), periodMonths: period },
    });
    return { ok: true, cycle: moved.cycle, period, changed: true, contract: context.contract };
  });
}
