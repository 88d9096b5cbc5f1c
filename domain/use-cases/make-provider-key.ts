import type { KeyMaker, KeyReason, ProviderKey } from '../ports/keys.ts';
import type { Dn } from '../rules/contract-terms.ts';
import type { Result } from '../rules/result.ts';
import { generatedCsrSans } from '../rules/www-option.ts';

/**
 * R-CSR-3, R-WWW-1: the one way a provider key is made, for renewals, auto-renewals and re-issues: a
 * fresh key pair for the application's DN with the contract's SANs (the www name of a www contract),
 * sealed with the master key for the contract at once.
 */
export const makeProviderKey = (
  keys: KeyMaker,
  contract: { readonly id: string; readonly cn: string; readonly wwwOption: boolean },
  dn: Dn,
): Promise<Result<ProviderKey, KeyReason>> =>
  keys.generate({
    dn: { ...dn, cn: contract.cn },
    sans: generatedCsrSans(contract),
    contractId: contract.id,
  });
