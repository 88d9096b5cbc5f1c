import type { Dn } from '../rules/contract-terms.ts';
import type { Result } from '../rules/result.ts';

/** A provider-generated key pair (R-CSR-3): its CSR, and the private key already sealed at rest. */
export type ProviderKey = {
  readonly csrPem: string;
  /** The private key encrypted with the master key, bound to its contract; never in clear text. */
  readonly sealedPrivateKey: string;
  /** SHA-256 of the SubjectPublicKeyInfo (lower-case hex), as certificates and CSRs are compared. */
  readonly publicKeySha256: string;
};

export type KeyReason =
  | 'keys.master_key_missing'
  | 'keys.master_key_invalid'
  | 'keys.invalid_dn'
  | 'keys.invalid_san';

/** Generates keys sealed with KIGEN_MASTER_KEY (bot/keys implements it; the key never leaves it in clear). */
export interface KeyMaker {
  /** Whether a master key is configured, so that provider keys can be made at all. */
  readonly available: boolean;
  generate(request: {
    readonly dn: Dn;
    /** Subject alternative names besides the CN (R-WWW-1: the www name of a www-option contract). */
    readonly sans: readonly string[];
    /** The contract the key belongs to: the sealed key only opens in its context. */
    readonly contractId: string;
  }): Promise<Result<ProviderKey, KeyReason>>;
}
