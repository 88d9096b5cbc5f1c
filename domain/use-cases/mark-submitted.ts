import type { OpsRefusal, StaffActor } from '../ports/operations.ts';
import { staffActorId } from '../ports/operations.ts';
import { type ApplicationProgress, advanceProgress } from '../rules/application-progress.ts';
import { type OperationsPorts, refuseNonStaff } from './open-ops-form.ts';

export type MarkSubmittedResult =
  | { readonly ok: true; readonly changed: boolean; readonly progress: ApplicationProgress }
  | OpsRefusal<'ops.not_staff' | 'ops.application_not_found' | 'ops.already_closed'>;

/**
 * "Submitted to CA": a staff member applied to the CA for a handed-over application. Guards: staff
 * only (refusals audited), an application that was handed over, still open. One transaction: the
 * progress (idempotent: a second click changes nothing), its audit entry, and the operations message
 * re-rendered by the outbox (its buttons now without "Submitted to CA"). The customer is not told:
 * nothing changes for them until the CA issues or rejects.
 */
export async function markSubmitted(
  ports: OperationsPorts,
  input: { readonly actor: StaffActor; readonly applicationId: string; readonly now: Date },
): Promise<MarkSubmittedResult> {
  const { actor, applicationId, now } = input;
  const application = await ports.store.operations.application(applicationId);
  const refused = await refuseNonStaff(ports.store, {
    actor,
    intent: 'submitted',
    applicationId,
    contractId: application?.contract.id ?? null,
    now,
  });
  if (refused) return refused;
  if (!application) return { ok: false, reason: 'ops.application_not_found', params: {} };

  return ports.store.transaction(async (tx): Promise<MarkSubmittedResult> => {
    const locked = await tx.operations.lockProgress(applicationId);
    if (!locked) return { ok: false, reason: 'ops.application_not_found', params: {} };
    const moved = advanceProgress(locked.progress, { type: 'submit', by: staffActorId(actor), at: now });
    if (!moved.ok) return { ok: false, reason: 'ops.already_closed', params: moved.params ?? {} };
    if (!moved.value.changed) return { ok: true, ...moved.value };
    await tx.operations.saveProgress(applicationId, moved.value.progress, now);
    await tx.audit.record({
      actor: staffActorId(actor),
      action: 'application.submitted',
      at: now,
      contractId: application.contract.id,
      cycleId: application.cycleId,
      after: { applicationId, status: 'submitted' },
    });
    await tx.messages.enqueue({ kind: 'ops_refresh', applicationId });
    return { ok: true, ...moved.value };
  });
}
