import type { ApplicationProgress, ProgressReason } from '../rules/application-progress.ts';
import type { ApplicationKind, Ca, Category, PeriodMonths } from '../rules/contract-terms.ts';
import type { CycleReason } from '../rules/renewal-cycle.ts';
import type { CertificateParseReason } from '../rules/x509/certificate.ts';
import type { OpsApplication } from './handover.ts';

/**
 * The provider's staff's side (the operations channel, `kigen certificate add`): what they act on, and
 * what registering an issued certificate reads and writes. `db/stores/operations-repository.ts`
 * implements it on PostgreSQL.
 */

/** Where an issued certificate goes: the application it answers (the ops button) or the contract's CN (the CLI). */
export type IssueTarget = { readonly applicationId: string } | { readonly cn: string };

/** The contract and the application (proxy) or open cycle (BYO) an issued certificate completes. */
export type IssueContext = {
  readonly contract: {
    readonly id: string;
    readonly cn: string;
    readonly category: Category;
    readonly ca: Ca | null;
  };
  /** The application the certificate answers: the one named, or the contract's open one (by CN). */
  readonly application: {
    readonly id: string;
    readonly kind: ApplicationKind;
    readonly cycleId: string | null;
    readonly periodMonths: PeriodMonths;
    readonly csrPem: string | null;
    readonly progress: ApplicationProgress | null;
  } | null;
  /** BYO (by CN): the open cycle the renewed certificate completes. */
  readonly openCycleId: string | null;
  /** The contract's current certificate (the one reaching furthest), which the new one must outlast. */
  readonly current: {
    readonly notAfter: Date;
    readonly contractPeriodEnd: Date | null;
    readonly sans: readonly string[];
  } | null;
};

export type StoredCertificate = { readonly id: string; readonly sha256: string; readonly notAfter: Date };

export type OperationsRepositories = {
  readonly operations: {
    /** The application with its hand-over snapshot and progress; null for an unknown id or one never handed over. */
    application(applicationId: string): Promise<OpsApplication | null>;
    /**
     * The application's progress, its row locked until the transaction ends (staff acting at once
     * take turns); null when there is no such application.
     */
    lockProgress(applicationId: string): Promise<{ readonly progress: ApplicationProgress | null } | null>;
    /** Stores the application's progress (insert or replace). */
    saveProgress(applicationId: string, progress: ApplicationProgress, now: Date): Promise<void>;
    /**
     * What an issued certificate completes, locked until the transaction ends (the application row,
     * or the contract's row by CN); null when the target does not exist (no such application, no
     * active contract of that CN).
     */
    issueContext(target: IssueTarget): Promise<IssueContext | null>;
    /** This very certificate (by fingerprint), if it is already registered for the contract. */
    registeredCertificate(contractId: string, sha256: string): Promise<StoredCertificate | null>;
  };
};

/** Why a staff action was refused: ONE vocabulary, translated by bot/views/operations/ops-modals.ts. */
export type OpsReason =
  /** KIGEN_OPS_USERS or a member of KIGEN_OPS_CHANNEL only (refusals are audited). */
  'ops.not_staff' | 'ops.application_not_found' | ProgressReason;

export type IssueReason =
  | OpsReason
  | CertificateParseReason
  | CycleReason
  | 'cycle.not_found'
  | 'ops.cn_mismatch'
  | 'ops.certificate_expired'
  | 'ops.certificate_not_newer'
  | 'ops.public_key_mismatch'
  | 'ops.csr_unreadable'
  | 'ops.contract_not_found'
  | 'ops.no_open_application';

export type OpsRefusal<R extends string = OpsReason> = {
  readonly ok: false;
  readonly reason: R;
  readonly params: Readonly<Record<string, unknown>>;
};

/** Who acts: a Slack user of the operations channel (checked as staff by the listener), or the CLI. */
export type StaffActor =
  | { readonly kind: 'slack'; readonly userId: string; readonly staff: boolean }
  | { readonly kind: 'cli' };

export const staffActorId = (actor: StaffActor): string =>
  actor.kind === 'cli' ? 'cli' : `ops:${actor.userId}`;
