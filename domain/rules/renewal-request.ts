import { type AutoRenewalPeriod, autoRenewalPeriod, type Product, type ProductId } from './catalogue.ts';
import {
  type Applicant,
  type ApplicationKind,
  applicantSchema,
  type CsrMethod,
  type Dn,
  dnSchema,
  type PeriodMonths,
} from './contract-terms.ts';
import { normalizeDomainName, sameCommonName } from './host-name-comparison.ts';
import { err, ok, type Result } from './result.ts';

/** An application sent to the CA, as the renewal rules need it. */
export type Application = {
  readonly kind: ApplicationKind;
  readonly productId: ProductId;
  readonly dn: Dn;
  readonly applicant: Applicant;
  readonly periodMonths: PeriodMonths;
  readonly csrMethod: CsrMethod;
  /** PEM of the customer's CSR (csrMethod 'customer'); never a private key. */
  readonly csrPem: string | null;
  /** Cybertrust www option. */
  readonly wwwOption: boolean;
  /** GlobalSign: the one DCV approver address the customer chose. */
  readonly approverEmail: string | null;
  /** Provider services the certificate is deployed to. */
  readonly linkedServiceIds: readonly string[];
  readonly appliedAt: Date;
};

/** What a renewal request asks to change; absent fields keep the previous value. */
export type RenewalChanges = {
  readonly productId?: string;
  readonly dn?: Partial<Dn>;
  readonly applicant?: Applicant;
  readonly periodMonths?: PeriodMonths;
  readonly csrMethod?: CsrMethod;
  readonly csrPem?: string | null;
  readonly wwwOption?: boolean;
  readonly approverEmail?: string | null;
  readonly linkedServiceIds?: readonly string[];
};

/** The renewal application that results from the previous one and the accepted changes. */
export type RenewalDraft = Omit<Application, 'appliedAt' | 'kind'> & { readonly kind: 'renewal' };

export type RenewalRequestReason =
  /** Product is fixed for the contract's life: apply for a new contract with the other product. */
  | 'renewal.product_fixed'
  /** CN is fixed: apply for a new contract with the other CN. */
  | 'renewal.cn_fixed'
  /** Linked services change through a separate request, not the renewal. */
  | 'renewal.linked_services_fixed'
  | 'renewal.period_not_allowed'
  | 'renewal.www_option_not_offered';

/** Fields a renewal may change, for forms and help text. */
export const CHANGEABLE_AT_RENEWAL = [
  'dn.c',
  'dn.st',
  'dn.l',
  'dn.o',
  'dn.ou',
  'applicant',
  'periodMonths',
  'csrMethod',
  'csrPem',
  'wwwOption',
  'approverEmail',
] as const;
export const FIXED_AT_RENEWAL = ['productId', 'dn.cn', 'linkedServiceIds'] as const;

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const setA = new Set(a);
  const setB = new Set(b);
  return setA.size === setB.size && [...setA].every((x) => setB.has(x));
};

/**
 * R-CHANGE-2: product, CN and linked services never change at renewal; everything else may. A
 * refusal says what to do instead (new contract, or a separate request for linked services).
 */
export const applyRenewalChanges = (
  previous: Application,
  changes: RenewalChanges,
  product: Product,
): Result<RenewalDraft, RenewalRequestReason> => {
  if (changes.productId !== undefined && changes.productId !== previous.productId) {
    return err('renewal.product_fixed', {
      current: previous.productId,
      requested: changes.productId,
      instead: 'new_contract',
    });
  }
  if (changes.dn?.cn !== undefined && !sameCommonName(changes.dn.cn, previous.dn.cn)) {
    return err('renewal.cn_fixed', {
      current: previous.dn.cn,
      requested: changes.dn.cn,
      instead: 'new_contract',
    });
  }
  if (
    changes.linkedServiceIds !== undefined &&
    !sameSet(changes.linkedServiceIds, previous.linkedServiceIds)
  ) {
    return err('renewal.linked_services_fixed', { instead: 'separate_request' });
  }
  const periodMonths = changes.periodMonths ?? previous.periodMonths;
  if (changes.periodMonths !== undefined && !product.periodsSoldToday.includes(periodMonths)) {
    return err('renewal.period_not_allowed', {
      period: periodMonths,
      allowed: product.periodsSoldToday.join(','),
    });
  }
  if (changes.wwwOption === true && !product.wwwOption) {
    return err('renewal.www_option_not_offered', { productId: product.id });
  }
  const csrMethod = changes.csrMethod ?? previous.csrMethod;
  return ok({
    kind: 'renewal',
    productId: previous.productId,
    // The CN stays the contract's, whatever spelling the form sent.
    dn: { ...previous.dn, ...changes.dn, cn: previous.dn.cn },
    applicant: changes.applicant ?? previous.applicant,
    periodMonths,
    csrMethod,
    csrPem: csrMethod === 'provider' ? null : changes.csrPem !== undefined ? changes.csrPem : previous.csrPem,
    wwwOption: product.wwwOption ? (changes.wwwOption ?? previous.wwwOption) : false,
    approverEmail: changes.approverEmail !== undefined ? changes.approverEmail : previous.approverEmail,
    linkedServiceIds: previous.linkedServiceIds,
  });
};

/** Facts of a certificate the customer brings, parsed elsewhere (domain/x509). */
export type ByoCertificateFacts = {
  readonly subjectCn: string | null;
  readonly sans: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
};

export type ByoCertificateReason =
  | 'renewal.byo_cn_mismatch'
  | 'renewal.byo_certificate_expired'
  | 'renewal.byo_certificate_not_newer';

export type ByoAcceptance = {
  /** The SANs differ from the current certificate's: allowed, shown to the user. */
  readonly sansChanged: boolean;
};

/**
 * R-CHANGE-3: a BYO certificate is accepted only for the contract CN; its SANs, issuer and type may
 * differ. An expired certificate, or one not newer than the current one, would renew nothing.
 */
export const checkByoCertificate = (input: {
  readonly contractCn: string;
  readonly certificate: ByoCertificateFacts;
  readonly current: { readonly notAfter: Date; readonly sans: readonly string[] } | null;
  readonly now: Date;
}): Result<ByoAcceptance, ByoCertificateReason> => {
  const { contractCn, certificate, current, now } = input;
  if (certificate.subjectCn === null || !sameCommonName(certificate.subjectCn, contractCn)) {
    return err('renewal.byo_cn_mismatch', { contractCn, certificateCn: certificate.subjectCn });
  }
  if (certificate.notAfter.getTime() <= now.getTime()) {
    return err('renewal.byo_certificate_expired', { notAfter: certificate.notAfter.toISOString() });
  }
  if (current && certificate.notAfter.getTime() <= current.notAfter.getTime()) {
    return err('renewal.byo_certificate_not_newer', {
      notAfter: certificate.notAfter.toISOString(),
      currentNotAfter: current.notAfter.toISOString(),
    });
  }
  const sansChanged =
    current !== null &&
    !sameSet(certificate.sans.map(normalizeDomainName), current.sans.map(normalizeDomainName));
  return ok({ sansChanged });
};

export type AutoRenewalApplication = Omit<Application, 'appliedAt' | 'kind' | 'csrMethod' | 'csrPem'> & {
  readonly kind: 'auto_renewal';
  readonly csrMethod: 'provider';
  readonly csrPem: null;
  /** The previous application used the customer's CSR (FAQ: the switch can be undone by a re-issue). */
  readonly csrMethodSwitchedFromCustomer: boolean;
  /** R-CSR-3: a fresh key pair and CSR are generated (domain/x509); never the previous key. */
  readonly needsFreshKey: true;
  readonly period: AutoRenewalPeriod;
  readonly preparedAt: Date;
};

export type AutoRenewalReason = 'renewal.product_mismatch';

/**
 * R-AUTO-2: same DN, applicant and period (shortened where the CA stopped selling it), with the CSR
 * method switched to 'provider' so that the renewal needs nothing from the customer.
 */
export const buildAutoRenewalApplication = (
  previous: Application,
  product: Product,
  now: Date,
  /** The period a group admin chose for this cycle (R-CHANGE-1), if any. */
  chosenPeriod: PeriodMonths | null = null,
): Result<AutoRenewalApplication, AutoRenewalReason> => {
  if (product.id !== previous.productId) {
    return err('renewal.product_mismatch', { previous: previous.productId, given: product.id });
  }
  // R-CHANGE-1: a period chosen for this cycle is kept for the automatic renewal too.
  const period = autoRenewalPeriod(product, chosenPeriod ?? previous.periodMonths);
  return ok({
    kind: 'auto_renewal',
    productId: previous.productId,
    dn: previous.dn,
    applicant: previous.applicant,
    periodMonths: period.period,
    period,
    csrMethod: 'provider',
    csrPem: null,
    csrMethodSwitchedFromCustomer: previous.csrMethod === 'customer',
    needsFreshKey: true,
    wwwOption: product.wwwOption && previous.wwwOption,
    approverEmail: previous.approverEmail,
    linkedServiceIds: previous.linkedServiceIds,
    preparedAt: now,
  });
};

/** Renewal data as collected so far from forms. */
export type RenewalData = {
  readonly dn?: Partial<Dn>;
  readonly applicant?: Partial<Applicant>;
  readonly csrMethod?: CsrMethod;
  readonly csrPem?: string | null;
  readonly approverEmail?: string | null;
};

export type MissingRenewalField = 'dn' | 'applicant' | 'csr_method' | 'csr' | 'approver_email';

/**
 * Whether renewal data is complete for the data deadline: valid DN and applicant, a CSR
 * unless the provider makes it, and for GlobalSign the approver address the customer chooses. The
 * CSR's own checks (R-CSR-1, R-CSR-2) are domain/x509's.
 */
export const isRenewalDataComplete = (
  data: RenewalData,
  product: Product,
): { readonly complete: boolean; readonly missing: readonly MissingRenewalField[] } => {
  const missing: MissingRenewalField[] = [];
  if (!dnSchema.safeParse(data.dn ?? {}).success) missing.push('dn');
  if (!applicantSchema.safeParse(data.applicant ?? {}).success) missing.push('applicant');
  if (data.csrMethod === undefined) missing.push('csr_method');
  else if (data.csrMethod === 'customer' && !data.csrPem?.trim()) missing.push('csr');
  if (product.ca === 'globalsign' && !data.approverEmail?.trim()) missing.push('approver_email');
  return { complete: missing.length === 0, missing };
};
