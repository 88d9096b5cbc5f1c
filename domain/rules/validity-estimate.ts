import { latestNotAfter, validityCapFor, validityDays } from './cabf-limits.ts';
import type { Ca, PeriodMonths } from './contract-terms.ts';
import { err, ok, type Result } from './result.ts';
import { addTokyoDays, addTokyoMonths, MS_PER_SECOND, tokyoDateOf } from './tokyo-calendar.ts';

export type ValidityEstimateInput = {
  readonly ca: Ca;
  readonly periodMonths: PeriodMonths;
  /** When the renewed certificate is (or is expected to be) issued. */
  readonly issuedAt: Date;
  /** notAfter of the certificate being renewed. */
  readonly oldNotAfter: Date;
};

export type ValidityReasonCode =
  /** DigiCert may add days (α), so the estimate is a lower bound. */
  | 'validity.lower_bound_ca_may_add_days'
  /** The CA counts from the issue date, so the date is not "old expiry + period". */
  | 'validity.counted_from_issue_date'
  /** GlobalSign 1 year: the remaining validity of the old certificate is not carried over. */
  | 'validity.remaining_validity_not_carried'
  /** The CA/B Forum cap for the issue date cut the estimate. */
  | 'validity.capped_by_cabf';

export type ValidityReason = {
  readonly code: ValidityReasonCode;
  readonly params?: Readonly<Record<string, string | number>>;
};

export type ValidityCap = {
  /** The "must not exceed" length for the issue date. */
  readonly capDays: number;
  /** The length CAs issue under that cap, used for the estimate. */
  readonly aimDays: number;
  /** The latest notAfter the cap allows. */
  readonly latestNotAfter: Date;
  readonly rule: 'R-CABF-1';
};

export type ValidityEstimate = {
  /** The FAQ formula's expiry, ignoring the cap. */
  readonly nominalNotAfter: Date;
  /** What the certificate will carry: the nominal expiry, or the capped one. */
  readonly estimatedNotAfter: Date;
  readonly capped: ValidityCap | null;
  /** True when the CA may issue a later expiry than estimated (DigiCert's α). */
  readonly isLowerBound: boolean;
  /** End of the contract period: the nominal expiry, which re-issues run on to when capped. */
  readonly contractPeriodEnd: Date;
  /** When capped, the next re-issue falls due at the capped certificate's expiry. */
  readonly nextReissueDueAt: Date | null;
  /** "Old expiry + period", what customers expect. */
  readonly oldExpiryPlusPeriod: Date;
  /** The estimated expiry date (Tokyo) differs from old expiry + period. */
  readonly differsFromOldExpiryPlusPeriod: boolean;
  readonly reasons: readonly ValidityReason[];
};

export type ValidityEstimateReason = 'validity.period_not_supported';

// DigiCert's "365 days 23:59:59" (発行日+365日23時間59分59秒).
const DIGICERT_YEAR_MS = (365 * 86_400 + 23 * 3_600 + 59 * 60 + 59) * MS_PER_SECOND;

/**
 * R-VALID-1: the FAQ formulas, in Asia/Tokyo. Cybertrust extends the old expiry by calendar months;
 * DigiCert and GlobalSign count from the issue date-time and add the remaining validity where the
 * FAQ says so. Returns null for a period the FAQ has no formula for.
 */
const nominalNotAfter = (input: ValidityEstimateInput): Date | null => {
  const { ca, periodMonths, issuedAt, oldNotAfter } = input;
  const remainingMs = Math.max(0, oldNotAfter.getTime() - issuedAt.getTime());
  switch (ca) {
    case 'digicert':
      return periodMonths === 12 ? new Date(issuedAt.getTime() + DIGICERT_YEAR_MS + remainingMs) : null;
    case 'cybertrust':
      return periodMonths === 6 || periodMonths === 12 ? addTokyoMonths(oldNotAfter, periodMonths) : null;
    case 'globalsign':
      if (periodMonths === 6) return new Date(addTokyoDays(issuedAt, 214).getTime() + remainingMs);
      if (periodMonths === 12) return addTokyoDays(issuedAt, 397);
      return null;
  }
};

/**
 * The expiry of a renewed certificate.
 *
 * Capping: the hard limit is the "must not exceed" length for the issue date (BR days, inclusive); an
 * estimate over it is replaced by issue date-time + the "CAs aim at" length, because that is what the
 * CAs issue in practice, one day short of the limit. A capped estimate is no longer a lower bound: α
 * cannot push a certificate past the cap.
 */
export const estimateValidity = (
  input: ValidityEstimateInput,
): Result<ValidityEstimate, ValidityEstimateReason> => {
  const nominal = nominalNotAfter(input);
  if (nominal === null) {
    return err('validity.period_not_supported', { ca: input.ca, periodMonths: input.periodMonths });
  }
  const { ca, periodMonths, issuedAt, oldNotAfter } = input;
  const reasons: ValidityReason[] = [];

  // R-VALID-3, R-CABF-1: cut to the cap of the issue date; the contract period runs on with re-issues.
  const step = validityCapFor(issuedAt);
  const overCap = validityDays(issuedAt, nominal) > step.maxDays;
  const capped: ValidityCap | null = overCap
    ? {
        capDays: step.maxDays,
        aimDays: step.aimDays,
        latestNotAfter: latestNotAfter(issuedAt, step.maxDays),
        rule: 'R-CABF-1',
      }
    : null;
  const estimated = capped ? addTokyoDays(issuedAt, capped.aimDays) : nominal;
  if (capped) {
    reasons.push({
      code: 'validity.capped_by_cabf',
      params: { capDays: capped.capDays, aimDays: capped.aimDays, nominalNotAfter: nominal.toISOString() },
    });
  }

  const isLowerBound = ca === 'digicert' && capped === null;
  if (isLowerBound) reasons.push({ code: 'validity.lower_bound_ca_may_add_days' });
  if (ca === 'globalsign' && periodMonths === 12 && oldNotAfter.getTime() > issuedAt.getTime()) {
    reasons.push({
      code: 'validity.remaining_validity_not_carried',
      params: { remainingSeconds: Math.floor((oldNotAfter.getTime() - issuedAt.getTime()) / MS_PER_SECOND) },
    });
  }

  // R-VALID-2: customers expect "old expiry + period"; say why the date differs when it does.
  const oldExpiryPlusPeriod = addTokyoMonths(oldNotAfter, periodMonths);
  const differs = tokyoDateOf(estimated) !== tokyoDateOf(oldExpiryPlusPeriod);
  if (differs && ca !== 'cybertrust') {
    reasons.push({
      code: 'validity.counted_from_issue_date',
      params: {
        ca,
        issuedAt: issuedAt.toISOString(),
        oldExpiryPlusPeriod: oldExpiryPlusPeriod.toISOString(),
      },
    });
  }

  return ok({
    nominalNotAfter: nominal,
    estimatedNotAfter: estimated,
    capped,
    isLowerBound,
    contractPeriodEnd: nominal,
    nextReissueDueAt: capped ? estimated : null,
    oldExpiryPlusPeriod,
    differsFromOldExpiryPlusPeriod: differs,
    reasons,
  });
};
