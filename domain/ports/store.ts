import type { NoticeSettings } from '../rules/notice-schedule.ts';
import type { Actor, CycleCommand, CycleReason, RenewalCycle, Transition } from '../rules/renewal-cycle.ts';

/**
 * Storage, as the use-cases see it: repositories grouped by area, and one transaction at a time.
 * A use-case declares the repositories it needs (`Store<CycleRepositories & …>`); `db/stores/`
 * implements them all on PostgreSQL. Inside `transaction`, the same repositories work on that
 * transaction: everything written there commits together or not at all.
 */
export type Store<R> = R & {
  /** The work's value; when the work returns `rollBack(value)`, nothing it wrote stays, and `value`. */
  transaction<T>(work: (tx: R) => Promise<T | RolledBack<T>>): Promise<T>;
};

const ROLLED_BACK: unique symbol = Symbol('rolled back');

/** A transaction's answer whose writes must not stay: a refusal found after something was written. */
export type RolledBack<T> = { readonly [ROLLED_BACK]: true; readonly value: T };

/** Returned by a transaction's work: undo what it wrote, and answer `value` (errors are values). */
export const rollBack = <T>(value: T): RolledBack<T> => ({ [ROLLED_BACK]: true, value });

export const isRolledBack = (result: unknown): result is RolledBack<unknown> =>
  typeof result === 'object' && result !== null && ROLLED_BACK in result;

/** One row of the audit trail: who did what, when, to which contract and cycle, before and after. */
export type AuditEntry = {
  readonly actor: Actor | string;
  readonly action: string;
  readonly at: Date;
  readonly contractId?: string | null;
  readonly cycleId?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly detail?: unknown;
};

export type CycleUpdate =
  | { readonly ok: true; readonly transition: Transition }
  | { readonly ok: false; readonly reason: CycleReason | 'cycle.not_found'; readonly params?: unknown };

export type PlanningSummary = {
  contracts: number;
  cyclesCreated: number;
  noticesCreated: number;
  cyclesSuperseded: number;
  noticesSkipped: number;
};

/** A fact the provider's back office must act on (the hand-over), enqueued with the fact itself. */
export type HandoverFact = {
  readonly kind: 'application' | 'opt_out' | 'opt_out_undone';
  readonly contractId: string;
  readonly cycleId: string | null;
  readonly applicationId: string | null;
  /** Slack user id or 'system:<job>' of who caused the fact. */
  readonly actor: string | null;
  readonly occurredAt: Date;
};

/**
 * A certificate to store for a contract, as parsed from its PEM: a BYO customer's renewed one, or the
 * one the CA issued for an application. Never a private key in clear.
 */
export type NewCertificate = {
  readonly contractId: string;
  /**
   * The application it answers; its sealed provider key (R-CSR-3), if any, is stored with the
   * certificate by the repository — the key never passes through the domain.
   */
  readonly applicationId: string | null;
  readonly pem: string;
  readonly chainPem: string | null;
  readonly serial: string;
  readonly subject: string;
  readonly subjectCn: string | null;
  readonly sans: readonly string[];
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly sha256: string;
  readonly publicKeySha256: string;
  /** R-CABF-2: the end of the contract period when the certificate was cut short; null otherwise. */
  readonly contractPeriodEnd: Date | null;
  /** Slack user id, 'ops:<Slack user id>' or 'cli'. */
  readonly registeredBy: string;
  readonly registeredAt: Date;
};

/** Repositories every area uses. */
export type CommonRepositories = {
  readonly audit: {
    record(entry: AuditEntry): Promise<void>;
  };
  readonly cycles: {
    /** The cycle with its contract's category; with `lock`, locked until the transaction ends. */
    find(cycleId: string, options?: { readonly lock?: boolean }): Promise<RenewalCycle | null>;
    /** Writes a transition (and its audit event) if nobody changed the cycle since `seenVersion`. */
    save(seenVersion: number, transition: Transition): Promise<boolean>;
    /** Applies a command, re-reading on a concurrent change (the domain's commands are idempotent). */
    apply(cycleId: string, command: CycleCommand, now: Date): Promise<CycleUpdate>;
    /** The cycle's parent message, set once by its first posted notice. */
    setParentMessage(
      cycleId: string,
      message: { readonly channel: string; readonly ts: string },
    ): Promise<void>;
  };
  readonly certificates: {
    /** Stores a certificate of a contract; null when this very certificate is stored already. */
    insert(certificate: NewCertificate): Promise<{ readonly id: string } | null>;
  };
  readonly contracts: {
    /** R-AUTO-1: an opted-out contract ends with its term. */
    cancel(contractId: string, now: Date): Promise<void>;
  };
  readonly planning: {
    /**
     * Plans the renewal of each contract from its current certificate (the one reaching furthest):
     * its cycle and notices (`noticeSchedule`); completes older open cycles. Idempotent.
     */
    planRenewals(
      contractIds: readonly string[],
      options: { readonly settings?: NoticeSettings; readonly now: Date; readonly actor: string },
    ): Promise<PlanningSummary>;
    /** Active contracts whose current certificate's period has no cycle yet (imported in bulk, or missed). */
    contractsMissingPlan(limit: number): Promise<string[]>;
  };
  readonly handover: {
    /** The hand-over of a fact, delivered by the outbox to every configured channel. */
    enqueue(fact: HandoverFact): Promise<void>;
  };
};
