import { describe, expect, it } from 'vitest';
import {
  CA_WHOIS_DCV_STOPPED,
  CA_WHOIS_STOPPED_ON,
  dcvMethodStatus,
  EMAIL_DCV_DISCOURAGED_FROM,
  EMAIL_DCV_ENDS_ON,
  latestNotAfter,
  maxValidityDays,
  validityCapFor,
  validityDays,
  WHOIS_SOA_WITHDRAWN_ON,
} from '../../../domain/rules/cabf-limits.ts';

describe('validity cap by issue date (SC-081v3)', () => {
  it.each([
    // issued at (UTC)             max  aim  dcv reuse
    ['2025-01-01T00:00:00.000Z', 398, 397, 398],
    ['2026-03-14T23:59:59.999Z', 398, 397, 398],
    ['2026-03-15T00:00:00.000Z', 200, 199, 200],
    ['2027-03-14T23:59:59.999Z', 200, 199, 200],
    ['2027-03-15T00:00:00.000Z', 100, 99, 100],
    ['2028-03-14T23:59:59.999Z', 100, 99, 100],
    ['2028-03-15T00:00:00.000Z', 100, 99, 100],
    ['2029-03-14T23:59:59.999Z', 100, 99, 100],
    ['2029-03-15T00:00:00.000Z', 47, 46, 10],
    ['2035-01-01T00:00:00.000Z', 47, 46, 10],
  ])(
    'R-CABF-1: a certificate issued at %s may last %i days (CAs aim at %i, DCV reuse %i)',
    (at, max, aim, dcv) => {
      const issuedAt = new Date(at);
      expect(maxValidityDays(issuedAt)).toBe(max);
      const step = validityCapFor(issuedAt);
      expect([step.maxDays, step.aimDays, step.dcvReuseDays]).toEqual([max, aim, dcv]);
    },
  );

  it('R-CABF-1: the steps change on UTC dates, so 08:59 JST on 15 March is still the earlier step', () => {
    expect(maxValidityDays(new Date('2026-03-15T08:59:59+09:00'))).toBe(398);
    expect(maxValidityDays(new Date('2026-03-15T09:00:00+09:00'))).toBe(200);
  });

  it('R-CABF-1: organisation data may be reused 398 days from 2026-03-15', () => {
    expect(validityCapFor(new Date('2026-03-15T00:00:00Z')).orgReuseDays).toBe(398);
    expect(validityCapFor(new Date('2026-03-14T00:00:00Z')).orgReuseDays).toBe(825);
  });
});

describe('counting BR days (a day is 86,400 s, any part of a further day counts)', () => {
  const notBefore = new Date('2025-01-01T00:00:00Z');
  it.each([
    ['2025-01-01T00:00:00Z', 1],
    ['2025-01-01T23:59:58Z', 1],
    ['2025-01-01T23:59:59Z', 1], // notBefore through notAfter inclusive: exactly 86,400 s
    ['2025-01-02T00:00:00Z', 2],
    ['2026-02-02T23:59:59Z', 398], // 397 days + 86,399 s inclusive = 398 days
    ['2026-02-02T00:00:00Z', 398], // notBefore + 397 days: the "aim" length is within 398
    ['2026-02-03T00:00:00Z', 399],
  ])('R-CABF-1: notAfter %s is a validity of %i days', (notAfter, days) => {
    expect(validityDays(notBefore, new Date(notAfter))).toBe(days);
  });

  it('R-CABF-1: the latest notAfter under a 200-day cap is one second before notBefore + 200 days', () => {
    expect(latestNotAfter(new Date('2026-04-01T00:00:00Z'), 200).toISOString()).toBe(
      '2026-10-17T23:59:59.000Z',
    );
    expect(validityDays(new Date('2026-04-01T00:00:00Z'), new Date('2026-10-17T23:59:59Z'))).toBe(200);
    expect(validityDays(new Date('2026-04-01T00:00:00Z'), new Date('2026-10-18T00:00:00Z'))).toBe(201);
  });
});

describe('DCV by e-mail (BR 3.2.2.4)', () => {
  it('exports the dates other modules import', () => {
    expect(WHOIS_SOA_WITHDRAWN_ON.toISOString()).toBe('2025-07-15T00:00:00.000Z');
    expect(EMAIL_DCV_DISCOURAGED_FROM.toISOString()).toBe('2026-03-15T00:00:00.000Z');
    expect(EMAIL_DCV_ENDS_ON.toISOString()).toBe('2028-03-15T00:00:00.000Z');
    expect(CA_WHOIS_STOPPED_ON).toEqual({
      digicert: '2025-05-08',
      cybertrust: '2025-06-25',
      globalsign: '2025-07-14',
    });
    expect(CA_WHOIS_DCV_STOPPED.cybertrust.at.toISOString()).toBe('2025-06-24T15:00:00.000Z');
    expect(CA_WHOIS_DCV_STOPPED.digicert.at.toISOString()).toBe('2025-05-08T06:00:00.000Z');
  });

  it.each([
    ['whois_email', '2025-07-14T23:59:59Z', 'allowed'],
    ['whois_email', '2025-07-15T00:00:00Z', 'not_allowed'],
    ['soa_rname', '2025-07-15T00:00:00Z', 'not_allowed'],
    ['whois_phone', '2025-07-15T00:00:00Z', 'not_allowed'],
    ['constructed', '2026-03-14T23:59:59Z', 'allowed'],
    ['constructed', '2026-03-15T00:00:00Z', 'discouraged'],
    ['txt_contact', '2028-03-14T23:59:59Z', 'discouraged'],
    ['txt_contact', '2028-03-15T00:00:00Z', 'not_allowed'],
    ['caa_contact', '2028-03-15T00:00:00Z', 'not_allowed'],
  ] as const)('R-CABF-3: %s on %s is %s', (method, at, status) => {
    expect(dcvMethodStatus(method, new Date(at))).toBe(status);
  });
});
