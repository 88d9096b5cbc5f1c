import { describe, expect, it } from 'vitest';
import { contractPeriodEndOfIssued } from '../../../domain/index.ts';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

describe('contract period of an issued certificate', () => {
  // Old certificate expires 2027-01-31 00:00 JST; renewed 1 year with DigiCert, issued 2027-01-05.
  const current = { notAfter: at('2027-01-30T15:00:00Z'), contractPeriodEnd: null };
  const notBefore = at('2027-01-05T01:00:00Z');

  it('R-CABF-2: a 1-year renewal cut to 199 days keeps its contract period running past the certificate', () => {
    const end = contractPeriodEndOfIssued({
      category: 'proxy',
      ca: 'digicert',
      application: { kind: 'renewal', periodMonths: 12 },
      current,
      issued: { notBefore, notAfter: new Date(notBefore.getTime() + 199 * DAY) },
    });
    // R-VALID-1 for DigiCert: issue + 365 days 23:59:59 (2028-01-06 00:59:59Z) + the 25 days 14 h
    // left on the old certificate.
    expect(end?.toISOString()).toBe('2028-01-31T14:59:59.000Z');
  });

  it('R-CABF-2: a re-issue stays in the period of the certificate it replaces', () => {
    const end = contractPeriodEndOfIssued({
      category: 'proxy',
      ca: 'digicert',
      application: { kind: 'reissue', periodMonths: 12 },
      current: { notAfter: at('2027-07-23T01:00:00Z'), contractPeriodEnd: at('2028-01-30T14:59:59Z') },
      issued: { notBefore: at('2027-07-01T01:00:00Z'), notAfter: at('2027-12-30T01:00:00Z') },
    });
    expect(end?.toISOString()).toBe('2028-01-30T14:59:59.000Z');
  });

  it.each([
    ['a BYO certificate', { category: 'byo' as const, ca: null }],
    ['no application to answer', { application: null }],
    ['a certificate longer than its issue date allows (not cut by the cap)', { notAfterDays: 396 }],
  ])('R-CABF-2: no separate period end for %s', (_name, change) => {
    const days = 'notAfterDays' in change ? change.notAfterDays : 199;
    const input = {
      category: 'proxy' as const,
      ca: 'digicert' as const,
      application: { kind: 'renewal' as const, periodMonths: 12 as const },
      current,
      issued: { notBefore, notAfter: new Date(notBefore.getTime() + days * DAY) },
      ...('notAfterDays' in change ? {} : change),
    };
    expect(contractPeriodEndOfIssued(input)).toBeNull();
  });
});
