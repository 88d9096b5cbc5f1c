import type { ApplicationRepositories } from '../ports/applications.ts';
import type { KeyMaker } from '../ports/keys.ts';
import type { AutoRenewalSummary } from '../ports/notices.ts';
import type { ContractFacts } from '../ports/read-models.ts';
import type { CommonRepositories, Store } from '../ports/store.ts';
import { findProduct } from '../rules/catalogue.ts';
import { previousProxyApplication } from '../rules/previous-dn.ts';
import { applyCycleCommand, type RenewalCycle } from '../rules/renewal-cycle.ts';
import { buildAutoRenewalApplication } from '../rules/renewal-request.ts';
import { makeProviderKey } from './make-provider-key.ts';

export type AutoRenewPorts = {
  readonly store: Store<CommonRepositories & ApplicationRepositories>;
  readonly keys: KeyMaker;
};

export type AutoRenewOutcome =
  /** Renewed now, or earlier by another attempt (`summary` read back). */
  | { readonly ok: true; readonly summary: AutoRenewalSummary; readonly cycle: RenewalCycle }
  /** Nothing to renew: opted out, complete data, renewed by hand, or not proxy. */
  | { readonly ok: true; readonly summary: null; readonly cycle: RenewalCycle }
  | { readonly ok: false; readonly retryable: boolean; readonly error: string };

const ACTOR = 'system:data_deadline';

/**
 * R-AUTO-2, R-AUTO-3, R-CSR-3: at the data deadline, a proxy cycle that is not opted out and lacks
 * complete renewal data is renewed with the previous DN and applicant, the period the CA still sells,
 * CSR method `provider` and a fresh key sealed at once. Once per cycle, whatever races (the cycle's one
 * renewal application is unique in the database); its hand-over is enqueued with it.
 */
export async function autoRenewAtDataDeadline(
  ports: AutoRenewPorts,
  input: { readonly cycle: RenewalCycle; readonly contract: ContractFacts; readonly now: Date },
): Promise<AutoRenewOutcome> {
  const { cycle, contract, now } = input;
  const done = await ports.store.applications.autoRenewalOf(cycle.id);
  if (done) return { ok: true, summary: done, cycle };

  // The domain decides whether anything is to be renewed; nothing is generated when not.
  const due = applyCycleCommand(cycle, { type: 'autoRenewAtDataDeadline' }, now);
  if (!due.ok || !due.value.changed) return { ok: true, summary: null, cycle };

  const product = findProduct(contract.productId ?? '');
  if (!product.ok) return { ok: false, retryable: false, error: product.reason };
  const records = await ports.store.applications.ofContract(contract.id);
  const previous = previousProxyApplication(records);
  const previousRow = previous.ok
    ? records.find(
        (r) => r.kind === previous.value.kind && r.appliedAt.getTime() === previous.value.appliedAt.getTime(),
      )
    : undefined;
  if (!previous.ok || !previousRow)
    return { ok: false, retryable: false, error: 'dn.no_previous_application' };
  const built = buildAutoRenewalApplication(
    {
      ...previousRow,
      productId: product.value.id,
      approverEmail: previousRow.approverAddress,
      linkedServiceIds: [],
    },
    product.value,
    now,
    cycle.chosenPeriod,
  );
  if (!built.ok) return { ok: false, retryable: false, error: built.reason };
  const application = built.value;
  const key = await makeProviderKey(
    ports.keys,
    { ...contract, wwwOption: application.wwwOption },
    application.dn,
  );
  // Without a master key nothing can be sealed: the notice waits (and /healthz says why).
  if (!key.ok) return { ok: false, retryable: key.reason.startsWith('keys.master_key'), error: key.reason };
  const summary: AutoRenewalSummary = {
    periodMonths: application.periodMonths,
    previousPeriodMonths: application.period.previousPeriod,
    periodShortened: application.period.shortened,
    csrMethodSwitchedFromCustomer: application.csrMethodSwitchedFromCustomer,
  };

  return ports.store.transaction(async (tx): Promise<AutoRenewOutcome> => {
    const moved = await tx.cycles.apply(cycle.id, { type: 'autoRenewAtDataDeadline' }, now);
    // Someone decided in the meantime (a renewal request, complete data): not ours to renew.
    if (!moved.ok || !moved.transition.changed) {
      return { ok: true, summary: await tx.applications.autoRenewalOf(cycle.id), cycle } as AutoRenewOutcome;
    }
    const inserted = await tx.applications.insert({
      contractId: contract.id,
      cycleId: cycle.id,
      kind: 'auto_renewal',
      dn: application.dn,
      applicant: application.applicant,
      periodMonths: application.periodMonths,
      csrMethod: 'provider',
      csrPem: key.value.csrPem,
      wwwOption: application.wwwOption,
      approverAddress: application.approverEmail,
      sealedPrivateKey: key.value.sealedPrivateKey,
      requestedBy: ACTOR,
      requestedAt: now,
    });
    if (!inserted) throw new Error(`cycle ${cycle.id}: its renewal application appeared under a lock`);
    await tx.audit.record({
      actor: ACTOR,
      action: 'application.auto_renewal',
      at: now,
      contractId: contract.id,
      cycleId: cycle.id,
      after: { applicationId: inserted.id, kind: 'auto_renewal', csrMethod: 'provider' },
      detail: { ...summary, publicKeySha256: key.value.publicKeySha256 },
    });
    // R-AUTO-2: the provider's back office applies to the CA.
    await tx.handover.enqueue({
      kind: 'application',
      contractId: contract.id,
      cycleId: cycle.id,
      applicationId: inserted.id,
      actor: ACTOR,
      occurredAt: now,
    });
    return { ok: true, summary, cycle: moved.transition.cycle };
  });
}
