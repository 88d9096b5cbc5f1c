import type { DnsResolver } from '../ports/dns.ts';
import type { DcvLookup, LookupRepositories } from '../ports/lookups.ts';
import type { Store } from '../ports/store.ts';
import { caSchema } from '../rules/contract-terms.ts';
import { lookUpDcv } from '../rules/dcv/lookup-dcv.ts';
import { normaliseCommonName, sanitisedExcerpt } from '../rules/domain-name.ts';
import { err } from '../rules/result.ts';
import { findVisibleContract } from './visible-contract.ts';

export type LookUpDcvPorts = {
  readonly store: Store<LookupRepositories>;
  /** Live DNS: 2 s per query, the queries in parallel (R-DCV-5). */
  readonly dns: DnsResolver;
};

/**
 * `/cert dcv`: the e-mail addresses the CA writes to for domain control validation (R-CABF-3), the
 * TXT contact and the zone's SOA checked live in DNS (R-DCV-1 … R-DCV-5).
 * - `/cert dcv <CN>` (no `ca`): a contract the user may see (a member of its service group), with the
 *   contract's CA; a BYO contract has none. For GlobalSign, the approver address already chosen for
 *   the open cycle (R-DCV-GLOBALSIGN), read while DNS answers.
 * - `/cert dcv <FQDN> <CA>`: any name with the CA given (as typed, any case); no contract, no
 *   membership needed, since the answer says only what public DNS says.
 */
export async function lookUpDcvAddresses(
  ports: LookUpDcvPorts,
  input: { readonly name: string; readonly ca?: string; readonly userId: string; readonly now: Date },
): Promise<DcvLookup> {
  const { now } = input;
  if (input.ca !== undefined) {
    const name = normaliseCommonName(input.name);
    if (!name.ok) return name;
    const ca = caSchema.safeParse(input.ca.toLowerCase());
    if (!ca.success) return err('lookup.unknown_ca', { excerpt: sanitisedExcerpt(input.ca) });
    const answer = await lookUpDcv(ports.dns, { name: name.value, ca: ca.data, on: now });
    return { ok: true, name: name.value, answer };
  }

  const visible = await findVisibleContract(ports.store.lookups, input);
  if (!visible.ok) return visible;
  const { contract, name } = visible.value;
  const ca = contract.ca;
  if (ca === null) return err('lookup.byo_has_no_ca', { cn: contract.cn });

  // DNS and storage in parallel: the approver choice matters for GlobalSign only.
  const [answer, approver] = await Promise.all([
    lookUpDcv(ports.dns, { name, ca, on: now }),
    ca === 'globalsign' ? ports.store.lookups.openCycleApprover(contract.id) : Promise.resolve(null),
  ]);
  return {
    ok: true,
    name,
    answer,
    contract: {
      id: contract.id,
      openCycleId: approver?.cycleId ?? null,
      currentApprover: approver?.approverAddress ?? null,
    },
  };
}
