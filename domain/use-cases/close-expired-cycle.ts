import type { ContractFacts } from '../ports/read-models.ts';
import type { CommonRepositories, Store } from '../ports/store.ts';
import type { RenewalCycle } from '../rules/renewal-cycle.ts';

/**
 * At the end of a cycle's term (proxy) or at a BYO certificate's expiry: R-AUTO-4 an expired BYO
 * certificate leaves the contract as it is; R-AUTO-1 an opted-out proxy cycle is cancelled, and the
 * contract with it. Every other cycle goes on (never cancelled for lack of action).
 */
export async function closeExpiredCycle(
  ports: { readonly store: Store<CommonRepositories> },
  input: { readonly cycle: RenewalCycle; readonly contract: ContractFacts; readonly now: Date },
): Promise<RenewalCycle> {
  const { cycle, contract, now } = input;
  return ports.store.transaction(async (tx) => {
    const moved = await tx.cycles.apply(cycle.id, { type: 'certificateExpired' }, now);
    if (!moved.ok) return cycle;
    const after = moved.transition.cycle;
    if (moved.transition.changed && after.state === 'cancelled') {
      await tx.contracts.cancel(contract.id, now);
      await tx.audit.record({
        actor: 'system:expiry',
        action: 'contract.cancelled',
        at: now,
        contractId: contract.id,
        cycleId: cycle.id,
        before: { status: contract.status },
        after: { status: 'cancelled' },
        detail: { reason: 'opted_out' },
      });
    }
    return after;
  });
}
