// The steps every decision on a notice shares (request renewal, change period, opt out, undo, register
// a BYO certificate): the cycle as the user sees it, the state machine's answer in the decisions'
// vocabulary, and the refusal recorded with who, when and why.
import type { DecisionContext, DecisionRefusal, DecisionRepositories, Refused } from '../ports/decisions.ts';
import type { MessageRepositories } from '../ports/messages.ts';
import type { CommonRepositories, Store } from '../ports/store.ts';
import { allowedRenewalPeriods, findProduct, type Product } from '../rules/catalogue.ts';
import type { PeriodMonths } from '../rules/contract-terms.ts';
import {
  type Actor,
  applyCycleCommand,
  type CycleCommand,
  type CycleReason,
  type RenewalCycle,
  type Transition,
} from '../rules/renewal-cycle.ts';

export type DecisionStore = Store<CommonRepositories & DecisionRepositories & MessageRepositories>;
export type DecisionPorts = { readonly store: DecisionStore };

export type UserActor = Actor & { readonly type: 'user' };

/** Who decides, on which cycle, when. */
export type DecisionInput = { readonly cycleId: string; readonly userId: string; readonly now: Date };

export type Loaded = { readonly ok: true; readonly context: DecisionContext; readonly actor: UserActor };

/** The role of a user in the contract's group, as the state machine's guards see it. */
export function actorIn(context: DecisionContext, userId: string): UserActor {
  const role = context.groupAdmins.includes(userId)
    ? 'group_admin'
    : context.serviceAdmins.includes(userId)
      ? 'service_admin'
      : null;
  return { type: 'user', userId, role };
}

/** The cycle with its contract for this user; a cycle or contract that is gone is refused (and recorded). */
export async function loadDecision(
  store: DecisionStore,
  action: string,
  input: DecisionInput,
): Promise<Loaded | Refused> {
  const context = await store.decisions.context(input.cycleId);
  if (!context) return refuse(store, { action, input, cycle: null }, { reason: 'decision.contract_gone' });
  return { ok: true, context, actor: actorIn(context, input.userId) };
}

/** A reason of the state machine, with what its message needs. */
export function refusalOf(
  reason: CycleReason | 'cycle.not_found',
  params: Readonly<Record<string, unknown>> | undefined,
  context: DecisionContext,
  cycle: RenewalCycle,
): DecisionRefusal {
  const deadline = () => new Date(String(params?.deadline));
  switch (reason) {
    case 'cycle.not_authorized':
      return { reason, groupAdmins: context.groupAdmins };
    case 'cycle.decision_deadline_passed':
    case 'cycle.data_deadline_passed':
      return { reason, deadline: deadline() };
    case 'cycle.already_decided':
      return { reason, cycle };
    case 'cycle.closed':
      return { reason, state: cycle.state };
    case 'cycle.not_opted_out':
    case 'cycle.opted_out':
      return { reason };
    case 'cycle.not_for_category':
      return { reason: cycle.category === 'byo' ? 'decision.not_for_byo' : 'decision.not_for_proxy' };
    case 'cycle.period_not_allowed':
      return { reason, allowed: periodsOf(params?.allowed) };
    case 'cycle.not_found':
      return { reason: 'decision.contract_gone' };
    default:
      return { reason: 'decision.invalid' };
  }
}

const periodsOf = (allowed: unknown): PeriodMonths[] =>
  String(allowed ?? '')
    .split(',')
    .filter((p) => p !== '')
    .map((p) => Number(p) as PeriodMonths);

/**
 * The state machine's answer to a command on the cycle as loaded, without writing: whether a button
 * may open its modal, or a submission go on to its transaction.
 */
export function precheck(
  context: DecisionContext,
  command: CycleCommand,
  now: Date,
): { readonly ok: true; readonly changed: boolean } | DecisionRefusal {
  const result = applyCycleCommand(context.cycle, command, now);
  if (!result.ok) return refusalOf(result.reason, result.params, context, context.cycle);
  return { ok: true, changed: result.value.changed };
}

/** The contract's product and its allowed renewal periods (R-CHANGE-1), or null when unknown. */
export function productOf(
  context: DecisionContext,
): { readonly product: Product; readonly allowed: readonly PeriodMonths[] } | null {
  const product = findProduct(context.contract.productId ?? '');
  return product.ok ? { product: product.value, allowed: allowedRenewalPeriods(product.value) } : null;
}

const snapshotOf = (c: RenewalCycle) => ({
  state: c.state,
  chosenPeriod: c.chosenPeriod,
  decision: c.decision,
  decidedBy: c.decidedBy,
  decidedAt: c.decidedAt,
});

/** Records a refusal (who, when, why; the cycle unchanged: before = after) and returns it. */
export async function refuse(
  store: Pick<CommonRepositories, 'audit'>,
  about: { readonly action: string; readonly input: DecisionInput; readonly cycle: RenewalCycle | null },
  refusal: DecisionRefusal,
): Promise<Refused> {
  const snapshot = about.cycle ? snapshotOf(about.cycle) : null;
  await store.audit.record({
    actor: about.input.userId,
    action: 'decision.refused',
    at: about.input.now,
    contractId: about.cycle?.contractId ?? null,
    cycleId: about.cycle?.id ?? null,
    before: snapshot,
    after: snapshot,
    detail: { command: about.action, reason: refusal.reason },
  });
  return { ok: false, ...refusal };
}

/**
 * In the decision's transaction: the cycle locked (two admins, two replicas or a retry run one after
 * the other; the second sees the first) and the command applied to it as it is now. A refusal is
 * recorded and returned; `before` is the cycle as read, the version `tx.cycles.save` needs.
 */
export async function moveLockedCycle(
  tx: Pick<CommonRepositories, 'cycles' | 'audit'>,
  about: { readonly action: string; readonly input: DecisionInput; readonly context: DecisionContext },
  command: CycleCommand,
): Promise<{ readonly ok: true; readonly before: RenewalCycle; readonly moved: Transition } | Refused> {
  const { action, input, context } = about;
  const before = await tx.cycles.find(context.cycle.id, { lock: true });
  if (!before) return { ok: false, reason: 'decision.contract_gone' };
  const moved = applyCycleCommand(before, command, input.now);
  if (!moved.ok) {
    return refuse(
      tx,
      { action, input, cycle: before },
      refusalOf(moved.reason, moved.params, context, before),
    );
  }
  return { ok: true, before, moved: moved.value };
}

/**
 * Someone else decided first, found inside the transaction after it wrote: the transaction's work
 * returns `rollBack(LOST_RACE)`, and `afterLostRace` answers it once the writes are undone.
 */
export const LOST_RACE = { ok: false, reason: 'decision.lost_race' } as const;
export type LostRace = typeof LOST_RACE;

/** A lost race answered as "already decided" with who and when (the cycle as it is now); else the outcome. */
export async function afterLostRace<T>(
  store: DecisionStore,
  cycleId: string,
  outcome: T | LostRace,
): Promise<T | Refused> {
  if (outcome !== LOST_RACE) return outcome as T;
  const cycle = await store.cycles.find(cycleId);
  return cycle
    ? { ok: false, reason: 'cycle.already_decided', cycle }
    : { ok: false, reason: 'decision.contract_gone' };
}
