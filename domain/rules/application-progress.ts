import type { ApplicationKind } from './contract-terms.ts';
import { err, ok, type Result } from './result.ts';

/**
 * What the provider's staff did with an application handed over to them: submitted to the CA, then
 * issued (its certificate registered) or rejected (with a reason for the customer). Pure: the use-cases
 * (domain/use-cases/mark-submitted.ts, reject-application.ts, register-issued-certificate.ts) store
 * what this decides.
 */
export type ProgressStatus = 'submitted' | 'issued' | 'rejected';

/** What the provider's staff did with an application (null: nothing yet). */
export type ApplicationProgress = {
  readonly status: ProgressStatus;
  readonly submittedAt: Date | null;
  readonly submittedBy: string | null;
  readonly issuedAt: Date | null;
  readonly issuedBy: string | null;
  readonly certificateId: string | null;
  readonly rejectedAt: Date | null;
  readonly rejectedBy: string | null;
  readonly rejectionReason: string | null;
};

/** A step of the staff; who (`ops:<Slack user id>` or `cli`) and when. */
export type ProgressStep =
  | { readonly type: 'submit'; readonly by: string; readonly at: Date }
  | { readonly type: 'reject'; readonly by: string; readonly at: Date; readonly reason: string }
  | { readonly type: 'issue'; readonly by: string; readonly at: Date; readonly certificateId: string };

export type ProgressReason =
  /** Issued or rejected already: nothing more to do with it (submit, reject). */
  | 'ops.already_closed'
  /** A rejected application takes no certificate. */
  | 'ops.application_rejected'
  /** Its certificate is registered (another one is refused; the same one again changes nothing). */
  | 'ops.already_issued';

export type ProgressMove = { readonly changed: boolean; readonly progress: ApplicationProgress };

const NOTHING: ApplicationProgress = {
  status: 'submitted',
  submittedAt: null,
  submittedBy: null,
  issuedAt: null,
  issuedBy: null,
  certificateId: null,
  rejectedAt: null,
  rejectedBy: null,
  rejectionReason: null,
};

/** Issued and rejected are final: the staff's buttons are gone, the customer was told. */
export const isClosed = (progress: ApplicationProgress | null): boolean =>
  progress?.status === 'issued' || progress?.status === 'rejected';

/**
 * The application's progress after a step of the staff. Submitted, issued and rejected are each
 * idempotent (the same step again changes nothing: a double click, Slack's retry); the order is
 * submitted → issued | rejected, where submitting is optional and issued and rejected are final —
 * except that a submitted or open application may still be rejected, never an issued one.
 */
export function advanceProgress(
  before: ApplicationProgress | null,
  step: ProgressStep,
): Result<ProgressMove, ProgressReason> {
  const status = before?.status ?? null;
  const unchanged = (progress: ApplicationProgress) => ok({ changed: false, progress });
  const base = before ?? NOTHING;
  switch (step.type) {
    case 'submit':
      if (before && status === 'submitted') return unchanged(before);
      if (status !== null) return err('ops.already_closed', { status });
      return ok({
        changed: true,
        progress: { ...base, status: 'submitted', submittedAt: step.at, submittedBy: step.by },
      });
    case 'reject':
      if (before && status === 'rejected') return unchanged(before);
      if (status === 'issued') return err('ops.already_closed', { status });
      return ok({
        changed: true,
        progress: {
          ...base,
          status: 'rejected',
          rejectedAt: step.at,
          rejectedBy: step.by,
          rejectionReason: step.reason,
        },
      });
    case 'issue': {
      if (before && status === 'issued' && before.certificateId === step.certificateId)
        return unchanged(before);
      const refused = issueRefusal(before);
      if (refused) return err(refused);
      return ok({
        changed: true,
        progress: {
          ...base,
          status: 'issued',
          issuedAt: step.at,
          issuedBy: step.by,
          certificateId: step.certificateId,
        },
      });
    }
  }
}

/**
 * Whether an issued certificate may still be registered for the application: not once it was rejected
 * (the customer was told), nor a second, other certificate once one is registered.
 */
export function issueRefusal(
  progress: ApplicationProgress | null,
): 'ops.application_rejected' | 'ops.already_issued' | null {
  if (progress?.status === 'rejected') return 'ops.application_rejected';
  if (progress?.status === 'issued') return 'ops.already_issued';
  return null;
}

/**
 * A proxy certificate answers its application when it carries the public key of the application's CSR
 * (whoever made it: the customer, or the provider with R-CSR-3's sealed key). Its CN, its expiry and
 * that it is newer than the current certificate are checked as for every renewed certificate
 * (`checkByoCertificate`, R-CHANGE-3). An application without a CSR is not checked by key.
 */
export function answersCsr(input: {
  /** SHA-256 of the CSR's SubjectPublicKeyInfo; null when the application has no CSR. */
  readonly csrPublicKeySha256: string | null;
  readonly certificatePublicKeySha256: string;
}): Result<true, 'ops.public_key_mismatch'> {
  const { csrPublicKeySha256: csrKey, certificatePublicKeySha256: certificateKey } = input;
  if (csrKey !== null && csrKey !== certificateKey) {
    return err('ops.public_key_mismatch', { csrKey, certificateKey });
  }
  return ok(true);
}

/** The application kinds an issued certificate may answer (a new contract's is not Kigen's). */
export const ISSUABLE_KINDS: readonly Exclude<ApplicationKind, 'new'>[] = [
  'renewal',
  'auto_renewal',
  'reissue',
];
