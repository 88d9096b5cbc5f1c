import { describe, expect, it } from 'vitest';
import {
  allowedRenewalPeriods,
  autoRenewalPeriod,
  findProduct,
  offersWwwOption,
  PRODUCTS,
  type Product,
  vettingExpectations,
} from '../../../domain/rules/catalogue.ts';
import type { PeriodMonths } from '../../../domain/rules/contract-terms.ts';

const product = (id: string): Product => {
  const found = findProduct(id);
  if (!found.ok) throw new Error(`no product ${id}`);
  return found.value;
};

describe('catalogue', () => {
  it.each([
    ['digicert.secure_server_id_ev', 'digicert', 'セキュア・サーバID EV'],
    ['digicert.global_server_id_ev', 'digicert', 'グローバル・サーバID EV'],
    ['digicert.secure_server_id', 'digicert', 'セキュア・サーバID'],
    ['digicert.global_server_id', 'digicert', 'グローバル・サーバID'],
    ['cybertrust.sureserver_ev_cloud', 'cybertrust', 'SureServer EV for クラウド'],
    ['cybertrust.sureserver_cloud', 'cybertrust', 'SureServer for クラウド'],
    ['globalsign.organization_ssl', 'globalsign', '企業認証SSL'],
    ['globalsign.organization_ssl_wildcard', 'globalsign', '企業認証SSL/ワイルドカードオプション付き'],
    ['globalsign.quick_ssl', 'globalsign', 'クイック認証SSL'],
    ['globalsign.quick_ssl_wildcard', 'globalsign', 'クイック認証SSL/ワイルドカードオプション付き'],
  ])('finds %s (%s, %s)', (id, ca, nameJa) => {
    const p = product(id);
    expect(p.ca).toBe(ca);
    expect(p.nameJa).toBe(nameJa);
    expect(p.nameEn.length).toBeGreaterThan(0);
  });

  it('refuses an unknown product id with a reason code', () => {
    expect(findProduct('digicert.nope')).toEqual({
      ok: false,
      reason: 'catalogue.unknown_product',
      params: { productId: 'digicert.nope' },
    });
    expect(PRODUCTS).toHaveLength(10);
  });

  it.each([
    ['digicert.secure_server_id_ev', [12]],
    ['digicert.global_server_id', [12]],
    ['cybertrust.sureserver_ev_cloud', [6, 12]],
    ['cybertrust.sureserver_cloud', [6, 12]],
    ['globalsign.organization_ssl', [6, 12]],
    ['globalsign.quick_ssl_wildcard', [6, 12]],
  ])('R-CHANGE-1: %s may be renewed for %j months', (id, periods) => {
    expect(allowedRenewalPeriods(product(id))).toEqual(periods);
  });

  it.each([
    ['cybertrust.sureserver_cloud', true],
    ['cybertrust.sureserver_ev_cloud', true],
    ['digicert.secure_server_id', false],
    ['globalsign.organization_ssl', false],
    ['globalsign.quick_ssl', false],
  ])('R-WWW-1: %s offers the www option: %s', (id, offered) => {
    expect(offersWwwOption(product(id))).toBe(offered);
  });
});

describe('auto-renewal period', () => {
  it.each([
    // product                              previous new shortened changed reason
    ['digicert.secure_server_id', 24, 12, true, true, 'auto_period.ca_stopped_selling'],
    ['digicert.global_server_id_ev', 12, 12, false, false, null],
    ['digicert.secure_server_id', 36, 12, true, true, 'auto_period.not_sold_today'],
    ['digicert.secure_server_id', 6, 12, false, true, 'auto_period.not_sold_today'],
    ['cybertrust.sureserver_cloud', 24, 12, true, true, 'auto_period.ca_stopped_selling'],
    ['cybertrust.sureserver_cloud', 36, 12, true, true, 'auto_period.ca_stopped_selling'],
    ['cybertrust.sureserver_cloud', 6, 6, false, false, null],
    ['cybertrust.sureserver_cloud', 12, 12, false, false, null],
    ['cybertrust.sureserver_ev_cloud', 24, 12, true, true, 'auto_period.not_sold_today'],
    ['globalsign.quick_ssl', 24, 12, true, true, 'auto_period.ca_stopped_selling'],
    ['globalsign.quick_ssl', 36, 12, true, true, 'auto_period.ca_stopped_selling'],
    ['globalsign.quick_ssl_wildcard', 60, 12, true, true, 'auto_period.ca_stopped_selling'],
    ['globalsign.organization_ssl', 48, 12, true, true, 'auto_period.ca_stopped_selling'],
    ['globalsign.organization_ssl_wildcard', 36, 12, true, true, 'auto_period.ca_stopped_selling'],
    ['globalsign.organization_ssl', 6, 6, false, false, null],
  ] as const)(
    'R-AUTO-3: %s previously %i months is auto-renewed for %i months',
    (id, prev, next, shortened, changed, reason) => {
      const result = autoRenewalPeriod(product(id), prev as PeriodMonths);
      expect(result).toEqual({ period: next, shortened, changed, reason, previousPeriod: prev });
    },
  );
});

describe('vetting expectations', () => {
  it.each([
    ['digicert.secure_server_id_ev', 'within_1_to_2_weeks', ['phone', 'email'], true],
    ['cybertrust.sureserver_cloud', 'within_1_to_2_weeks', ['phone', 'email'], true],
    ['globalsign.organization_ssl', 'within_1_to_2_weeks', ['phone'], true],
    ['globalsign.organization_ssl_wildcard', 'within_1_to_2_weeks', ['phone'], true],
    ['globalsign.quick_ssl', 'right_after_application', ['email'], false],
    ['globalsign.quick_ssl_wildcard', 'right_after_application', ['email'], false],
  ])('R-VETTING-1: %s: DCV mail %s, intent check by %j', (id, timing, checks, phone) => {
    const v = vettingExpectations({ category: 'proxy', product: product(id) });
    expect(v.dcvMail).toBe(true);
    expect(v.dcvMailTiming).toBe(timing);
    expect(v.intentChecks).toEqual(checks);
    expect(v.phoneNumberSources).toEqual(phone ? ['teikoku_databank', 'tokyo_shoko_research'] : []);
    expect(v.documentsTo).toBe('provider_sales_contact');
    expect(v.withinDays).toEqual({ min: 7, max: 14 });
  });

  it('R-VETTING-1: BYO documents go straight to the CA, and Kigen cannot say how the CA checks intent', () => {
    const v = vettingExpectations({ category: 'byo' });
    expect(v.documentsTo).toBe('ca');
    expect(v.intentChecks).toBeNull();
    expect(v.dcvMail).toBe(false);
  });
});
