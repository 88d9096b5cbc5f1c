import { describe, expect, it } from 'vitest';
import type { Ca, PeriodMonths } from '../../../domain/rules/contract-terms.ts';
import { estimateValidity, type ValidityEstimate } from '../../../domain/rules/validity-estimate.ts';

const jst = (local: string): Date => new Date(`${local}+09:00`);
const iso = (local: string): string => jst(local).toISOString();

const estimate = (
  ca: Ca,
  periodMonths: PeriodMonths,
  issuedAt: Date,
  oldNotAfter: Date,
): ValidityEstimate => {
  const result = estimateValidity({ ca, periodMonths, issuedAt, oldNotAfter });
  if (!result.ok) throw new Error(result.reason);
  return result.value;
};

const codes = (e: ValidityEstimate): string[] => e.reasons.map((r) => r.code);

describe('R-VALID-1 formulas (issued before 2026-03-15, under the 398-day cap)', () => {
  it.each([
    // ca, period, issued (JST), old notAfter (JST), nominal notAfter (JST)
    // DigiCert: issue + 365 d 23:59:59 + remaining (20 d 14 h)
    ['digicert', 12, '2025-06-10T10:00:00', '2025-07-01T00:00:00', '2026-07-01T23:59:59'],
    // DigiCert: issued after the old expiry, remaining 0
    ['digicert', 12, '2025-08-01T09:00:00', '2025-07-31T00:00:00', '2026-08-02T08:59:59'],
    // Cybertrust: old expiry + 6 months / 1 year, calendar months in Tokyo
    ['cybertrust', 6, '2025-08-05T10:00:00', '2025-08-31T23:59:59', '2026-02-28T23:59:59'],
    ['cybertrust', 6, '2025-08-05T10:00:00', '2025-08-31T00:00:00', '2026-02-28T00:00:00'], // 30 Aug in UTC
    ['cybertrust', 12, '2025-03-10T10:00:00', '2025-03-31T23:59:59', '2026-03-31T23:59:59'],
    ['cybertrust', 6, '2025-09-01T10:00:00', '2025-09-30T12:00:00', '2026-03-30T12:00:00'],
    // GlobalSign 6 months: issue date + 214 days + remaining (19 days)
    ['globalsign', 6, '2025-09-01T10:00:00', '2025-09-20T10:00:00', '2026-04-22T10:00:00'],
    // GlobalSign 1 year: issue date + 397 days, remaining not carried
    ['globalsign', 12, '2025-06-01T10:00:00', '2025-06-20T10:00:00', '2026-07-03T10:00:00'],
  ] as const)(
    'R-VALID-1: %s %i months issued %s, old expiry %s → %s',
    (ca, period, issued, old, expected) => {
      const e = estimate(ca, period, jst(issued), jst(old));
      expect(e.nominalNotAfter.toISOString()).toBe(iso(expected));
      expect(e.estimatedNotAfter.toISOString()).toBe(iso(expected));
      expect(e.capped).toBeNull();
      expect(e.contractPeriodEnd.toISOString()).toBe(iso(expected));
      expect(e.nextReissueDueAt).toBeNull();
    },
  );

  it.each([
    ['2027-08-31T12:00:00', 6, '2028-02-29T12:00:00'], // into a leap February
    ['2028-02-29T12:00:00', 6, '2028-08-29T12:00:00'],
    ['2028-02-29T12:00:00', 12, '2029-02-28T12:00:00'], // leap day + 1 year clamps to 28 Feb
    ['2026-08-31T23:59:59', 6, '2027-02-28T23:59:59'],
  ] as const)('R-VALID-1: Cybertrust old expiry %s + %i months is nominally %s', (old, period, expected) => {
    const e = estimate('cybertrust', period, jst('2025-01-01T10:00:00'), jst(old));
    expect(e.nominalNotAfter.toISOString()).toBe(iso(expected));
  });

  it('R-VALID-1: DigiCert is a lower bound (the CA may add days); the others are not', () => {
    const d = estimate('digicert', 12, jst('2025-06-10T10:00:00'), jst('2025-07-01T00:00:00'));
    expect(d.isLowerBound).toBe(true);
    expect(codes(d)).toContain('validity.lower_bound_ca_may_add_days');
    const g = estimate('globalsign', 12, jst('2025-06-01T10:00:00'), jst('2025-06-20T10:00:00'));
    expect(g.isLowerBound).toBe(false);
    expect(codes(g)).toContain('validity.remaining_validity_not_carried');
  });

  it.each([
    ['digicert', 6],
    ['cybertrust', 24],
    ['globalsign', 36],
  ] as const)('R-VALID-1: %s has no formula for %i months', (ca, period) => {
    const result = estimateValidity({
      ca,
      periodMonths: period,
      issuedAt: jst('2025-06-01T10:00:00'),
      oldNotAfter: jst('2025-07-01T10:00:00'),
    });
    expect(result).toEqual({
      ok: false,
      reason: 'validity.period_not_supported',
      params: { ca, periodMonths: period },
    });
  });
});

describe('R-VALID-2: not "old expiry + period"', () => {
  it.each([
    // ca, period, issued, old, differs, old + period (JST)
    ['digicert', 12, '2025-08-01T09:00:00', '2025-07-31T00:00:00', true, '2026-07-31T00:00:00'],
    ['digicert', 12, '2025-06-10T10:00:00', '2025-07-01T00:00:00', false, '2026-07-01T00:00:00'],
    ['globalsign', 6, '2025-09-01T10:00:00', '2025-09-20T10:00:00', true, '2026-03-20T10:00:00'],
    ['globalsign', 12, '2025-06-01T10:00:00', '2025-06-20T10:00:00', true, '2026-06-20T10:00:00'],
    ['cybertrust', 12, '2025-03-10T10:00:00', '2025-03-31T23:59:59', false, '2026-03-31T23:59:59'],
  ] as const)(
    'R-VALID-2: %s %i months issued %s: differs %s from %s',
    (ca, period, issued, old, differs, plus) => {
      const e = estimate(ca, period, jst(issued), jst(old));
      expect(e.differsFromOldExpiryPlusPeriod).toBe(differs);
      expect(e.oldExpiryPlusPeriod.toISOString()).toBe(iso(plus));
      expect(codes(e).includes('validity.counted_from_issue_date')).toBe(differs);
    },
  );
});

describe('R-VALID-3 / R-CABF-1: capped by the issue date', () => {
  it.each([
    // GlobalSign 1 year (issue + 397 days) issued at (UTC): cap, estimated notAfter (JST), or null when not capped
    ['2026-03-14T23:59:59.000Z', null, '2027-04-16T08:59:59'],
    ['2026-03-15T00:00:00.000Z', 200, '2026-09-30T09:00:00'],
    ['2027-03-14T23:59:59.000Z', 200, '2027-09-30T08:59:59'],
    ['2027-03-15T00:00:00.000Z', 100, '2027-06-22T09:00:00'],
    ['2028-03-14T23:59:59.000Z', 100, '2028-06-22T08:59:59'],
    ['2028-03-15T00:00:00.000Z', 100, '2028-06-22T09:00:00'],
    ['2029-03-14T23:59:59.000Z', 100, '2029-06-22T08:59:59'],
    ['2029-03-15T00:00:00.000Z', 47, '2029-04-30T09:00:00'],
  ] as const)(
    'R-VALID-3: GlobalSign 1 year issued %s is capped to %s days, expiring %s JST',
    (at, cap, expected) => {
      const issuedAt = new Date(at);
      const e = estimate('globalsign', 12, issuedAt, new Date(issuedAt.getTime() + 5 * 86_400_000));
      expect(e.estimatedNotAfter.toISOString()).toBe(iso(expected));
      expect(e.capped?.capDays ?? null).toBe(cap);
      if (cap !== null) {
        expect(e.capped?.aimDays).toBe(cap - 1);
        expect(e.capped?.latestNotAfter.getTime()).toBe(issuedAt.getTime() + cap * 86_400_000 - 1000);
        expect(e.nextReissueDueAt?.toISOString()).toBe(iso(expected));
        expect(e.contractPeriodEnd.getTime()).toBe(issuedAt.getTime() + 397 * 86_400_000);
        expect(codes(e)).toContain('validity.capped_by_cabf');
      } else {
        expect(e.nextReissueDueAt).toBeNull();
      }
    },
  );

  it('R-CABF-1: DigiCert with much validity left is cut to 397 days and is no longer a lower bound', () => {
    const e = estimate('digicert', 12, jst('2025-05-01T10:00:00'), jst('2025-07-01T10:00:00'));
    expect(e.nominalNotAfter.toISOString()).toBe(iso('2026-07-02T09:59:59'));
    expect(e.estimatedNotAfter.toISOString()).toBe(iso('2026-06-02T10:00:00'));
    expect(e.capped).toEqual({
      capDays: 398,
      aimDays: 397,
      latestNotAfter: jst('2026-06-03T09:59:59'),
      rule: 'R-CABF-1',
    });
    expect(e.isLowerBound).toBe(false);
    expect(e.contractPeriodEnd.toISOString()).toBe(iso('2026-07-02T09:59:59'));
    expect(e.nextReissueDueAt?.toISOString()).toBe(iso('2026-06-02T10:00:00'));
  });

  it('R-CABF-1: Cybertrust 1 year from a leap day in 2028 runs on with re-issues', () => {
    const e = estimate('cybertrust', 12, jst('2028-02-01T10:00:00'), jst('2028-02-29T12:00:00'));
    expect(e.capped?.capDays).toBe(100);
    expect(e.estimatedNotAfter.toISOString()).toBe(iso('2028-05-10T10:00:00'));
    expect(e.contractPeriodEnd.toISOString()).toBe(iso('2029-02-28T12:00:00'));
    expect(e.nextReissueDueAt?.toISOString()).toBe(iso('2028-05-10T10:00:00'));
    expect(e.differsFromOldExpiryPlusPeriod).toBe(true);
  });

  it('R-CABF-1: a nominal validity of exactly 398 BR days is not capped; one second more is', () => {
    // GlobalSign 6 months: 214 days + remaining. Remaining 183 d 23:59:59 gives 397 d 23:59:59 → 398 BR days.
    const issuedAt = new Date('2025-01-01T00:00:00Z');
    const remainingMs = (183 * 86_400 + 86_399) * 1000;
    const within = estimate('globalsign', 6, issuedAt, new Date(issuedAt.getTime() + remainingMs));
    expect(within.capped).toBeNull();
    expect(within.estimatedNotAfter.toISOString()).toBe('2026-02-02T23:59:59.000Z');
    const over = estimate('globalsign', 6, issuedAt, new Date(issuedAt.getTime() + remainingMs + 1000));
    expect(over.capped?.capDays).toBe(398);
    expect(over.estimatedNotAfter.toISOString()).toBe('2026-02-02T00:00:00.000Z');
  });
});
