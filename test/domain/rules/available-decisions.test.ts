import { describe, expect, it } from 'vitest';
import { availableDecisions } from '../../../domain/rules/available-decisions.ts';
import { newRenewalCycle, type RenewalCycle } from '../../../domain/rules/renewal-cycle.ts';

const jst = (local: string): Date => new Date(`${local}+09:00`);
const DECISION = jst('2026-09-04T12:00:00');
const DATA = jst('2026-09-09T12:00:00');
const EXPIRY = jst('2026-09-30T12:00:00');
const NOW = jst('2026-09-01T10:00:00');

const proxy = (patch: Partial<RenewalCycle> = {}): RenewalCycle => ({
  ...newRenewalCycle({
    id: 'cy1',
    contractId: 'ct1',
    category: 'proxy',
    expiresAt: EXPIRY,
    decisionDeadline: DECISION,
    dataDeadline: DATA,
  }),
  state: 'noticed',
  noticedAt: jst('2026-08-31T09:00:00'),
  ...patch,
});
const byo = (patch: Partial<RenewalCycle> = {}): RenewalCycle =>
  proxy({ category: 'byo', decisionDeadline: null, dataDeadline: null, ...patch });
const decided = { decidedBy: 'U_ADMIN', decidedAt: NOW };

describe('availableDecisions: what a notice offers (the state machine’s guards)', () => {
  it('R-AUTO-5: an open proxy cycle offers Renew, Change period and Opt out until its decision deadline', () => {
    const offered = ['requestRenewal', 'changePeriod', 'optOut'];
    expect(availableDecisions(proxy(), NOW)).toEqual(offered);
    expect(availableDecisions(proxy({ state: 'scheduled', noticedAt: null }), NOW)).toEqual(offered);
    expect(availableDecisions(proxy(), new Date(DECISION.getTime() - 1))).toEqual(offered);
    expect(availableDecisions(proxy(), DECISION)).toEqual([]);
  });

  it('R-NOTICE-5: once renewed (by hand or automatically) or closed, a proxy cycle offers nothing', () => {
    expect(
      availableDecisions(proxy({ state: 'renewal_requested', decision: 'renew', ...decided }), NOW),
    ).toEqual([]);
    for (const state of ['auto_renewal_requested', 'completed', 'cancelled'] as const)
      expect(availableDecisions(proxy({ state }), NOW)).toEqual([]);
  });

  it('R-AUTO-1: an opted-out cycle offers only Undo, until the decision deadline (the expiry for BYO)', () => {
    const optedOut = { state: 'opted_out', decision: 'opt_out', ...decided } as const;
    expect(availableDecisions(proxy(optedOut), NOW)).toEqual(['undoOptOut']);
    expect(availableDecisions(proxy(optedOut), DECISION)).toEqual([]);
    expect(availableDecisions(byo(optedOut), new Date(EXPIRY.getTime() - 1))).toEqual(['undoOptOut']);
    expect(availableDecisions(byo(optedOut), EXPIRY)).toEqual([]);
  });

  it('R-CHANGE-3, R-AUTO-4: a BYO cycle offers Register and Opt out; after expiry the contract stays and Register is still offered', () => {
    expect(availableDecisions(byo(), NOW)).toEqual(['registerRenewedCertificate', 'optOut']);
    expect(availableDecisions(byo({ state: 'expired_registered' }), jst('2026-10-01T10:00:00'))).toEqual([
      'registerRenewedCertificate',
    ]);
    expect(availableDecisions(byo({ state: 'completed' }), NOW)).toEqual([]);
    expect(availableDecisions(byo({ state: 'cancelled' }), NOW)).toEqual([]);
  });
});
