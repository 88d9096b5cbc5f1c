import type { DecisionContext, Refused } from '../ports/decisions.ts';
import type { RenewalCycle } from '../rules/renewal-cycle.ts';
import { type DecisionInput, type DecisionPorts, loadDecision, moveLockedCycle } from './decision-steps.ts';

export type UndoOptOutResult =
  /** `changed: false`: someone undid it a moment earlier: the same outcome, nothing written. */
  | {
      readonly ok: true;
      readonly cycle: RenewalCycle;
      readonly changed: boolean;
      readonly contract: DecisionContext['contract'];
    }
  | Refused;

/**
 * R-AUTO-1: a group admin undoes an opt-out until the decision deadline; the cycle is open again (its
 * notice gets its buttons back). In one transaction: the cycle, its audit event, the hand-over of the
 * undo, and the notice re-rendered with a thread reply.
 */
export async function undoOptOut(ports: DecisionPorts, input: DecisionInput): Promise<UndoOptOutResult> {
  const { now, userId } = input;
  const loaded = await loadDecision(ports.store, 'undoOptOut', input);
  if (!loaded.ok) return loaded;
  const { context, actor } = loaded;

  return ports.store.transaction(async (tx): Promise<UndoOptOutResult> => {
    const step = await moveLockedCycle(
      tx,
      { action: 'undoOptOut', input, context },
      { type: 'undoOptOut', actor },
    );
    if (!step.ok) return step;
    const { before: cycle, moved } = step;
    if (!moved.changed) return { ok: true, cycle, changed: false, contract: context.contract };
    await tx.cycles.save(cycle.version, moved);
    await tx.handover.enqueue({
      kind: 'opt_out_undone',
      contractId: cycle.contractId,
      cycleId: cycle.id,
      applicationId: null,
      actor: userId,
      occurredAt: now,
    });
    await tx.messages.enqueue({
      kind: 'notice_refresh',
      cycleId: cycle.id,
      reply: { kind: 'opt_out_undone', by: userId, at: now.toISOString() },
    });
    return { ok: true, cycle: moved.cycle, changed: true, contract: context.contract };
  });
}
