import type { Ca } from '../contract-terms.ts';

/**
 * E-mail DCV methods and the dates their status changes, from `shared/spec/cabf-limits.md`
 * ("DCV by e-mail", ballots SC-080 and SC-090, BR 3.2.2.4). Dates are UTC days (the BR's clock).
 * Kept here so the DCV code stands alone; to be merged with `domain/cabf-limits.ts`.
 */
export type DcvMethod =
  | 'whois_email'
  | 'whois_phone'
  | 'soa_rname'
  | 'constructed'
  | 'txt_contact'
  | 'caa_contact';

export type DcvMethodDates = {
  /** BR section of the method. */
  readonly brSection: string;
  /** First day (UTC) on which the method is discouraged, if it is. */
  readonly discouragedFrom?: string;
  /** First day (UTC) on which the method is not allowed. */
  readonly notAllowedFrom: string;
};

export const DCV_METHODS: Readonly<Record<DcvMethod, DcvMethodDates>> = {
  whois_email: { brSection: '3.2.2.4.2', notAllowedFrom: '2025-07-15' },
  whois_phone: { brSection: '3.2.2.4.15', notAllowedFrom: '2025-07-15' },
  soa_rname: { brSection: '3.2.2.4.2', notAllowedFrom: '2025-07-15' },
  constructed: { brSection: '3.2.2.4.4', discouragedFrom: '2026-03-15', notAllowedFrom: '2028-03-15' },
  txt_contact: { brSection: '3.2.2.4.14', discouragedFrom: '2026-03-15', notAllowedFrom: '2028-03-15' },
  caa_contact: { brSection: '3.2.2.4.13', discouragedFrom: '2026-03-15', notAllowedFrom: '2028-03-15' },
};

/** The days on which the CAs of the FAQ stopped WHOIS-based mail on their own (DigiCert's is US time). */
export const CA_WHOIS_STOPPED_ON: Readonly<Record<Ca, string>> = {
  digicert: '2025-05-08',
  cybertrust: '2025-06-25',
  globalsign: '2025-07-14',
};

/** The DNS-based method (BR 3.2.2.4.7, DNS change) that replaces e-mail DCV. */
export const DNS_CHANGE_BR_SECTION = '3.2.2.4.7';

export type DcvMethodStatus = 'allowed' | 'discouraged' | 'not_allowed';

const startOfUtcDay = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** The status of an e-mail DCV method on a given instant. */
export const dcvMethodStatus = (method: DcvMethod, on: Date): DcvMethodStatus => {
  const dates = DCV_METHODS[method];
  const t = on.getTime();
  if (t >= startOfUtcDay(dates.notAllowedFrom)) return 'not_allowed';
  if (dates.discouragedFrom !== undefined && t >= startOfUtcDay(dates.discouragedFrom)) return 'discouraged';
  return 'allowed';
};
