import { validityCapFor, validityDays } from './cabf-limits.ts';
import type { ApplicationKind, Ca, Category, PeriodMonths } from './contract-terms.ts';
import { estimateValidity } from './validity-estimate.ts';

export type ContractPeriodInput = {
  readonly category: Category;
  readonly ca: Ca | null;
  /** The application the issued certificate answers; null when there is none. */
  readonly application: { readonly kind: ApplicationKind; readonly periodMonths: PeriodMonths } | null;
  /** The certificate in force before, with the period it belonged to (null: its own expiry). */
  readonly current: { readonly notAfter: Date; readonly contractPeriodEnd: Date | null } | null;
  readonly issued: { readonly notBefore: Date; readonly notAfter: Date };
};

/**
 * R-CABF-2, R-VALID-3: a renewed proxy certificate that the CA/B Forum cap cut short does not end the
 * contract period: the period runs on to the expiry the FAQ formula gives (R-VALID-1), with re-issues
 * in between, and the next renewal belongs at its end — not months early at the short certificate's
 * expiry. A re-issue stays in the current period. Null when the certificate covers its period itself
 * (and always for BYO, which has no provider-managed period).
 */
export const contractPeriodEndOfIssued = (input: ContractPeriodInput): Date | null => {
  const { application, current, issued } = input;
  if (input.category !== 'proxy' || !input.ca || !application || !current) return null;
  const currentEnd = current.contractPeriodEnd ?? current.notAfter;
  let end: Date | null = null;
  if (application.kind === 'reissue') end = currentEnd;
  else {
    const estimate = estimateValidity({
      ca: input.ca,
      periodMonths: application.periodMonths,
      issuedAt: issued.notBefore,
      oldNotAfter: currentEnd,
    });
    // Only a certificate the cap cut short: within the cap of its issue date, while the period is not.
    const withinCap =
      validityDays(issued.notBefore, issued.notAfter) <= validityCapFor(issued.notBefore).maxDays;
    if (estimate.ok && estimate.value.capped && withinCap) end = estimate.value.contractPeriodEnd;
  }
  return end && end.getTime() > issued.notAfter.getTime() ? end : null;
};
