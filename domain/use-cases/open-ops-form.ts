import type { OpsApplication } from '../ports/handover.ts';
import type { MessageRepositories } from '../ports/messages.ts';
import type { OperationsRepositories, OpsRefusal, StaffActor } from '../ports/operations.ts';
import type { CommonRepositories, Store } from '../ports/store.ts';
import { isClosed } from '../rules/application-progress.ts';

/** The staff's use-cases talk to storage and the outbox only: what Slack is told is enqueued. */
export type OperationsPorts = {
  readonly store: Store<CommonRepositories & OperationsRepositories & MessageRepositories>;
};

/** What the staff's buttons and modals do, named in the audit trail of a refusal. */
export type OpsIntent = 'submitted' | 'issued' | 'rejected';

/**
 * The guard of every staff action: only the provider's staff (KIGEN_OPS_USERS, members of
 * KIGEN_OPS_CHANNEL: the listener asks Slack) may act; anyone else is refused, and the refusal is
 * audited. Null when the actor may act.
 */
export async function refuseNonStaff(
  store: Store<CommonRepositories>,
  input: {
    readonly actor: StaffActor;
    readonly intent: OpsIntent;
    readonly applicationId: string | null;
    readonly contractId?: string | null;
    readonly now: Date;
  },
): Promise<OpsRefusal<'ops.not_staff'> | null> {
  const { actor } = input;
  if (actor.kind === 'cli' || actor.staff) return null;
  await store.audit.record({
    actor: actor.userId,
    action: 'ops.refused',
    at: input.now,
    contractId: input.contractId ?? null,
    detail: { intent: input.intent, reason: 'not_staff', applicationId: input.applicationId },
  });
  return { ok: false, reason: 'ops.not_staff', params: {} };
}

export type OpenOpsFormResult =
  | { readonly ok: true; readonly application: OpsApplication }
  | OpsRefusal<'ops.not_staff' | 'ops.application_not_found' | 'ops.already_closed'>;

/**
 * The look-up behind the staff's "Certificate issued" and "Rejected" buttons: a staff member, an
 * application that was handed over and is still open (issued and rejected are final). The modal it
 * opens is checked again on submission (a modal may outlive a membership or the application).
 */
export async function openOpsForm(
  ports: OperationsPorts,
  input: {
    readonly actor: StaffActor;
    readonly intent: OpsIntent;
    readonly applicationId: string;
    readonly now: Date;
  },
): Promise<OpenOpsFormResult> {
  const application = await ports.store.operations.application(input.applicationId);
  const refused = await refuseNonStaff(ports.store, {
    ...input,
    contractId: application?.contract.id ?? null,
  });
  if (refused) return refused;
  if (!application) return { ok: false, reason: 'ops.application_not_found', params: {} };
  if (isClosed(application.progress)) {
    return {
      ok: false,
      reason: 'ops.already_closed',
      params: { status: application.progress?.status ?? null },
    };
  }
  return { ok: true, application };
}
