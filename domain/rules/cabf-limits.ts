import type { Ca } from './contract-terms.ts';
import { MS_PER_DAY, MS_PER_SECOND } from './tokyo-calendar.ts';

/**
 * The CA/Browser Forum Baseline Requirements dates that the FAQ predates, in one place
 * (shared/spec/cabf-limits.md). Every answer that depends on them takes the date as an argument, so
 * the same code answers correctly before and after each step.
 */

const utc = (isoDate: string): Date => new Date(`${isoDate}T00:00:00.000Z`);

/** One step of ballot SC-081v3 (BR 6.3.2, 4.2.1): what applies to certificates issued from `from`. */
export type ValidityCapStep = {
  /** First instant (UTC) of the step; null for the step that applied before the first listed date. */
  readonly from: Date | null;
  /** Validity must not exceed this many days (the hard cap). */
  readonly maxDays: number;
  /** What CAs actually issue, one day under the cap so that clock skew never breaks it. */
  readonly aimDays: number;
  /** How long domain validation data may be reused. */
  readonly dcvReuseDays: number;
  /** How long organisation validation data may be reused (825 days before SC-081). */
  readonly orgReuseDays: number;
  /** Source of the step, for messages. */
  readonly rule: 'BR-6.3.2' | 'SC-081v3';
};

/** The validity table, oldest first. Dates are "issued on or after (UTC)". */
export const VALIDITY_CAP_STEPS: readonly ValidityCapStep[] = [
  { from: null, maxDays: 398, aimDays: 397, dcvReuseDays: 398, orgReuseDays: 825, rule: 'BR-6.3.2' },
  {
    from: utc('2026-03-15'),
    maxDays: 200,
    aimDays: 199,
    dcvReuseDays: 200,
    orgReuseDays: 398,
    rule: 'SC-081v3',
  },
  {
    from: utc('2027-03-15'),
    maxDays: 100,
    aimDays: 99,
    dcvReuseDays: 100,
    orgReuseDays: 398,
    rule: 'SC-081v3',
  },
  {
    from: utc('2029-03-15'),
    maxDays: 47,
    aimDays: 46,
    dcvReuseDays: 10,
    orgReuseDays: 398,
    rule: 'SC-081v3',
  },
];

/** The cap step in force for a certificate issued at `issuedAt`. */
export const validityCapFor = (issuedAt: Date): ValidityCapStep => {
  let current = VALIDITY_CAP_STEPS[0] as ValidityCapStep;
  for (const step of VALIDITY_CAP_STEPS) {
    if (step.from === null || issuedAt.getTime() >= step.from.getTime()) current = step;
  }
  return current;
};

/** Maximum validity in days of a certificate issued at `issuedAt`. */
export const maxValidityDays = (issuedAt: Date): number => validityCapFor(issuedAt).maxDays;

/**
 * Validity of a certificate in BR days. The BR validity period runs from notBefore *through*
 * notAfter (both inclusive, so one second longer than the difference); a day is 86,400 s and any
 * part of a further day counts as a day.
 */
export const validityDays = (notBefore: Date, notAfter: Date): number =>
  Math.ceil((notAfter.getTime() - notBefore.getTime() + MS_PER_SECOND) / MS_PER_DAY);

/** The latest notAfter a certificate issued at `notBefore` may carry under a cap of `days` days. */
export const latestNotAfter = (notBefore: Date, days: number): Date =>
  new Date(notBefore.getTime() + days * MS_PER_DAY - MS_PER_SECOND);

/** E-mail DCV methods and their BR status (SC-080, SC-090; BR 3.2.2.4), named as in domain/dcv. */
export type DcvMethod =
  | 'whois_email'
  | 'whois_phone'
  | 'soa_rname'
  | 'constructed'
  | 'txt_contact'
  | 'caa_contact';

export type DcvMethodRule = {
  readonly method: DcvMethod;
  readonly brSection: string;
  /** Discouraged from this instant (still allowed), or null. */
  readonly discouragedFrom: Date | null;
  /** Not allowed from this instant on. */
  readonly notAllowedFrom: Date;
};

export const WHOIS_SOA_WITHDRAWN_ON: Date = utc('2025-07-15');
export const EMAIL_DCV_DISCOURAGED_FROM: Date = utc('2026-03-15');
export const EMAIL_DCV_ENDS_ON: Date = utc('2028-03-15');

export const DCV_METHOD_RULES: readonly DcvMethodRule[] = [
  {
    method: 'whois_email',
    brSection: '3.2.2.4.2',
    discouragedFrom: null,
    notAllowedFrom: WHOIS_SOA_WITHDRAWN_ON,
  },
  {
    method: 'whois_phone',
    brSection: '3.2.2.4.15',
    discouragedFrom: null,
    notAllowedFrom: WHOIS_SOA_WITHDRAWN_ON,
  },
  {
    method: 'soa_rname',
    brSection: '3.2.2.4.2',
    discouragedFrom: null,
    notAllowedFrom: WHOIS_SOA_WITHDRAWN_ON,
  },
  {
    method: 'constructed',
    brSection: '3.2.2.4.4',
    discouragedFrom: EMAIL_DCV_DISCOURAGED_FROM,
    notAllowedFrom: EMAIL_DCV_ENDS_ON,
  },
  {
    method: 'txt_contact',
    brSection: '3.2.2.4.14',
    discouragedFrom: EMAIL_DCV_DISCOURAGED_FROM,
    notAllowedFrom: EMAIL_DCV_ENDS_ON,
  },
  {
    method: 'caa_contact',
    brSection: '3.2.2.4.13',
    discouragedFrom: EMAIL_DCV_DISCOURAGED_FROM,
    notAllowedFrom: EMAIL_DCV_ENDS_ON,
  },
];

/** The BR rule of one DCV method. */
export const dcvMethodRule = (method: DcvMethod): DcvMethodRule =>
  DCV_METHOD_RULES.find((r) => r.method === method) as DcvMethodRule;

/** The DNS-based method (BR 3.2.2.4.7, DNS change) that replaces e-mail DCV. */
export const DNS_CHANGE_BR_SECTION = '3.2.2.4.7';

export type DcvMethodStatus = 'allowed' | 'discouraged' | 'not_allowed';

/** Status of a DCV method at instant `at`. */
export const dcvMethodStatus = (method: DcvMethod, at: Date): DcvMethodStatus => {
  const rule = dcvMethodRule(method);
  if (at.getTime() >= rule.notAllowedFrom.getTime()) return 'not_allowed';
  if (rule.discouragedFrom !== null && at.getTime() >= rule.discouragedFrom.getTime()) return 'discouraged';
  return 'allowed';
};

/** A CA's own stop date for WHOIS-based DCV mail, which came before the BR deadline. */
export type CaWhoisStop = {
  /** The calendar date the CA announced. */
  readonly date: string;
  /** The zone the CA announced it in (DigiCert: US time; its head office is in Utah). */
  readonly timeZone: string;
  /** Start of that date in that zone. */
  readonly at: Date;
};

export const CA_WHOIS_DCV_STOPPED: Readonly<Record<Ca, CaWhoisStop>> = {
  digicert: { date: '2025-05-08', timeZone: 'America/Denver', at: new Date('2025-05-08T06:00:00.000Z') },
  cybertrust: { date: '2025-06-25', timeZone: 'Asia/Tokyo', at: new Date('2025-06-24T15:00:00.000Z') },
  globalsign: { date: '2025-07-14', timeZone: 'Asia/Tokyo', at: new Date('2025-07-13T15:00:00.000Z') },
};

/** The same stop dates as plain 'YYYY-MM-DD' strings (the shape domain/dcv uses). */
export const CA_WHOIS_STOPPED_ON: Readonly<Record<Ca, string>> = {
  digicert: CA_WHOIS_DCV_STOPPED.digicert.date,
  cybertrust: CA_WHOIS_DCV_STOPPED.cybertrust.date,
  globalsign: CA_WHOIS_DCV_STOPPED.globalsign.date,
};
