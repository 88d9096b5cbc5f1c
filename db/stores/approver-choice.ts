import { and, eq } from 'drizzle-orm';
import { applications, auditEvents } from '../schema.ts';
import type { Database } from '../server/connection.ts';

export type ApproverChoiceRecord = {
  readonly applicationId: string;
  readonly contractId: string;
  readonly cycleId: string;
  readonly address: string;
  readonly actor: string;
  readonly at: Date;
};

/**
 * R-DCV-GLOBALSIGN: stores the approver address chosen for a renewal application, with its audit
 * event, in one transaction. Choosing the address already stored changes nothing (a double click).
 */
export async function recordApproverChoice(
  db: Database,
  choice: ApproverChoiceRecord,
): Promise<{ readonly changed: boolean; readonly before: string | null }> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ approverAddress: applications.approverAddress })
      .from(applications)
      .where(and(eq(applications.id, choice.applicationId), eq(applications.cycleId, choice.cycleId)))
      .for('update');
    if (current === undefined) return { changed: false, before: null };
    if (current.approverAddress === choice.address)
      return { changed: false, before: current.approverAddress };
    await tx
      .update(applications)
      .set({ approverAddress: choice.address })
      .where(eq(applications.id, choice.applicationId));
    await tx.insert(auditEvents).values({
      at: choice.at,
      actor: choice.actor,
      action: 'dcv.approver_chosen',
      contractId: choice.contractId,
      cycleId: choice.cycleId,
      before: { approverAddress: current.approverAddress },
      after: { approverAddress: choice.address },
      detail: { applicationId: choice.applicationId },
    });
    return { changed: true, before: current.approverAddress };
  });
}
