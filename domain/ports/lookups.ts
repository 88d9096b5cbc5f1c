import type { Product } from '../rules/catalogue.ts';
import type { Ca, MemberRole } from '../rules/contract-terms.ts';
import type { DcvAnswer } from '../rules/dcv/dcv-addresses.ts';
import type { DomainName, DomainNameReason } from '../rules/domain-name.ts';
import type {
  ApplicationRecord,
  PreviousApplicationView,
  PreviousDnReason,
  RegisteredCertificateRecord,
  RegisteredCertificateView,
} from '../rules/previous-dn.ts';
import type { RenewalCycle } from '../rules/renewal-cycle.ts';
import type { Err } from '../rules/result.ts';
import type { ContractFacts } from './read-models.ts';

// The look-ups (`/cert dn|dcv|status`): what they read from storage, what they answer, and the one
// vocabulary of their refusals (translated by bot/i18n/lookups.ts). Nothing here writes.

/** What storage the look-ups read; implemented on PostgreSQL by db/stores/lookup-repository.ts. */
export type LookupRepositories = {
  readonly lookups: {
    /** The live (not cancelled) contract for a normalised CN (A-label, lower case), or null. */
    contractByCn(cn: string): Promise<ContractFacts | null>;
    /** The live contracts whose notices go to this Slack channel, by CN. */
    contractsInChannel(channelId: string): Promise<ContractFacts[]>;
    /** The Slack user's role in the service group, or null when they are not a member. */
    memberRole(serviceGroupId: string, slackUserId: string): Promise<MemberRole | null>;
    /** The service groups the Slack user is a member of (ids). */
    groupsOfMember(slackUserId: string): Promise<string[]>;
    /** The contract's latest applications, newest first (R-DN-1). */
    recentApplications(contractId: string): Promise<ApplicationRecord[]>;
    /** The contract's latest registered certificates, newest first, never a key (R-DN-2). */
    recentCertificates(contractId: string): Promise<RegisteredCertificateRecord[]>;
    /** The latest cycle of each contract (open or not), by contract id. */
    latestCycles(contractIds: readonly string[]): Promise<ReadonlyMap<string, RenewalCycle>>;
    /** The latest expiry among each contract's certificates (its current certificate), by contract id. */
    certificateExpiries(contractIds: readonly string[]): Promise<ReadonlyMap<string, Date>>;
    /**
     * The contract's open cycle (the earliest not finished) with the approver address of its renewal
     * application (R-DCV-GLOBALSIGN); null without an open cycle.
     */
    openCycleApprover(
      contractId: string,
    ): Promise<{ readonly cycleId: string; readonly approverAddress: string | null } | null>;
  };
};

/**
 * Why a look-up gives no answer, one vocabulary for every `/cert` look-up:
 * - `name.*`: what was typed is not a common name (params: `excerpt` and the rule's own);
 * - `lookup.missing_name`, `lookup.too_many_arguments`, `lookup.unknown_ca` (params: `excerpt`): the
 *   command's words do not parse;
 * - `lookup.not_visible` (params: `name`): no such contract, or the user is not a member of its service
 *   group. One reason for both, so that a refusal does not reveal whether a contract exists;
 * - `lookup.byo_has_no_ca` (params: `cn`): `/cert dcv` of a BYO contract, which has no CA of ours;
 * - `dn.*` (params: `cn`): `/cert dn` finds nothing to show (R-DN-1, R-DN-2).
 */
export type LookupReason =
  | DomainNameReason
  | 'lookup.missing_name'
  | 'lookup.too_many_arguments'
  | 'lookup.unknown_ca'
  | 'lookup.not_visible'
  | 'lookup.byo_has_no_ca'
  | PreviousDnReason;

export type LookupRefusal = Err<LookupReason>;

/** A contract the asking user may see (a member of its service group), found by the name they typed. */
export type VisibleContract = {
  readonly name: DomainName;
  readonly contract: ContractFacts;
  readonly role: MemberRole;
};

/** `/cert dn`: the previous DN data of a contract. */
export type DnLookup =
  | {
      readonly ok: true;
      readonly kind: 'proxy';
      readonly contract: ContractFacts;
      readonly ca: Ca;
      /** The contract's product in the catalogue; null when its id is unknown there. */
      readonly product: Product | null;
      readonly previous: PreviousApplicationView;
    }
  | {
      readonly ok: true;
      readonly kind: 'byo';
      readonly contract: ContractFacts;
      readonly certificate: RegisteredCertificateView;
    }
  | LookupRefusal;

/** `/cert dcv`: the DCV e-mail answer of one name and CA, on the day asked. */
export type DcvLookup =
  | {
      readonly ok: true;
      readonly name: DomainName;
      readonly answer: DcvAnswer;
      /** Set for a contract (`/cert dcv <CN>`); absent for a name not under contract. */
      readonly contract?: {
        readonly id: string;
        /** The open cycle, when there is one (GlobalSign only: where a chosen approver goes). */
        readonly openCycleId: string | null;
        readonly currentApprover: string | null;
      };
    }
  | LookupRefusal;

/** One contract in `/cert status`. */
export type ContractStatus = {
  readonly contract: ContractFacts;
  readonly product: Product | null;
  /** Expiry of the current certificate (or else of the latest cycle's period); null: none known. */
  readonly expiresAt: Date | null;
  /** The contract's latest cycle; null before its first. */
  readonly cycle: RenewalCycle | null;
};

/** `/cert status [CN]`: the contracts of a channel the user may see, or the one asked for. */
export type StatusLookup =
  | {
      readonly ok: true;
      /** The CN asked for (one contract), or null for the channel's list. */
      readonly single: string | null;
      readonly contracts: readonly ContractStatus[];
    }
  | LookupRefusal;
