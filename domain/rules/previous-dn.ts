import type { Applicant, ApplicationKind, CsrMethod, Dn, PeriodMonths } from './contract-terms.ts';
import { err, ok, type Result } from './result.ts';

/** A past application of a proxy contract, as stored. */
export type ApplicationRecord = {
  readonly kind: ApplicationKind;
  readonly appliedAt: Date;
  readonly dn: Dn;
  readonly applicant: Applicant;
  readonly periodMonths: PeriodMonths;
  readonly csrMethod: CsrMethod;
  readonly wwwOption: boolean;
};

export type PreviousApplicationView = {
  readonly kind: Exclude<ApplicationKind, 'reissue'>;
  readonly appliedAt: Date;
  readonly dn: Dn;
  readonly applicant: Applicant;
  readonly periodMonths: PeriodMonths;
  readonly csrMethod: CsrMethod;
  readonly wwwOption: boolean;
  /** The DN as an `openssl req -subj` argument, for customers who make their own CSR. */
  readonly opensslSubj: string;
};

export type PreviousDnReason = 'dn.no_previous_application' | 'dn.no_registered_certificate';

/** Escapes a value for `openssl req -subj`, where '/' separates RDNs, '=' types and '+' multi-values. */
const escapeSubjValue = (value: string): string => value.replace(/[\\/=,+]/g, (ch) => `\\${ch}`);

/** `/C=JP/ST=Tokyo/L=.../O=.../OU=.../CN=...`; an empty OU is left out. */
export const opensslSubject = (dn: Dn): string => {
  const parts: [string, string | undefined][] = [
    ['C', dn.c],
    ['ST', dn.st],
    ['L', dn.l],
    ['O', dn.o],
    ['OU', dn.ou],
    ['CN', dn.cn],
  ];
  return parts
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([type, value]) => `/${type}=${escapeSubjValue(value)}`)
    .join('');
};

/**
 * R-DN-1: the DN and applicant of the last application (new, renewal or auto-renewal), with its
 * period, CSR method and www option. Re-issues are left out as the spec says: they are applied for
 * within a contract period and inherit its options, and the renewal asks about what the customer
 * last chose for a contract period.
 */
export const previousProxyApplication = (
  applications: readonly ApplicationRecord[],
): Result<PreviousApplicationView, PreviousDnReason> => {
  const candidates = applications.filter(
    (a): a is ApplicationRecord & { kind: PreviousApplicationView['kind'] } => a.kind !== 'reissue',
  );
  const last = candidates.reduce<(typeof candidates)[number] | null>(
    (latest, a) => (latest === null || a.appliedAt.getTime() > latest.appliedAt.getTime() ? a : latest),
    null,
  );
  if (last === null) return err('dn.no_previous_application');
  return ok({
    kind: last.kind,
    appliedAt: last.appliedAt,
    dn: last.dn,
    applicant: last.applicant,
    periodMonths: last.periodMonths,
    csrMethod: last.csrMethod,
    wwwOption: last.wwwOption,
    opensslSubj: opensslSubject(last.dn),
  });
};

/** A certificate registered for a BYO contract, as parsed by domain/x509 and stored. */
export type RegisteredCertificateRecord = {
  readonly registeredAt: Date;
  readonly subjectDn: string;
  readonly sans: readonly string[];
  readonly issuerDn: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 of the DER, hex in any case, with or without ':' separators. */
  readonly sha256: string;
};

export type RegisteredCertificateView = Omit<RegisteredCertificateRecord, 'sha256'> & {
  /** Upper-case hex pairs separated by ':', as browsers and openssl show it. */
  readonly sha256Fingerprint: string;
};

const formatFingerprint = (hex: string): string =>
  (
    hex
      .replace(/[^0-9a-f]/gi, '')
      .toUpperCase()
      .match(/.{2}/g) ?? []
  ).join(':');

/**
 * R-DN-2: what the last registered BYO certificate says. Fields are copied one by one, so a stored
 * row that carries more (a private key, a PEM) never leaks into the view.
 */
export const previousByoCertificate = (
  certificates: readonly RegisteredCertificateRecord[],
): Result<RegisteredCertificateView, PreviousDnReason> => {
  const last = certificates.reduce<RegisteredCertificateRecord | null>(
    (latest, c) => (latest === null || c.registeredAt.getTime() > latest.registeredAt.getTime() ? c : latest),
    null,
  );
  if (last === null) return err('dn.no_registered_certificate');
  return ok({
    registeredAt: last.registeredAt,
    subjectDn: last.subjectDn,
    sans: [...last.sans],
    issuerDn: last.issuerDn,
    notBefore: last.notBefore,
    notAfter: last.notAfter,
    sha256Fingerprint: formatFingerprint(last.sha256),
  });
};
