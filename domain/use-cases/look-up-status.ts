import type { ContractStatus, LookupRepositories, StatusLookup } from '../ports/lookups.ts';
import type { ContractFacts } from '../ports/read-models.ts';
import type { Store } from '../ports/store.ts';
import { findProduct } from '../rules/catalogue.ts';
import { findVisibleContract } from './visible-contract.ts';

export type LookUpStatusPorts = { readonly store: Store<LookupRepositories> };

/**
 * `/cert status [CN]`: expiry, cycle state, deadlines and decision. Without a name, the contracts whose
 * notices go to this channel and whose service group the user is a member of; contracts of other
 * groups in the same channel are left out without a word. With a name, that contract, for a member
 * of its service group (wherever asked).
 */
export async function lookUpStatus(
  ports: LookUpStatusPorts,
  input: { readonly name?: string; readonly userId: string; readonly channelId: string },
): Promise<StatusLookup> {
  const { lookups } = ports.store;
  if (input.name !== undefined) {
    const visible = await findVisibleContract(lookups, { name: input.name, userId: input.userId });
    if (!visible.ok) return visible;
    const { contract } = visible.value;
    return { ok: true, single: contract.cn, contracts: await statuses(ports, [contract]) };
  }

  const [inChannel, groups] = await Promise.all([
    lookups.contractsInChannel(input.channelId),
    lookups.groupsOfMember(input.userId),
  ]);
  const mine = inChannel.filter((c) => groups.includes(c.serviceGroupId));
  return { ok: true, single: null, contracts: await statuses(ports, mine) };
}

async function statuses(
  ports: LookUpStatusPorts,
  contracts: readonly ContractFacts[],
): Promise<ContractStatus[]> {
  const ids = contracts.map((c) => c.id);
  const [cycles, expiries] = await Promise.all([
    ports.store.lookups.latestCycles(ids),
    ports.store.lookups.certificateExpiries(ids),
  ]);
  return contracts.map((contract) => {
    const cycle = cycles.get(contract.id) ?? null;
    const product = contract.productId ? findProduct(contract.productId) : null;
    return {
      contract,
      product: product?.ok ? product.value : null,
      expiresAt: expiries.get(contract.id) ?? cycle?.expiresAt ?? null,
      cycle,
    };
  });
}
