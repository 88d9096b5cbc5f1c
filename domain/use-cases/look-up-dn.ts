import type { DnLookup, LookupRepositories } from '../ports/lookups.ts';
import type { Store } from '../ports/store.ts';
import { findProduct } from '../rules/catalogue.ts';
import { previousByoCertificate, previousProxyApplication } from '../rules/previous-dn.ts';
import { err } from '../rules/result.ts';
import { findVisibleContract } from './visible-contract.ts';

export type LookUpDnPorts = { readonly store: Store<LookupRepositories> };

/**
 * `/cert dn <CN>`: the previous Distinguished Name data of a contract, for a member of its service
 * group. A proxy contract shows its last application (DN, applicant, period, CSR method: R-DN-1); a BYO
 * contract the last certificate registered, never a key (R-DN-2).
 */
export async function lookUpDn(
  ports: LookUpDnPorts,
  input: { readonly name: string; readonly userId: string },
): Promise<DnLookup> {
  const visible = await findVisibleContract(ports.store.lookups, input);
  if (!visible.ok) return visible;
  const { contract } = visible.value;

  if (contract.category === 'byo') {
    const certificate = previousByoCertificate(await ports.store.lookups.recentCertificates(contract.id));
    if (!certificate.ok) return err(certificate.reason, { cn: contract.cn });
    return { ok: true, kind: 'byo', contract, certificate: certificate.value };
  }

  const previous = previousProxyApplication(await ports.store.lookups.recentApplications(contract.id));
  if (!previous.ok || contract.ca === null) return err('dn.no_previous_application', { cn: contract.cn });
  const product = findProduct(contract.productId ?? '');
  return {
    ok: true,
    kind: 'proxy',
    contract,
    ca: contract.ca,
    product: product.ok ? product.value : null,
    previous: previous.value,
  };
}
