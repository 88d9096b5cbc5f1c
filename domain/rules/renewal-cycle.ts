import type { Category, MemberRole, PeriodMonths } from './contract-terms.ts';
import type { CycleState, NoticeKind } from './cycle-vocabulary.ts';
import { err, ok, type Result } from './result.ts';

/**
 * One renewal cycle: one contract period ending at one expiry, and what the customer decided about
 * it. A plain value; the db layer maps it to a row and uses `version` for optimistic locking.
 */
export type RenewalCycle = {
  readonly id: string;
  readonly contractId: string;
  readonly category: Category;
  readonly state: CycleState;
  /** End of the contract period (the expiry of its last certificate). */
  readonly expiresAt: Date;
  /** Null for BYO, where the expiry itself is the deadline. */
  readonly decisionDeadline: Date | null;
  readonly dataDeadline: Date | null;
  /** Period chosen for the renewal (manual or automatic); null = keep the previous one. */
  readonly chosenPeriod: PeriodMonths | null;
  readonly decision: Decision | null;
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
  readonly renewalDataComplete: boolean;
  /** When the first notice reached the channel; undoing an opt-out returns to 'noticed' after that. */
  readonly noticedAt: Date | null;
  readonly version: number;
};

export type Decision = 'renew' | 'opt_out';

/** Who acts: a Slack user with their role in the contract's service group (null: not a member), or Kigen. */
export type Actor =
  | { readonly type: 'user'; readonly userId: string; readonly role: MemberRole | null }
  | { readonly type: 'system'; readonly job: string };

export type CycleCommand =
  | { readonly type: 'noticeDelivered'; readonly kind: NoticeKind }
  | { readonly type: 'requestRenewal'; readonly actor: Actor; readonly period?: PeriodMonths }
  | {
      readonly type: 'changePeriod';
      readonly actor: Actor;
      readonly period: PeriodMonths;
      /** allowedRenewalPeriods(product) of the catalogue. */
      readonly allowedPeriods: readonly PeriodMonths[];
    }
  | { readonly type: 'optOut'; readonly actor: Actor }
  | { readonly type: 'undoOptOut'; readonly actor: Actor }
  | { readonly type: 'submitRenewalData'; readonly actor: Actor; readonly complete: boolean }
  | { readonly type: 'autoRenewAtDataDeadline' }
  | { readonly type: 'registerRenewedCertificate'; readonly actor: Actor }
  | { readonly type: 'certificateExpired' }
  | { readonly type: 'cancel'; readonly actor: Actor; readonly reason: string };

export type CycleCommandType = CycleCommand['type'];

type CycleSnapshot = Pick<
  RenewalCycle,
  'state' | 'chosenPeriod' | 'decision' | 'decidedBy' | 'decidedAt' | 'renewalDataComplete'
>;

/** An audit-log entry: one per change of a cycle. */
export type CycleEvent = {
  readonly type: CycleCommandType;
  readonly cycleId: string;
  readonly contractId: string;
  /** Slack user id, or 'system:<job>'. */
  readonly actor: string;
  readonly at: Date;
  readonly before: CycleSnapshot;
  readonly after: CycleSnapshot;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
};

/** A transition's outcome; `changed: false` is an idempotent repeat, with no event. */
export type Transition = {
  readonly cycle: RenewalCycle;
  readonly event: CycleEvent | null;
  readonly changed: boolean;
};

export type CycleReason =
  | 'cycle.not_authorized'
  | 'cycle.not_for_category'
  | 'cycle.decision_deadline_passed'
  | 'cycle.data_deadline_passed'
  | 'cycle.already_decided'
  | 'cycle.closed'
  | 'cycle.period_not_allowed'
  | 'cycle.not_opted_out'
  | 'cycle.opted_out'
  | 'cycle.data_deadline_not_reached'
  | 'cycle.not_expired_yet';

type CycleResult = Result<Transition, CycleReason>;

/** States in which nothing can be decided any more. */
const CLOSED_STATES: readonly CycleState[] = [
  'auto_renewal_requested',
  'completed',
  'expired_registered',
  'cancelled',
];
const OPEN_STATES: readonly CycleState[] = ['scheduled', 'noticed'];

export type NewCycleInput = {
  readonly id: string;
  readonly contractId: string;
  readonly category: Category;
  readonly expiresAt: Date;
  readonly decisionDeadline: Date | null;
  readonly dataDeadline: Date | null;
};

/** A cycle as planned from a notice schedule, before any notice. */
export const newRenewalCycle = (input: NewCycleInput): RenewalCycle => ({
  ...input,
  state: 'scheduled',
  chosenPeriod: null,
  decision: null,
  decidedBy: null,
  decidedAt: null,
  renewalDataComplete: false,
  noticedAt: null,
  version: 0,
});

const actorId = (actor: Actor): string => (actor.type === 'user' ? actor.userId : `system:${actor.job}`);

const snapshot = (c: RenewalCycle): CycleSnapshot => ({
  state: c.state,
  chosenPeriod: c.chosenPeriod,
  decision: c.decision,
  decidedBy: c.decidedBy,
  decidedAt: c.decidedAt,
  renewalDataComplete: c.renewalDataComplete,
});

const unchanged = (cycle: RenewalCycle): CycleResult => ok({ cycle, event: null, changed: false });

const change = (
  before: RenewalCycle,
  patch: Partial<RenewalCycle>,
  type: CycleCommandType,
  actor: string,
  now: Date,
  details?: CycleEvent['details'],
): CycleResult => {
  const cycle: RenewalCycle = { ...before, ...patch, version: before.version + 1 };
  const event: CycleEvent = {
    type,
    cycleId: before.id,
    contractId: before.contractId,
    actor,
    at: now,
    before: snapshot(before),
    after: snapshot(cycle),
    ...(details ? { details } : {}),
  };
  return ok({ cycle, event, changed: true });
};

// --- guards: read top to bottom, each use-case is the rule ---------------------------------------

// R-NOTICE-3 / glossary: only a group admin of the contract's service group may renew, change the
// period or opt out; service admins receive notices but may not decide.
const assertGroupAdmin = (actor: Actor): Result<string, CycleReason> =>
  actor.type === 'user' && actor.role === 'group_admin'
    ? ok(actor.userId)
    : err('cycle.not_authorized', {
        userId: actor.type === 'user' ? actor.userId : actorId(actor),
        role: actor.type === 'user' ? actor.role : null,
        required: 'group_admin',
      });

const assertProxy = (cycle: RenewalCycle, command: CycleCommandType): Result<true, CycleReason> =>
  cycle.category === 'proxy'
    ? ok(true)
    : err('cycle.not_for_category', { category: cycle.category, command });

const assertOpen = (cycle: RenewalCycle): Result<true, CycleReason> =>
  CLOSED_STATES.includes(cycle.state) ? err('cycle.closed', { state: cycle.state }) : ok(true);

// R-AUTO-5: late input is refused with the deadline that passed. A deadline is the first instant at
// which input is late. BYO cycles have no decision deadline: the expiry takes its place.
const assertBeforeDecisionDeadline = (cycle: RenewalCycle, now: Date): Result<true, CycleReason> => {
  const deadline = cycle.decisionDeadline ?? cycle.expiresAt;
  return now.getTime() < deadline.getTime()
    ? ok(true)
    : err('cycle.decision_deadline_passed', { deadline: deadline.toISOString() });
};

const assertBeforeDataDeadline = (cycle: RenewalCycle, now: Date): Result<true, CycleReason> => {
  const deadline = cycle.dataDeadline ?? cycle.expiresAt;
  return now.getTime() < deadline.getTime()
    ? ok(true)
    : err('cycle.data_deadline_passed', { deadline: deadline.toISOString() });
};

const alreadyDecided = (cycle: RenewalCycle): CycleResult =>
  err('cycle.already_decided', {
    decision: cycle.decision,
    decidedBy: cycle.decidedBy,
    decidedAt: cycle.decidedAt?.toISOString() ?? null,
  });

const firstError = (...checks: Result<unknown, CycleReason>[]): CycleResult | null => {
  for (const check of checks) if (!check.ok) return check;
  return null;
};

// --- transitions ------------------------------------------------------------------------------------

const NOTICES_THAT_OPEN_A_CYCLE: readonly NoticeKind[] = ['pre_notice', 'notice', 'byo_notice'];

const noticeDelivered = (cycle: RenewalCycle, kind: NoticeKind, now: Date): CycleResult => {
  if (cycle.state !== 'scheduled' || !NOTICES_THAT_OPEN_A_CYCLE.includes(kind)) return unchanged(cycle);
  return change(cycle, { state: 'noticed', noticedAt: now }, 'noticeDelivered', 'system:notice', now, {
    kind,
  });
};

const requestRenewal = (
  cycle: RenewalCycle,
  actor: Actor,
  period: PeriodMonths | undefined,
  now: Date,
): CycleResult => {
  const who = assertGroupAdmin(actor);
  const blocked = firstError(assertProxy(cycle, 'requestRenewal'), who);
  if (blocked) return blocked;
  const samePeriod = period === undefined || period === cycle.chosenPeriod;
  if (cycle.decision === 'renew' && samePeriod) return unchanged(cycle);
  const late = firstError(assertOpen(cycle), assertBeforeDecisionDeadline(cycle, now));
  if (late) return late;
  if (cycle.decision !== null) return alreadyDecided(cycle);
  return change(
    cycle,
    {
      state: 'renewal_requested',
      decision: 'renew',
      decidedBy: who.ok ? who.value : null,
      decidedAt: now,
      chosenPeriod: period ?? cycle.chosenPeriod,
    },
    'requestRenewal',
    actorId(actor),
    now,
  );
};

// R-CHANGE-1: the period may change until the decision deadline, whether or not the renewal was
// requested; it is kept for the renewal, manual or automatic.
const changePeriod = (
  cycle: RenewalCycle,
  actor: Actor,
  period: PeriodMonths,
  allowed: readonly PeriodMonths[],
  now: Date,
): CycleResult => {
  const blocked = firstError(assertProxy(cycle, 'changePeriod'), assertGroupAdmin(actor));
  if (blocked) return blocked;
  if (!allowed.includes(period))
    return err('cycle.period_not_allowed', { period, allowed: allowed.join(',') });
  if (cycle.chosenPeriod === period) return unchanged(cycle);
  const late = firstError(assertOpen(cycle), assertBeforeDecisionDeadline(cycle, now));
  if (late) return late;
  if (cycle.decision === 'opt_out') return alreadyDecided(cycle);
  return change(cycle, { chosenPeriod: period }, 'changePeriod', actorId(actor), now, {
    from: cycle.chosenPeriod,
    to: period,
  });
};

// R-AUTO-1: only an opt-out before the decision deadline stops the renewal.
const optOut = (cycle: RenewalCycle, actor: Actor, now: Date): CycleResult => {
  const who = assertGroupAdmin(actor);
  if (!who.ok) return who;
  if (cycle.decision === 'opt_out') return unchanged(cycle);
  const late = firstError(assertOpen(cycle), assertBeforeDecisionDeadline(cycle, now));
  if (late) return late;
  if (cycle.decision !== null) return alreadyDecided(cycle);
  return change(
    cycle,
    { state: 'opted_out', decision: 'opt_out', decidedBy: who.value, decidedAt: now },
    'optOut',
    actorId(actor),
    now,
  );
};

const undoOptOut = (cycle: RenewalCycle, actor: Actor, now: Date): CycleResult => {
  const who = assertGroupAdmin(actor);
  if (!who.ok) return who;
  // Someone else already undid it: the same outcome, nothing to do.
  if (cycle.decision === null && OPEN_STATES.includes(cycle.state)) return unchanged(cycle);
  const late = firstError(assertOpen(cycle), assertBeforeDecisionDeadline(cycle, now));
  if (late) return late;
  if (cycle.decision !== 'opt_out') return err('cycle.not_opted_out', { state: cycle.state });
  return change(
    cycle,
    { state: cycle.noticedAt ? 'noticed' : 'scheduled', decision: null, decidedBy: null, decidedAt: null },
    'undoOptOut',
    actorId(actor),
    now,
  );
};

const submitRenewalData = (cycle: RenewalCycle, actor: Actor, complete: boolean, now: Date): CycleResult => {
  const blocked = firstError(assertProxy(cycle, 'submitRenewalData'), assertGroupAdmin(actor));
  if (blocked) return blocked;
  const late = firstError(assertOpen(cycle), assertBeforeDataDeadline(cycle, now));
  if (late) return late;
  if (cycle.decision === 'opt_out') return err('cycle.opted_out', { decidedBy: cycle.decidedBy });
  // Every submission is recorded, even one that leaves completeness as it was: the data may differ.
  return change(cycle, { renewalDataComplete: complete }, 'submitRenewalData', actorId(actor), now);
};

// R-AUTO-2: at the data deadline a proxy contract that is not opted out and lacks complete data is
// renewed automatically. Called by the scheduler, possibly more than once: repeats are no-ops.
const autoRenewAtDataDeadline = (cycle: RenewalCycle, now: Date): CycleResult => {
  const blocked = assertProxy(cycle, 'autoRenewAtDataDeadline');
  if (!blocked.ok) return blocked;
  const deadline = cycle.dataDeadline ?? cycle.expiresAt;
  if (now.getTime() < deadline.getTime()) {
    return err('cycle.data_deadline_not_reached', { deadline: deadline.toISOString() });
  }
  if (cycle.decision === 'opt_out' || cycle.renewalDataComplete || CLOSED_STATES.includes(cycle.state)) {
    return unchanged(cycle);
  }
  return change(
    cycle,
    { state: 'auto_renewal_requested' },
    'autoRenewAtDataDeadline',
    'system:data_deadline',
    now,
  );
};

const registerRenewedCertificate = (cycle: RenewalCycle, actor: Actor, now: Date): CycleResult => {
  // Kigen registers proxy certificates itself; a user registering one must be a group admin.
  if (actor.type === 'user') {
    const who = assertGroupAdmin(actor);
    if (!who.ok) return who;
  }
  if (cycle.state === 'completed') return unchanged(cycle);
  if (cycle.state === 'cancelled') return err('cycle.closed', { state: cycle.state });
  if (cycle.decision === 'opt_out') return err('cycle.opted_out', { decidedBy: cycle.decidedBy });
  // A BYO certificate may still be registered after the old one expired.
  return change(cycle, { state: 'completed' }, 'registerRenewedCertificate', actorId(actor), now);
};

const certificateExpired = (cycle: RenewalCycle, now: Date): CycleResult => {
  if (now.getTime() < cycle.expiresAt.getTime()) {
    return err('cycle.not_expired_yet', { expiresAt: cycle.expiresAt.toISOString() });
  }
  if (cycle.state === 'opted_out') {
    return change(cycle, { state: 'cancelled' }, 'certificateExpired', 'system:expiry', now);
  }
  // R-AUTO-4: an expired BYO certificate does not end the contract.
  if (cycle.category === 'byo' && OPEN_STATES.includes(cycle.state)) {
    return change(cycle, { state: 'expired_registered' }, 'certificateExpired', 'system:expiry', now);
  }
  // Proxy cycles waiting for the CA stay as they are (never cancelled for lack of action).
  return unchanged(cycle);
};

// Cancelling a cycle is an operator's act (e.g. the contract ended by other means); customers opt out.
const cancel = (cycle: RenewalCycle, actor: Actor, reason: string, now: Date): CycleResult => {
  if (actor.type !== 'system') {
    return err('cycle.not_authorized', { userId: actor.userId, role: actor.role, required: 'system' });
  }
  if (cycle.state === 'cancelled') return unchanged(cycle);
  if (cycle.state === 'completed' || cycle.state === 'expired_registered') {
    return err('cycle.closed', { state: cycle.state });
  }
  return change(cycle, { state: 'cancelled' }, 'cancel', actorId(actor), now, { reason });
};

/** Applies one command to a cycle at `now`: the new cycle and its audit event, or why not. */
export const applyCycleCommand = (cycle: RenewalCycle, command: CycleCommand, now: Date): CycleResult => {
  switch (command.type) {
    case 'noticeDelivered':
      return noticeDelivered(cycle, command.kind, now);
    case 'requestRenewal':
      return requestRenewal(cycle, command.actor, command.period, now);
    case 'changePeriod':
      return changePeriod(cycle, command.actor, command.period, command.allowedPeriods, now);
    case 'optOut':
      return optOut(cycle, command.actor, now);
    case 'undoOptOut':
      return undoOptOut(cycle, command.actor, now);
    case 'submitRenewalData':
      return submitRenewalData(cycle, command.actor, command.complete, now);
    case 'autoRenewAtDataDeadline':
      return autoRenewAtDataDeadline(cycle, now);
    case 'registerRenewedCertificate':
      return registerRenewedCertificate(cycle, command.actor, now);
    case 'certificateExpired':
      return certificateExpired(cycle, now);
    case 'cancel':
      return cancel(cycle, command.actor, command.reason, now);
  }
};
