import { z } from 'zod';
import type { Ca, Category, PeriodMonths } from './contract-terms.ts';
import { err, ok, type Result } from './result.ts';

/** Stable ids of the proxy products (shared/spec/renewal-rules.md, "Product catalogue"). */
export const productIdSchema = z.enum([
  'digicert.secure_server_id_ev',
  'digicert.global_server_id_ev',
  'digicert.secure_server_id',
  'digicert.global_server_id',
  'cybertrust.sureserver_ev_cloud',
  'cybertrust.sureserver_cloud',
  'globalsign.organization_ssl',
  'globalsign.organization_ssl_wildcard',
  'globalsign.quick_ssl',
  'globalsign.quick_ssl_wildcard',
]);
export type ProductId = z.infer<typeof productIdSchema>;

export type IntentCheck = 'phone' | 'email';

/** A period the CA stopped selling, and what auto-renewal applies instead. */
export type PeriodShortening = {
  readonly from: readonly PeriodMonths[];
  readonly to: PeriodMonths;
};

export type Product = {
  readonly id: ProductId;
  readonly ca: Ca;
  readonly nameJa: string;
  readonly nameEn: string;
  /** Periods the CA sells today, for new applications and renewals. */
  readonly periodsSoldToday: readonly PeriodMonths[];
  /** How the CA may confirm the intent to apply. */
  readonly intentChecks: readonly IntentCheck[];
  /** Whether the Cybertrust www option can be chosen. */
  readonly wwwOption: boolean;
  /** GlobalSign quick products: DCV mail comes right after the application, not within 1–2 weeks. */
  readonly dcvMailRightAfterApplication: boolean;
  /** Shortenings the FAQ announces for this product. */
  readonly shortenings: readonly PeriodShortening[];
};

const DIGICERT_SHORTENING: PeriodShortening = { from: [24], to: 12 };
const GLOBALSIGN_SHORTENING: PeriodShortening = { from: [24, 36, 48, 60], to: 12 };

const digicert = (id: ProductId, nameJa: string, nameEn: string): Product => ({
  id,
  ca: 'digicert',
  nameJa,
  nameEn,
  periodsSoldToday: [12],
  intentChecks: ['phone', 'email'],
  wwwOption: false,
  dcvMailRightAfterApplication: false,
  shortenings: [DIGICERT_SHORTENING],
});

const globalsign = (id: ProductId, nameJa: string, nameEn: string, quick: boolean): Product => ({
  id,
  ca: 'globalsign',
  nameJa,
  nameEn,
  periodsSoldToday: [6, 12],
  intentChecks: quick ? ['email'] : ['phone'],
  wwwOption: false,
  dcvMailRightAfterApplication: quick,
  shortenings: [GLOBALSIGN_SHORTENING],
});

/** The catalogue. The FAQ names the shortenings of "SureServer for クラウド" only, not of its EV sibling. */
export const PRODUCTS: readonly Product[] = [
  digicert('digicert.secure_server_id_ev', 'セキュア・サーバID EV', 'Secure Server ID EV'),
  digicert('digicert.global_server_id_ev', 'グローバル・サーバID EV', 'Global Server ID EV'),
  digicert('digicert.secure_server_id', 'セキュア・サーバID', 'Secure Server ID'),
  digicert('digicert.global_server_id', 'グローバル・サーバID', 'Global Server ID'),
  {
    id: 'cybertrust.sureserver_ev_cloud',
    ca: 'cybertrust',
    nameJa: 'SureServer EV for クラウド',
    nameEn: 'SureServer EV for Cloud',
    periodsSoldToday: [6, 12],
    intentChecks: ['phone', 'email'],
    wwwOption: true,
    dcvMailRightAfterApplication: false,
    shortenings: [],
  },
  {
    id: 'cybertrust.sureserver_cloud',
    ca: 'cybertrust',
    nameJa: 'SureServer for クラウド',
    nameEn: 'SureServer for Cloud',
    periodsSoldToday: [6, 12],
    intentChecks: ['phone', 'email'],
    wwwOption: true,
    dcvMailRightAfterApplication: false,
    shortenings: [{ from: [24, 36], to: 12 }],
  },
  globalsign('globalsign.organization_ssl', '企業認証SSL', 'Organization SSL', false),
  globalsign(
    'globalsign.organization_ssl_wildcard',
    '企業認証SSL/ワイルドカードオプション付き',
    'Organization SSL with wildcard option',
    false,
  ),
  globalsign('globalsign.quick_ssl', 'クイック認証SSL', 'Quick SSL', true),
  globalsign(
    'globalsign.quick_ssl_wildcard',
    'クイック認証SSL/ワイルドカードオプション付き',
    'Quick SSL with wildcard option',
    true,
  ),
];

export type CatalogueReason = 'catalogue.unknown_product';

/** The product with this id, or 'catalogue.unknown_product'. */
export const findProduct = (id: string): Result<Product, CatalogueReason> => {
  const product = PRODUCTS.find((p) => p.id === id);
  return product ? ok(product) : err('catalogue.unknown_product', { productId: id });
};

/** R-CHANGE-1: the period may change at renewal, to any period the CA sells today for the product. */
export const allowedRenewalPeriods = (product: Product): readonly PeriodMonths[] => product.periodsSoldToday;

/** R-WWW-1: the www option is chosen at new application and renewal of Cybertrust products only. */
export const offersWwwOption = (product: Product): boolean => product.wwwOption;

export type AutoRenewalPeriodReason =
  /** The FAQ announces this shortening for the product (the CA stopped selling the period). */
  | 'auto_period.ca_stopped_selling'
  /** Not listed in the FAQ, but the period is not sold today: 12 months, the period every CA sells. */
  | 'auto_period.not_sold_today';

export type AutoRenewalPeriod = {
  readonly period: PeriodMonths;
  /** The period differs from the previous one (a 6-month DigiCert contract becomes 12 months). */
  readonly changed: boolean;
  /** The period is shorter than the previous one. */
  readonly shortened: boolean;
  readonly reason: AutoRenewalPeriodReason | null;
  readonly previousPeriod: PeriodMonths;
};

/**
 * R-AUTO-3: auto-renewal keeps the previous period unless the CA no longer sells it. The FAQ's listed
 * shortenings come first; any other unsold period falls back to 12 months, which every product sells.
 */
export const autoRenewalPeriod = (product: Product, previousPeriod: PeriodMonths): AutoRenewalPeriod => {
  if (product.periodsSoldToday.includes(previousPeriod)) {
    return { period: previousPeriod, changed: false, shortened: false, reason: null, previousPeriod };
  }
  const listed = product.shortenings.find((s) => s.from.includes(previousPeriod));
  if (listed) {
    const period = listed.to;
    return {
      period,
      changed: true,
      shortened: true,
      reason: 'auto_period.ca_stopped_selling',
      previousPeriod,
    };
  }
  return {
    period: 12,
    changed: true,
    shortened: previousPeriod > 12,
    reason: 'auto_period.not_sold_today',
    previousPeriod,
  };
};

/** What the CA may ask after an application, for the renewal confirmation message. */
export type VettingExpectations = {
  readonly category: Category;
  /** DCV mail from the CA. */
  readonly dcvMail: boolean;
  /** 'right_after_application' for GlobalSign quick products, else within 1–2 weeks. */
  readonly dcvMailTiming: 'right_after_application' | 'within_1_to_2_weeks' | null;
  /** How the CA confirms the intent to apply; null for BYO (ask the issuing CA). */
  readonly intentChecks: readonly IntentCheck[] | null;
  /** Where the CA phones: the number registered with these databases. */
  readonly phoneNumberSources: readonly ('teikoku_databank' | 'tokyo_shoko_research')[];
  /** Who receives documents the CA asks for. */
  readonly documentsTo: 'provider_sales_contact' | 'ca';
  /** The CA may skip some of these checks at its own discretion. */
  readonly checksMayBeSkipped: true;
  readonly withinDays: { readonly min: 7; readonly max: 14 };
};

/**
 * R-VETTING-1: within 1–2 weeks the CA may send DCV mail, check intent by phone (numbers registered
 * with Teikoku Databank or Tokyo Shoko Research) or e-mail, and ask for documents, which go to the
 * provider's sales contact for proxy items and straight to the CA for BYO items.
 */
export const vettingExpectations = (
  subject: { readonly category: 'proxy'; readonly product: Product } | { readonly category: 'byo' },
): VettingExpectations => {
  const withinDays = { min: 7, max: 14 } as const;
  if (subject.category === 'byo') {
    return {
      category: 'byo',
      dcvMail: false,
      dcvMailTiming: null,
      intentChecks: null,
      phoneNumberSources: [],
      documentsTo: 'ca',
      checksMayBeSkipped: true,
      withinDays,
    };
  }
  const { product } = subject;
  return {
    category: 'proxy',
    dcvMail: true,
    dcvMailTiming: product.dcvMailRightAfterApplication ? 'right_after_application' : 'within_1_to_2_weeks',
    intentChecks: product.intentChecks,
    phoneNumberSources: product.intentChecks.includes('phone')
      ? ['teikoku_databank', 'tokyo_shoko_research']
      : [],
    documentsTo: 'provider_sales_contact',
    checksMayBeSkipped: true,
    withinDays,
  };
};
