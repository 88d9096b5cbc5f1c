import type { Applicant, ApplicationKind, CsrMethod, Dn, PeriodMonths } from '../rules/contract-terms.ts';
import type { ApplicationRecord } from '../rules/previous-dn.ts';
import type { AutoRenewalSummary } from './notices.ts';

/** An application as stored (never its private key: only whether the provider generated one). */
export type StoredApplication = ApplicationRecord & {
  readonly id: string;
  readonly cycleId: string | null;
  readonly csrPem: string | null;
  readonly approverAddress: string | null;
  readonly keyGeneratedByProvider: boolean;
  readonly requestedBy: string;
};

/** A new application to the CA (renewal, auto-renewal, re-issue). */
export type NewApplication = {
  readonly contractId: string;
  readonly cycleId: string | null;
  readonly kind: Exclude<ApplicationKind, 'new'>;
  readonly dn: Dn;
  readonly applicant: Applicant;
  readonly periodMonths: PeriodMonths;
  readonly csrMethod: CsrMethod;
  readonly csrPem: string | null;
  readonly wwwOption: boolean;
  readonly approverAddress: string | null;
  /** The provider-generated key, sealed (R-CSR-3); null for the customer's CSR. */
  readonly sealedPrivateKey: string | null;
  readonly requestedBy: string;
  readonly requestedAt: Date;
};

export type ApplicationRepositories = {
  readonly applications: {
    /** Every application of the contract, newest first. */
    ofContract(contractId: string): Promise<StoredApplication[]>;
    /**
     * Stores a new application; null when the cycle already has its one renewal application (a race
     * lost to another replica, a group admin or a retry: the database's unique index decides).
     */
    insert(application: NewApplication): Promise<{ readonly id: string } | null>;
    /** The auto-renewal applied to this cycle, as its notice shows it (R-AUTO-2, R-AUTO-3). */
    autoRenewalOf(cycleId: string): Promise<AutoRenewalSummary | null>;
  };
};
