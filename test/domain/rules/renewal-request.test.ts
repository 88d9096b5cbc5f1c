import { describe, expect, it } from 'vitest';
import { findProduct, type Product } from '../../../domain/rules/catalogue.ts';
import {
  type Application,
  applyRenewalChanges,
  buildAutoRenewalApplication,
  checkByoCertificate,
  isRenewalDataComplete,
  type RenewalChanges,
  type RenewalData,
} from '../../../domain/rules/renewal-request.ts';

const product = (id: string): Product => {
  const found = findProduct(id);
  if (!found.ok) throw new Error(id);
  return found.value;
};
const CLOUD = product('cybertrust.sureserver_cloud');
const DIGICERT = product('digicert.secure_server_id');
const QUICK = product('globalsign.quick_ssl');

const previous: Application = {
  kind: 'renewal',
  productId: 'cybertrust.sureserver_cloud',
  dn: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Example K.K.', ou: 'IT', cn: 'www.example.jp' },
  applicant: { name: '山田 太郎', email: 'taro@example.jp' },
  periodMonths: 24,
  csrMethod: 'customer',
  csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----',
  wwwOption: true,
  approverEmail: null,
  linkedServiceIds: ['svc-1', 'svc-2'],
  appliedAt: new Date('2024-09-01T00:00:00Z'),
};

describe('what may change at renewal', () => {
  it.each([
    [{ productId: 'cybertrust.sureserver_ev_cloud' }, 'renewal.product_fixed', 'new_contract'],
    [{ dn: { cn: 'shop.example.jp' } }, 'renewal.cn_fixed', 'new_contract'],
    [{ dn: { cn: 'example.jp' } }, 'renewal.cn_fixed', 'new_contract'],
    [{ linkedServiceIds: ['svc-1'] }, 'renewal.linked_services_fixed', 'separate_request'],
    [{ linkedServiceIds: ['svc-1', 'svc-2', 'svc-3'] }, 'renewal.linked_services_fixed', 'separate_request'],
  ] as [RenewalChanges, string, string][])(
    'R-CHANGE-2: %j is refused with %s (instead: %s)',
    (changes, reason, instead) => {
      const result = applyRenewalChanges(previous, changes, CLOUD);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason).toBe(reason);
        expect(result.params?.instead).toBe(instead);
      }
    },
  );

  it.each([
    [{ productId: 'cybertrust.sureserver_cloud' }],
    [{ dn: { cn: 'WWW.Example.JP.' } }],
    [{ linkedServiceIds: ['svc-2', 'svc-1'] }],
  ] as [RenewalChanges][])('R-CHANGE-2: %j is no change of a fixed field', (changes) => {
    const result = applyRenewalChanges(previous, changes, CLOUD);
    expect(result.ok && result.value.dn.cn).toBe('www.example.jp');
  });

  it('R-CHANGE-2: DN fields other than CN, applicant, period, CSR method, www option and approver may change', () => {
    const result = applyRenewalChanges(
      previous,
      {
        dn: { o: 'New Name K.K.', l: 'Minato-ku', ou: undefined },
        applicant: { name: '佐藤 花子', email: 'hanako@example.jp' },
        periodMonths: 6,
        csrMethod: 'provider',
        wwwOption: false,
        approverEmail: 'admin@example.jp',
      },
      CLOUD,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        kind: 'renewal',
        productId: 'cybertrust.sureserver_cloud',
        dn: { c: 'JP', st: 'Tokyo', l: 'Minato-ku', o: 'New Name K.K.', ou: undefined, cn: 'www.example.jp' },
        applicant: { name: '佐藤 花子', email: 'hanako@example.jp' },
        periodMonths: 6,
        csrMethod: 'provider',
        csrPem: null,
        wwwOption: false,
        approverEmail: 'admin@example.jp',
        linkedServiceIds: ['svc-1', 'svc-2'],
      },
    });
  });

  it('R-CHANGE-1: a period the product does not sell today is refused', () => {
    const result = applyRenewalChanges(previous, { periodMonths: 24 }, CLOUD);
    expect(result).toEqual({
      ok: false,
      reason: 'renewal.period_not_allowed',
      params: { period: 24, allowed: '6,12' },
    });
  });

  it('R-WWW-1: the www option is kept at renewal for Cybertrust and refused for other CAs', () => {
    const kept = applyRenewalChanges(previous, {}, CLOUD);
    expect(kept.ok && kept.value.wwwOption).toBe(true);
    const digicertPrevious: Application = {
      ...previous,
      productId: 'digicert.secure_server_id',
      wwwOption: false,
    };
    expect(applyRenewalChanges(digicertPrevious, { wwwOption: true }, DIGICERT)).toEqual({
      ok: false,
      reason: 'renewal.www_option_not_offered',
      params: { productId: 'digicert.secure_server_id' },
    });
  });
});

describe('BYO certificate acceptance', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const current = { notAfter: new Date('2026-07-01T00:00:00Z'), sans: ['www.example.jp', 'example.jp'] };
  const cert = (patch: Partial<Parameters<typeof checkByoCertificate>[0]['certificate']> = {}) => ({
    subjectCn: 'www.example.jp',
    sans: ['www.example.jp', 'example.jp'],
    notBefore: new Date('2026-05-30T00:00:00Z'),
    notAfter: new Date('2026-12-01T00:00:00Z'),
    ...patch,
  });

  it.each([
    ['same CN, same SANs', 'www.example.jp', cert(), { ok: true, value: { sansChanged: false } }],
    [
      'CN in another case, trailing dot',
      'www.example.jp',
      cert({ subjectCn: 'WWW.EXAMPLE.JP.' }),
      { ok: true, value: { sansChanged: false } },
    ],
    [
      'other SANs (multi-domain)',
      'www.example.jp',
      cert({ sans: ['www.example.jp', 'shop.example.jp', 'example.com'] }),
      { ok: true, value: { sansChanged: true } },
    ],
    [
      'IDN in U-label vs contract A-label',
      'xn--r8jz45g.jp',
      cert({ subjectCn: '例え.jp', sans: [] }),
      { ok: true, value: { sansChanged: true } },
    ],
    [
      'wildcard CN',
      '*.example.jp',
      cert({ subjectCn: '*.Example.jp' }),
      { ok: true, value: { sansChanged: false } },
    ],
  ] as const)('R-CHANGE-3: %s is accepted', (_name, contractCn, certificate, expected) => {
    expect(checkByoCertificate({ contractCn, certificate, current, now })).toEqual(expected);
  });

  it.each([
    ['another CN', cert({ subjectCn: 'shop.example.jp' }), 'renewal.byo_cn_mismatch'],
    ['the CN only in a SAN', cert({ subjectCn: 'example.jp' }), 'renewal.byo_cn_mismatch'],
    ['no CN', cert({ subjectCn: null }), 'renewal.byo_cn_mismatch'],
    ['expired at now', cert({ notAfter: now }), 'renewal.byo_certificate_expired'],
    [
      'not newer than the current one',
      cert({ notAfter: current.notAfter }),
      'renewal.byo_certificate_not_newer',
    ],
  ] as const)('R-CHANGE-3: %s is refused', (_name, certificate, reason) => {
    const result = checkByoCertificate({ contractCn: 'www.example.jp', certificate, current, now });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });

  it('R-CHANGE-3: the first certificate of a contract has nothing to be newer than', () => {
    expect(
      checkByoCertificate({ contractCn: 'www.example.jp', certificate: cert(), current: null, now }),
    ).toEqual({
      ok: true,
      value: { sansChanged: false },
    });
  });
});

describe('auto-renewal application', () => {
  const now = new Date('2026-09-09T03:00:00Z');

  it('R-AUTO-2 / R-CSR-3: same DN and applicant, provider CSR method with a fresh key, period shortened per R-AUTO-3', () => {
    const result = buildAutoRenewalApplication(previous, CLOUD, now);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const app = result.value;
    expect(app.kind).toBe('auto_renewal');
    expect(app.dn).toEqual(previous.dn);
    expect(app.applicant).toEqual(previous.applicant);
    expect(app.csrMethod).toBe('provider');
    expect(app.csrPem).toBeNull();
    expect(app.csrMethodSwitchedFromCustomer).toBe(true);
    expect(app.needsFreshKey).toBe(true);
    expect(app.periodMonths).toBe(12);
    expect(app.period).toMatchObject({
      shortened: true,
      reason: 'auto_period.ca_stopped_selling',
      previousPeriod: 24,
    });
    expect(app.wwwOption).toBe(true);
    expect(app.linkedServiceIds).toEqual(['svc-1', 'svc-2']);
    expect(app.preparedAt).toEqual(now);
  });

  it.each([
    ['provider, 6 months', { csrMethod: 'provider', periodMonths: 6 }, 6, false],
    ['customer, 12 months', { csrMethod: 'customer', periodMonths: 12 }, 12, true],
  ] as const)('R-AUTO-2: previous %s keeps the period', (_name, patch, period, switched) => {
    const result = buildAutoRenewalApplication({ ...previous, ...patch }, CLOUD, now);
    expect(result.ok && [result.value.periodMonths, result.value.csrMethodSwitchedFromCustomer]).toEqual([
      period,
      switched,
    ]);
  });

  it('R-CHANGE-1: a period chosen for the cycle is kept for the automatic renewal', () => {
    // The previous 2-year period would be shortened to 1 year; the admin chose 6 months.
    const result = buildAutoRenewalApplication(previous, CLOUD, now, 6);
    expect(result.ok && [result.value.periodMonths, result.value.period.shortened]).toEqual([6, false]);
  });

  it('R-AUTO-3: a GlobalSign quick 5-year contract is auto-renewed for 1 year', () => {
    const gs: Application = {
      ...previous,
      productId: 'globalsign.quick_ssl',
      periodMonths: 60,
      wwwOption: false,
    };
    const result = buildAutoRenewalApplication(gs, QUICK, now);
    expect(result.ok && result.value.periodMonths).toBe(12);
  });

  it('R-AUTO-2: the product given must be the contract product', () => {
    expect(buildAutoRenewalApplication(previous, DIGICERT, now)).toEqual({
      ok: false,
      reason: 'renewal.product_mismatch',
      params: { previous: 'cybertrust.sureserver_cloud', given: 'digicert.secure_server_id' },
    });
  });
});

describe('renewal data completeness', () => {
  const full: RenewalData = {
    dn: previous.dn,
    applicant: previous.applicant,
    csrMethod: 'provider',
  };
  it.each([
    ['complete, provider CSR', full, CLOUD, []],
    ['customer CSR method without a CSR', { ...full, csrMethod: 'customer' }, CLOUD, ['csr']],
    ['customer CSR given', { ...full, csrMethod: 'customer', csrPem: previous.csrPem }, CLOUD, []],
    ['no CSR method', { ...full, csrMethod: undefined }, CLOUD, ['csr_method']],
    ['DN without ST', { ...full, dn: { ...previous.dn, st: '' } }, CLOUD, ['dn']],
    [
      'applicant with a bad address',
      { ...full, applicant: { name: 'x', email: 'nope' } },
      CLOUD,
      ['applicant'],
    ],
    ['GlobalSign without approver address', full, QUICK, ['approver_email']],
    ['GlobalSign with approver address', { ...full, approverEmail: 'admin@example.jp' }, QUICK, []],
    ['nothing', {}, QUICK, ['dn', 'applicant', 'csr_method', 'approver_email']],
  ] as const)('R-AUTO-5: %s → missing %j', (_name, data, p, missing) => {
    expect(isRenewalDataComplete(data as RenewalData, p)).toEqual({
      complete: missing.length === 0,
      missing,
    });
  });
});
