import type {
  Applicant,
  ApplicationKind,
  Ca,
  CsrMethod,
  Dn,
  MemberRole,
  PeriodMonths,
} from '../rules/contract-terms.ts';
import type { CycleState, NoticeKind } from '../rules/cycle-vocabulary.ts';
import type { RenewalCycle } from '../rules/renewal-cycle.ts';
import type { ByoCertificateReason } from '../rules/renewal-request.ts';
import type { CertificateParseReason } from '../rules/x509/certificate.ts';
import type { CsrCheckReason } from '../rules/x509/csr.ts';
import type { KeyReason } from './keys.ts';
import type { ContractFacts } from './read-models.ts';

/** Everything a decision from a notice needs about its cycle, read at click or submit time. */
export type DecisionContext = {
  readonly cycle: RenewalCycle;
  /** The cycle's parent message, once a notice was posted. */
  readonly parent: { readonly channel: string; readonly ts: string } | null;
  readonly contract: ContractFacts;
  readonly groupAdmins: readonly string[];
  readonly serviceAdmins: readonly string[];
  /** The latest notice sent for the cycle (the parent re-renders as that notice would). */
  readonly latestNotice: { readonly id: string; readonly kind: NoticeKind; readonly dueAt: Date } | null;
  /** The contract's current certificate (the one reaching furthest). */
  readonly certificate: {
    readonly id: string;
    readonly notAfter: Date;
    readonly sans: readonly string[];
  } | null;
  /** SPKI SHA-256 of every certificate registered for the contract (R-CSR-1). */
  readonly certificateKeySha256s: readonly string[];
  /** The last application that is not a re-issue (R-DN-1), with what the renewal form pre-fills. */
  readonly previousApplication: PreviousApplication | null;
  /** CSRs of the contract's earlier applications, to recognise a re-used key (R-CSR-1). */
  readonly previousCsrPems: readonly string[];
};

export type PreviousApplication = {
  readonly kind: ApplicationKind;
  readonly dn: Dn;
  readonly applicant: Applicant;
  readonly periodMonths: PeriodMonths;
  readonly csrMethod: CsrMethod;
  readonly wwwOption: boolean;
  readonly approverAddress: string | null;
};

/** Where an approver address is chosen (`/cert dcv`): the contract, the user's role, the open renewal. */
export type ApproverTarget = {
  readonly contract: { readonly id: string; readonly cn: string; readonly ca: Ca | null };
  /** The user's role in the contract's service group; null: not a member. */
  readonly role: MemberRole | null;
  /** The contract's open cycle (the earliest not finished). */
  readonly cycle: RenewalCycle | null;
  /** The cycle's renewal application (manual or automatic), once there is one. */
  readonly application: { readonly id: string; readonly approverAddress: string | null } | null;
};

/** What the customer's decisions need from storage, beyond cycles, applications, audit and the outbox. */
export type DecisionRepositories = {
  readonly decisions: {
    /**
     * The cycle with its live contract, group members, parent message, current certificate and previous
     * application; null when the cycle or its contract no longer exists (or the contract is cancelled).
     */
    context(cycleId: string): Promise<DecisionContext | null>;
    /** Stores a certificate of the contract; null when this very certificate (its fingerprint) is stored. */
    approverTarget(contractId: string, userId: string): Promise<ApproverTarget | null>;
    /**
     * R-DCV-GLOBALSIGN: sets the approver address of a cycle's renewal application (row locked until
     * the transaction ends); `changed: false` when it was that address already.
     */
    setApproverAddress(
      applicationId: string,
      cycleId: string,
      address: string,
    ): Promise<{ readonly changed: boolean; readonly before: string | null } | null>;
  };
};

/**
 * Why a decision was not taken: ONE vocabulary for every decision use-case (the state machine's
 * `cycle.*` reasons and the decisions' own `decision.*`), each with what its message needs; the Slack
 * layer translates them (bot/views/decisions/decision-messages.ts over bot/i18n/decisions.ts).
 */
export type DecisionRefusal =
  | { readonly reason: 'decision.invalid' }
  | { readonly reason: 'decision.contract_gone' }
  | { readonly reason: 'decision.unknown_product' }
  | { readonly reason: 'decision.no_previous_application' }
  | { readonly reason: 'decision.not_for_byo' }
  | { readonly reason: 'decision.not_for_proxy' }
  | { readonly reason: 'cycle.not_authorized'; readonly groupAdmins: readonly string[] }
  | { readonly reason: 'cycle.decision_deadline_passed'; readonly deadline: Date }
  | { readonly reason: 'cycle.data_deadline_passed'; readonly deadline: Date }
  /** Decided before (a double click, Slack's retry, another admin a moment earlier): who and when. */
  | { readonly reason: 'cycle.already_decided'; readonly cycle: RenewalCycle }
  | { readonly reason: 'cycle.closed'; readonly state: CycleState }
  | { readonly reason: 'cycle.not_opted_out' }
  | { readonly reason: 'cycle.opted_out' }
  | { readonly reason: 'cycle.period_not_allowed'; readonly allowed: readonly PeriodMonths[] }
  /** The submitted data does not pass the domain's checks: a problem per field of the form. */
  | { readonly reason: 'decision.fields'; readonly fields: Readonly<Record<string, FieldProblem>> }
  /** The provider key could not be made (R-CSR-3): no master key, or the key maker refused. */
  | { readonly reason: KeyReason };

/** What is wrong with one field of a decision's form (R-CHANGE-2, R-CHANGE-3, R-CSR-1, R-CSR-2). */
export type FieldProblem =
  | { readonly problem: 'required' }
  | { readonly problem: 'invalid' }
  | { readonly problem: 'no_previous_application' }
  | { readonly problem: 'csr_required' }
  | { readonly problem: 'csr'; readonly reason: CsrCheckReason }
  /** R-CSR-1: a re-used key is allowed only with an explicit confirmation. */
  | { readonly problem: 'reuse_not_confirmed' }
  | { readonly problem: 'master_key_missing' }
  | { readonly problem: 'approver_required' }
  | { readonly problem: 'approver_not_a_choice' }
  | { readonly problem: 'period_not_allowed'; readonly allowed: readonly PeriodMonths[] }
  | { readonly problem: 'certificate'; readonly reason: CertificateParseReason | ByoCertificateReason };

export type DecisionReason = DecisionRefusal['reason'];
export type Refused = { readonly ok: false } & DecisionRefusal;
