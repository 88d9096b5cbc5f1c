import type { DecisionContext, Refused } from '../ports/decisions.ts';
import type { RenewalCycle } from '../rules/renewal-cycle.ts';
import { type DecisionInput, type DecisionPorts, loadDecision, moveLockedCycle } from './decision-steps.ts';

export type OptOutResult =
  | { readonly ok: true; readonly cycle: RenewalCycle; readonly contract: DecisionContext['contract'] }
  | Refused;

/**
 * R-AUTO-1: a group admin opts out before the decision deadline (R-AUTO-5); the contract then ends
 * with its term. A repeat (a double click, Slack's retry, a second admin) is told who decided and
 * when, and writes nothing. In one transaction: the cycle, its audit event, the hand-over to the back
 * office, and the notice re-rendered (Undo button) with a thread reply saying what follows.
 */
export async function optOut(ports: DecisionPorts, input: DecisionInput): Promise<OptOutResult> {
  const { now, userId } = input;
  const loaded = await loadDecision(ports.store, 'optOut', input);
  if (!loaded.ok) return loaded;
  const { context, actor } = loaded;

  return ports.store.transaction(async (tx): Promise<OptOutResult> => {
    const step = await moveLockedCycle(tx, { action: 'optOut', input, context }, { type: 'optOut', actor });
    if (!step.ok) return step;
    const { before: cycle, moved } = step;
    if (!moved.changed) return { ok: false, reason: 'cycle.already_decided', cycle };
    await tx.cycles.save(cycle.version, moved);
    const after = moved.cycle;
    await tx.handover.enqueue({
      kind: 'opt_out',
      contractId: cycle.contractId,
      cycleId: cycle.id,
      applicationId: null,
      actor: userId,
      occurredAt: now,
    });
    await tx.messages.enqueue({
      kind: 'notice_refresh',
      cycleId: cycle.id,
      reply: {
        kind: 'opted_out',
        by: userId,
        at: now.toISOString(),
        expiry: after.expiresAt.toISOString(),
        deadline: (after.decisionDeadline ?? after.expiresAt).toISOString(),
      },
    });
    return { ok: true, cycle: after, contract: context.contract };
  });
}
