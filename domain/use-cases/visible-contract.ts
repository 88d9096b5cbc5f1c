import type { LookupReason, LookupRepositories, VisibleContract } from '../ports/lookups.ts';
import { normaliseCommonName } from '../rules/domain-name.ts';
import { err, ok, type Result } from '../rules/result.ts';

/**
 * The look-ups' guard: the contract for a name typed by a user, when they are a member of its service
 * group (any role). "No such contract" and "not a member" are one refusal, `lookup.not_visible`, so that
 * the answer does not reveal whether a contract exists.
 */
export async function findVisibleContract(
  lookups: LookupRepositories['lookups'],
  input: { readonly name: string; readonly userId: string },
): Promise<Result<VisibleContract, LookupReason>> {
  const name = normaliseCommonName(input.name);
  if (!name.ok) return name;
  const contract = await lookups.contractByCn(name.value.fqdn);
  const role = contract ? await lookups.memberRole(contract.serviceGroupId, input.userId) : null;
  if (!contract || !role) return err('lookup.not_visible', { name: name.value.fqdn });
  return ok({ name: name.value, contract, role });
}
