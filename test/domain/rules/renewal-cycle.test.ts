import { describe, expect, it } from 'vitest';
import type { PeriodMonths } from '../../../domain/rules/contract-terms.ts';
import {
  type Actor,
  applyCycleCommand,
  type CycleCommand,
  newRenewalCycle,
  type RenewalCycle,
  type Transition,
} from '../../../domain/rules/renewal-cycle.ts';

const jst = (local: string): Date => new Date(`${local}+09:00`);

const admin: Actor = { type: 'user', userId: 'U_ADMIN', role: 'group_admin' };
const otherAdmin: Actor = { type: 'user', userId: 'U_ADMIN2', role: 'group_admin' };
const serviceAdmin: Actor = { type: 'user', userId: 'U_SVC', role: 'service_admin' };
const outsider: Actor = { type: 'user', userId: 'U_OUT', role: null };
const system: Actor = { type: 'system', job: 'ops' };

// Expiry 2026-09-30 12:00 JST; decision deadline 26 days before, data deadline 21 days before.
const DECISION = jst('2026-09-04T12:00:00');
const DATA = jst('2026-09-09T12:00:00');
const EXPIRY = jst('2026-09-30T12:00:00');
const NOW = jst('2026-09-01T10:00:00');
const JUST_BEFORE_DECISION = new Date(DECISION.getTime() - 1);
const AFTER_DECISION = jst('2026-09-05T10:00:00');
const AFTER_DATA = jst('2026-09-10T10:00:00');
const PERIODS: readonly PeriodMonths[] = [6, 12];

const scheduled = (patch: Partial<RenewalCycle> = {}): RenewalCycle => ({
  ...newRenewalCycle({
    id: 'cy1',
    contractId: 'ct1',
    category: 'proxy',
    expiresAt: EXPIRY,
    decisionDeadline: DECISION,
    dataDeadline: DATA,
  }),
  ...patch,
});
const noticed = (patch: Partial<RenewalCycle> = {}): RenewalCycle =>
  scheduled({ state: 'noticed', noticedAt: jst('2026-08-31T09:00:00'), ...patch });
const renewed = (patch: Partial<RenewalCycle> = {}): RenewalCycle =>
  noticed({
    state: 'renewal_requested',
    decision: 'renew',
    decidedBy: 'U_ADMIN',
    decidedAt: NOW,
    version: 2,
    ...patch,
  });
const optedOut = (patch: Partial<RenewalCycle> = {}): RenewalCycle =>
  noticed({
    state: 'opted_out',
    decision: 'opt_out',
    decidedBy: 'U_ADMIN',
    decidedAt: NOW,
    version: 2,
    ...patch,
  });
const byo = (patch: Partial<RenewalCycle> = {}): RenewalCycle =>
  noticed({ category: 'byo', decisionDeadline: null, dataDeadline: null, ...patch });

const run = (cycle: RenewalCycle, command: CycleCommand, now = NOW): Transition => {
  const result = applyCycleCommand(cycle, command, now);
  if (!result.ok) throw new Error(`${result.reason} ${JSON.stringify(result.params)}`);
  return result.value;
};
const failure = (cycle: RenewalCycle, command: CycleCommand, now = NOW) => {
  const result = applyCycleCommand(cycle, command, now);
  if (result.ok) throw new Error(`expected a refusal, got state ${result.value.cycle.state}`);
  return result;
};

describe('notices open the cycle', () => {
  it('R-NOTICE-1: the first delivered notice moves scheduled to noticed, once', () => {
    const first = run(scheduled(), { type: 'noticeDelivered', kind: 'pre_notice' });
    expect(first.cycle.state).toBe('noticed');
    expect(first.cycle.noticedAt).toEqual(NOW);
    expect(first.cycle.version).toBe(1);
    expect(first.event).toMatchObject({ type: 'noticeDelivered', actor: 'system:notice', at: NOW });
    const again = run(first.cycle, { type: 'noticeDelivered', kind: 'notice' });
    expect(again).toEqual({ cycle: first.cycle, event: null, changed: false });
  });

  it('R-NOTICE-5: a reminder does not open a cycle', () => {
    expect(run(scheduled(), { type: 'noticeDelivered', kind: 'reminder_3' }).changed).toBe(false);
  });
});

describe('decisions', () => {
  it.each([
    ['scheduled', scheduled()],
    ['noticed', noticed()],
  ])('R-AUTO-5: a group admin requests the renewal from %s before the decision deadline', (_name, cycle) => {
    const t = run(cycle, { type: 'requestRenewal', actor: admin, period: 6 }, JUST_BEFORE_DECISION);
    expect(t.changed).toBe(true);
    expect(t.cycle).toMatchObject({
      state: 'renewal_requested',
      decision: 'renew',
      decidedBy: 'U_ADMIN',
      decidedAt: JUST_BEFORE_DECISION,
      chosenPeriod: 6,
      version: cycle.version + 1,
    });
    expect(t.event).toMatchObject({
      type: 'requestRenewal',
      cycleId: 'cy1',
      contractId: 'ct1',
      actor: 'U_ADMIN',
      before: { state: cycle.state, decision: null },
      after: { state: 'renewal_requested', decision: 'renew', chosenPeriod: 6 },
    });
  });

  const userCommands = (actor: Actor): [string, CycleCommand, RenewalCycle][] => [
    ['requestRenewal', { type: 'requestRenewal', actor }, noticed()],
    ['changePeriod', { type: 'changePeriod', actor, period: 6, allowedPeriods: PERIODS }, noticed()],
    ['optOut', { type: 'optOut', actor }, noticed()],
    ['undoOptOut', { type: 'undoOptOut', actor }, optedOut()],
    ['submitRenewalData', { type: 'submitRenewalData', actor, complete: true }, renewed()],
  ];

  it.each([
    ...userCommands(serviceAdmin).map(
      ([n, c, cy]) => [`${n} by a service admin`, c, cy, 'U_SVC', 'service_admin'] as const,
    ),
    ...userCommands(outsider).map(([n, c, cy]) => [`${n} by a non-member`, c, cy, 'U_OUT', null] as const),
    ...userCommands(system).map(([n, c, cy]) => [`${n} by the system`, c, cy, 'system:ops', null] as const),
  ])('R-NOTICE-3: %s is refused: only group admins decide', (_name, command, cycle, userId, role) => {
    expect(failure(cycle, command)).toEqual({
      ok: false,
      reason: 'cycle.not_authorized',
      params: { userId, role, required: 'group_admin' },
    });
  });

  it.each([
    ['requestRenewal', { type: 'requestRenewal', actor: admin }, noticed()],
    ['changePeriod', { type: 'changePeriod', actor: admin, period: 6, allowedPeriods: PERIODS }, noticed()],
    ['optOut', { type: 'optOut', actor: admin }, noticed()],
    ['undoOptOut', { type: 'undoOptOut', actor: admin }, optedOut()],
  ] as [string, CycleCommand, RenewalCycle][])(
    'R-AUTO-5: %s at or after the decision deadline names the deadline',
    (_name, command, cycle) => {
      for (const now of [DECISION, AFTER_DECISION]) {
        expect(failure(cycle, command, now)).toEqual({
          ok: false,
          reason: 'cycle.decision_deadline_passed',
          params: { deadline: '2026-09-04T03:00:00.000Z' },
        });
      }
      expect(applyCycleCommand(cycle, command, JUST_BEFORE_DECISION).ok).toBe(true);
    },
  );

  it('R-AUTO-5: the same decision again, by anyone, is a no-op without an event', () => {
    const first = run(noticed(), { type: 'requestRenewal', actor: admin });
    const again = run(first.cycle, { type: 'requestRenewal', actor: otherAdmin }, AFTER_DATA);
    expect(again).toEqual({ cycle: first.cycle, event: null, changed: false });

    const out = run(noticed(), { type: 'optOut', actor: admin });
    expect(run(out.cycle, { type: 'optOut', actor: otherAdmin })).toEqual({
      cycle: out.cycle,
      event: null,
      changed: false,
    });
  });

  it.each([
    ['opt out after a renewal', renewed(), { type: 'optOut', actor: otherAdmin }, 'renew'],
    ['renew after an opt-out', optedOut(), { type: 'requestRenewal', actor: otherAdmin }, 'opt_out'],
    [
      'renew for another period after a renewal',
      renewed({ chosenPeriod: 12 }),
      { type: 'requestRenewal', actor: admin, period: 6 },
      'renew',
    ],
    [
      'change the period after an opt-out',
      optedOut(),
      { type: 'changePeriod', actor: admin, period: 6, allowedPeriods: PERIODS },
      'opt_out',
    ],
  ] as [string, RenewalCycle, CycleCommand, string][])(
    'R-AUTO-1: %s conflicts: who decided what, when',
    (_n, cycle, command, decision) => {
      expect(failure(cycle, command)).toEqual({
        ok: false,
        reason: 'cycle.already_decided',
        params: { decision, decidedBy: 'U_ADMIN', decidedAt: NOW.toISOString() },
      });
    },
  );

  it('R-AUTO-1: an opt-out before the decision deadline stops the renewal, and can be undone until then', () => {
    const out = run(noticed(), { type: 'optOut', actor: admin });
    expect(out.cycle).toMatchObject({ state: 'opted_out', decision: 'opt_out', decidedBy: 'U_ADMIN' });
    const undone = run(out.cycle, { type: 'undoOptOut', actor: otherAdmin });
    expect(undone.cycle).toMatchObject({
      state: 'noticed',
      decision: null,
      decidedBy: null,
      decidedAt: null,
    });
    expect(undone.event).toMatchObject({
      type: 'undoOptOut',
      before: { state: 'opted_out' },
      after: { state: 'noticed' },
    });
    // a second undo (someone else clicked too) changes nothing
    expect(run(undone.cycle, { type: 'undoOptOut', actor: admin }).changed).toBe(false);
    // opted out before any notice: back to scheduled
    expect(
      run(optedOut({ state: 'opted_out', noticedAt: null }), { type: 'undoOptOut', actor: admin }).cycle
        .state,
    ).toBe('scheduled');
  });

  it('R-AUTO-1: undoing an opt-out that is a renewal is refused', () => {
    expect(failure(renewed(), { type: 'undoOptOut', actor: admin }).reason).toBe('cycle.not_opted_out');
  });

  it('R-CHANGE-1: the period may change before the decision deadline, with or without a renewal request', () => {
    const changed = run(noticed(), {
      type: 'changePeriod',
      actor: admin,
      period: 6,
      allowedPeriods: PERIODS,
    });
    expect(changed.cycle).toMatchObject({ state: 'noticed', chosenPeriod: 6, decision: null });
    expect(changed.event?.details).toEqual({ from: null, to: 6 });
    expect(
      run(changed.cycle, { type: 'changePeriod', actor: otherAdmin, period: 6, allowedPeriods: PERIODS })
        .changed,
    ).toBe(false);
    const onRenewal = run(renewed({ chosenPeriod: 12 }), {
      type: 'changePeriod',
      actor: admin,
      period: 6,
      allowedPeriods: PERIODS,
    });
    expect(onRenewal.cycle).toMatchObject({ state: 'renewal_requested', chosenPeriod: 6 });
  });

  it('R-CHANGE-1: a period the product does not sell is refused', () => {
    expect(
      failure(noticed(), { type: 'changePeriod', actor: admin, period: 24, allowedPeriods: PERIODS }),
    ).toEqual({
      ok: false,
      reason: 'cycle.period_not_allowed',
      params: { period: 24, allowed: '6,12' },
    });
  });

  it('R-AUTO-4: BYO cycles take no renewal request or period, but may opt out until expiry', () => {
    expect(failure(byo(), { type: 'requestRenewal', actor: admin }).reason).toBe('cycle.not_for_category');
    expect(
      failure(byo(), { type: 'changePeriod', actor: admin, period: 6, allowedPeriods: PERIODS }).reason,
    ).toBe('cycle.not_for_category');
    expect(run(byo(), { type: 'optOut', actor: admin }, AFTER_DATA).cycle.state).toBe('opted_out');
    expect(failure(byo(), { type: 'optOut', actor: admin }, EXPIRY)).toEqual({
      ok: false,
      reason: 'cycle.decision_deadline_passed',
      params: { deadline: EXPIRY.toISOString() },
    });
  });

  it.each([['auto_renewal_requested'], ['completed'], ['cancelled']] as const)(
    'R-AUTO-5: no decision is taken on a cycle that is %s',
    (state) => {
      expect(failure(noticed({ state }), { type: 'optOut', actor: admin })).toEqual({
        ok: false,
        reason: 'cycle.closed',
        params: { state },
      });
    },
  );
});

describe('renewal data and the data deadline', () => {
  it('R-AUTO-5: data may be submitted after the decision deadline until the data deadline', () => {
    const t = run(renewed(), { type: 'submitRenewalData', actor: admin, complete: true }, AFTER_DECISION);
    expect(t.cycle.renewalDataComplete).toBe(true);
    expect(t.event?.type).toBe('submitRenewalData');
    expect(failure(renewed(), { type: 'submitRenewalData', actor: admin, complete: true }, DATA)).toEqual({
      ok: false,
      reason: 'cycle.data_deadline_passed',
      params: { deadline: DATA.toISOString() },
    });
  });

  it('R-AUTO-1: an opted-out contract takes no renewal data', () => {
    expect(failure(optedOut(), { type: 'submitRenewalData', actor: admin, complete: true }).reason).toBe(
      'cycle.opted_out',
    );
  });

  it.each([
    ['noticed, no data', noticed(), 'auto_renewal_requested', true],
    ['scheduled (no notice reached the channel)', scheduled(), 'auto_renewal_requested', true],
    ['renewal requested, incomplete data', renewed(), 'auto_renewal_requested', true],
    ['renewal requested, complete data', renewed({ renewalDataComplete: true }), 'renewal_requested', false],
    ['noticed, complete data', noticed({ renewalDataComplete: true }), 'noticed', false],
    ['opted out', optedOut(), 'opted_out', false],
    ['already auto-renewed', noticed({ state: 'auto_renewal_requested' }), 'auto_renewal_requested', false],
  ] as const)('R-AUTO-2: at the data deadline, %s → %s', (_name, cycle, state, changed) => {
    const t = run(cycle, { type: 'autoRenewAtDataDeadline' }, DATA);
    expect(t.cycle.state).toBe(state);
    expect(t.changed).toBe(changed);
    if (changed)
      expect(t.event).toMatchObject({ type: 'autoRenewAtDataDeadline', actor: 'system:data_deadline' });
    else expect(t.event).toBeNull();
  });

  it('R-AUTO-2: not before the data deadline, and never for BYO', () => {
    expect(failure(noticed(), { type: 'autoRenewAtDataDeadline' }, new Date(DATA.getTime() - 1))).toEqual({
      ok: false,
      reason: 'cycle.data_deadline_not_reached',
      params: { deadline: DATA.toISOString() },
    });
    expect(failure(byo(), { type: 'autoRenewAtDataDeadline' }, EXPIRY).reason).toBe('cycle.not_for_category');
  });
});

describe('completion, expiry and cancellation', () => {
  it.each([
    ['renewal requested', renewed()],
    ['auto-renewal requested', noticed({ state: 'auto_renewal_requested' })],
    ['BYO noticed', byo()],
    ['BYO expired', byo({ state: 'expired_registered' })],
  ])('R-AUTO-2: registering the renewed certificate completes a cycle that is %s', (_name, cycle) => {
    const t = run(cycle, { type: 'registerRenewedCertificate', actor: system }, AFTER_DATA);
    expect(t.cycle.state).toBe('completed');
    expect(t.event?.actor).toBe('system:ops');
    expect(run(t.cycle, { type: 'registerRenewedCertificate', actor: admin }).changed).toBe(false);
  });

  it('R-CHANGE-3: a BYO certificate is registered by a group admin, not a service admin', () => {
    expect(run(byo(), { type: 'registerRenewedCertificate', actor: admin }).cycle.state).toBe('completed');
    expect(failure(byo(), { type: 'registerRenewedCertificate', actor: serviceAdmin }).reason).toBe(
      'cycle.not_authorized',
    );
    expect(failure(optedOut(), { type: 'registerRenewedCertificate', actor: system }).reason).toBe(
      'cycle.opted_out',
    );
  });

  it('R-AUTO-4: an expired BYO certificate does not end the contract', () => {
    const t = run(byo(), { type: 'certificateExpired' }, EXPIRY);
    expect(t.cycle.state).toBe('expired_registered');
    expect(t.event).toMatchObject({ type: 'certificateExpired', actor: 'system:expiry' });
    expect(failure(byo(), { type: 'certificateExpired' }, new Date(EXPIRY.getTime() - 1)).reason).toBe(
      'cycle.not_expired_yet',
    );
  });

  it('R-AUTO-1: an opted-out contract is cancelled at the end of its term; any other is never cancelled for lack of action', () => {
    expect(run(optedOut(), { type: 'certificateExpired' }, EXPIRY).cycle.state).toBe('cancelled');
    expect(
      run(byo({ state: 'opted_out', decision: 'opt_out' }), { type: 'certificateExpired' }, EXPIRY).cycle
        .state,
    ).toBe('cancelled');
    for (const cycle of [noticed(), renewed(), noticed({ state: 'auto_renewal_requested' })]) {
      const t = run(cycle, { type: 'certificateExpired' }, EXPIRY);
      expect(t.changed).toBe(false);
      expect(t.cycle.state).toBe(cycle.state);
    }
  });

  it('cancel is an operator act: the system may cancel, a user may not; completed cycles stay completed', () => {
    const t = run(noticed(), { type: 'cancel', actor: system, reason: 'contract terminated' });
    expect(t.cycle.state).toBe('cancelled');
    expect(t.event?.details).toEqual({ reason: 'contract terminated' });
    expect(run(t.cycle, { type: 'cancel', actor: system, reason: 'again' }).changed).toBe(false);
    expect(failure(noticed(), { type: 'cancel', actor: admin, reason: 'x' })).toEqual({
      ok: false,
      reason: 'cycle.not_authorized',
      params: { userId: 'U_ADMIN', role: 'group_admin', required: 'system' },
    });
    expect(
      failure(noticed({ state: 'completed' }), { type: 'cancel', actor: system, reason: 'x' }).reason,
    ).toBe('cycle.closed');
  });
});
