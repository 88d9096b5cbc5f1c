import type { OpsRefusal, StaffActor } from '../ports/operations.ts';
import { staffActorId } from '../ports/operations.ts';
import { type ApplicationProgress, advanceProgress } from '../rules/application-progress.ts';
import { type OperationsPorts, refuseNonStaff } from './open-ops-form.ts';

export type RejectResult =
  | {
      readonly ok: true;
      readonly changed: boolean;
      readonly progress: ApplicationProgress;
      readonly contract: { readonly id: string; readonly cn: string };
    }
  | OpsRefusal<'ops.not_staff' | 'ops.application_not_found' | 'ops.already_closed'>;

/**
 * "Rejected": the CA (or the staff) turned the application down, for a reason the customer reads.
 * Guards: staff only (refusals audited), an application that was handed over and not issued. One
 * transaction: the progress with the reason (idempotent once rejected), its audit entry, then what
 * is told to whom by the outbox — the operations message re-rendered without its buttons, and the
 * reason relayed to the customer's thread (the cycle's parent message, else the contract's channel).
 */
export async function rejectApplication(
  ports: OperationsPorts,
  input: {
    readonly actor: StaffActor;
    readonly applicationId: string;
    /** Trimmed and non-empty (the listener's form checks it). */
    readonly reason: string;
    readonly now: Date;
  },
): Promise<RejectResult> {
  const { actor, applicationId, reason, now } = input;
  const application = await ports.store.operations.application(applicationId);
  const refused = await refuseNonStaff(ports.store, {
    actor,
    intent: 'rejected',
    applicationId,
    contractId: application?.contract.id ?? null,
    now,
  });
  if (refused) return refused;
  if (!application) return { ok: false, reason: 'ops.application_not_found', params: {} };
  const contract = { id: application.contract.id, cn: application.contract.cn };

  return ports.store.transaction(async (tx): Promise<RejectResult> => {
    const locked = await tx.operations.lockProgress(applicationId);
    if (!locked) return { ok: false, reason: 'ops.application_not_found', params: {} };
    const before = locked.progress;
    const moved = advanceProgress(before, { type: 'reject', by: staffActorId(actor), at: now, reason });
    if (!moved.ok) return { ok: false, reason: 'ops.already_closed', params: moved.params ?? {} };
    if (!moved.value.changed) return { ok: true, ...moved.value, contract };
    await tx.operations.saveProgress(applicationId, moved.value.progress, now);
    await tx.audit.record({
      actor: staffActorId(actor),
      action: 'application.rejected',
      at: now,
      contractId: contract.id,
      cycleId: application.cycleId,
      before: before ? { status: before.status } : null,
      after: { applicationId, status: 'rejected' },
      detail: { reason },
    });
    await tx.messages.enqueue({ kind: 'ops_refresh', applicationId });
    await tx.messages.enqueue({
      kind: 'customer_reply',
      contractId: contract.id,
      cycleId: application.cycleId,
      reply: { kind: 'application_rejected', reason },
    });
    return { ok: true, ...moved.value, contract };
  });
}
