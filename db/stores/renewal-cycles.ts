import { eq, sql } from 'drizzle-orm';
import {
  type Actor,
  applyCycleCommand,
  type Category,
  type CycleCommand,
  type CycleEvent,
  type CycleReason,
  type RenewalCycle,
  type Transition,
} from '../../domain/index.ts';
import { auditEvents, contracts, renewalCycles } from '../schema.ts';
import type { Executor } from '../server/connection.ts';

export type CycleRow = typeof renewalCycles.$inferSelect;

// drizzle makes postgres.js hand timestamps over as text; raw `execute` rows need this.
export const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
export const toDateOrNull = (value: unknown): Date | null =>
  value === null || value === undefined ? null : toDate(value);

/** The domain's value of a stored cycle (the category is the contract's). */
export const toRenewalCycle = (row: CycleRow, category: Category): RenewalCycle => ({
  id: row.id,
  contractId: row.contractId,
  category,
  state: row.state,
  expiresAt: row.expiresAt,
  decisionDeadline: row.decisionDeadline,
  dataDeadline: row.dataDeadline,
  chosenPeriod: row.chosenPeriodMonths,
  decision: row.decision,
  decidedBy: row.decidedBy,
  decidedAt: row.decidedAt,
  renewalDataComplete: row.renewalDataComplete,
  noticedAt: row.noticedAt,
  version: row.version,
});

/** Reads a cycle with its contract's category, or null. */
export async function findCycle(ex: Executor, cycleId: string): Promise<RenewalCycle | null> {
  const [row] = await ex
    .select({ cycle: renewalCycles, category: contracts.category })
    .from(renewalCycles)
    .innerJoin(contracts, eq(contracts.id, renewalCycles.contractId))
    .where(eq(renewalCycles.id, cycleId));
  return row ? toRenewalCycle(row.cycle, row.category) : null;
}

/** One audit row per cycle event (who, what, before, after). */
export async function recordCycleEvent(ex: Executor, event: CycleEvent): Promise<void> {
  await ex.insert(auditEvents).values({
    at: event.at,
    actor: event.actor,
    action: `cycle.${event.type}`,
    contractId: event.contractId,
    cycleId: event.cycleId,
    before: event.before,
    after: event.after,
    detail: event.details ?? null,
  });
}

export async function recordAudit(
  ex: Executor,
  entry: {
    actor: Actor | string;
    action: string;
    at: Date;
    contractId?: string | null;
    cycleId?: string | null;
    before?: unknown;
    after?: unknown;
    detail?: unknown;
  },
): Promise<void> {
  const actor =
    typeof entry.actor === 'string'
      ? entry.actor
      : entry.actor.type === 'user'
        ? entry.actor.userId
        : `system:${entry.actor.job}`;
  await ex.insert(auditEvents).values({
    at: entry.at,
    actor,
    action: entry.action,
    contractId: entry.contractId ?? null,
    cycleId: entry.cycleId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    detail: entry.detail ?? null,
  });
}

export type CycleUpdate =
  | { readonly ok: true; readonly transition: Transition }
  | { readonly ok: false; readonly reason: CycleReason | 'cycle.not_found'; readonly params?: unknown };

const MAX_OPTIMISTIC_RETRIES = 5;

/**
 * Applies a domain command to a stored cycle with optimistic locking on `version`: on a concurrent
 * change it re-reads and re-applies (the domain's commands are idempotent), and records the event.
 */
export async function updateCycle(
  ex: Executor,
  cycleId: string,
  command: CycleCommand,
  now: Date,
): Promise<CycleUpdate> {
  for (let attempt = 0; attempt < MAX_OPTIMISTIC_RETRIES; attempt++) {
    const cycle = await findCycle(ex, cycleId);
    if (!cycle) return { ok: false, reason: 'cycle.not_found' };
    const result = applyCycleCommand(cycle, command, now);
    if (!result.ok) return { ok: false, reason: result.reason, params: result.params };
    if (!result.value.changed) return { ok: true, transition: result.value };
    if (await saveTransition(ex, cycle.version, result.value)) return { ok: true, transition: result.value };
  }
  throw new Error(`renewal cycle ${cycleId}: too many concurrent changes`);
}

/** Writes a transition if nobody changed the cycle since `seenVersion`; false when someone did. */
export async function saveTransition(
  ex: Executor,
  seenVersion: number,
  transition: Transition,
): Promise<boolean> {
  const c = transition.cycle;
  const updated = await ex
    .update(renewalCycles)
    .set({
      state: c.state,
      chosenPeriodMonths: c.chosenPeriod,
      decision: c.decision,
      decidedBy: c.decidedBy,
      decidedAt: c.decidedAt,
      renewalDataComplete: c.renewalDataComplete,
      noticedAt: c.noticedAt,
      version: sql`${renewalCycles.version} + 1`,
      updatedAt: new Date(),
    })
    .where(sql`${renewalCycles.id} = ${c.id} and ${renewalCycles.version} = ${seenVersion}`)
    .returning({ id: renewalCycles.id });
  if (updated.length === 0) return false;
  if (transition.event) await recordCycleEvent(ex, transition.event);
  return true;
}
