import { sql } from 'drizzle-orm';
import type { Executor } from '../server/connection.ts';

export type ReleasedClaims = {
  /** Claimed but never started: back to 'pending', the claim's attempt not counted. */
  readonly pending: number;
  /** Started (a post in flight or of unknown outcome): lease ended now, recovered with findPosted. */
  readonly expired: number;
};

// A claim older than any lease: the next sweep of any dispatcher takes it as stale at once.
const LEASE_ENDED = '1970-01-01T00:00:00Z';

/**
 * Shutdown: gives back every notice `workerId` still holds, so that another process (or this one
 * after a restart) takes it at once instead of waiting for the lease.
 *
 * Only notices whose processing never began go straight back to 'pending'. Any other claim may have
 * reached Slack, so it stays 'sending' with its lease ended: the next claimer asks `findPosted`
 * before posting again, as for a process that died (no duplicate, no lease wait).
 */
export async function releaseClaims(
  ex: Executor,
  workerId: string,
  options: { notStarted: readonly string[]; now?: Date },
): Promise<ReleasedClaims> {
  const now = (options.now ?? new Date()).toISOString();
  const pending = (await ex.execute(sql`
    update notices
       set status = 'pending', claimed_by = null, claimed_at = null,
           attempts = greatest(attempts - 1, 0), updated_at = ${now}::timestamptz
     where status = 'sending' and claimed_by = ${workerId}
       and id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(options.notStarted)}::jsonb))
    returning id
  `)) as unknown as unknown[];
  const expired = (await ex.execute(sql`
    update notices
       set claimed_at = ${LEASE_ENDED}::timestamptz, updated_at = ${now}::timestamptz
     where status = 'sending' and claimed_by = ${workerId}
    returning id
  `)) as unknown as unknown[];
  return { pending: pending.length, expired: expired.length };
}

/**
 * Unlocks the Agenda jobs locked by the Agenda instance named `agendaName` (Kigen names it after the
 * worker), so another replica runs them at once. Agenda 6.2's `stop()` unlocks only jobs it had not
 * started; a job still running at shutdown would stay locked for its whole lock lifetime.
 */
export async function unlockAgendaJobs(ex: Executor, agendaName: string): Promise<number> {
  const rows = (await ex.execute(sql`
    update agenda_jobs set locked_at = null
     where last_modified_by = ${agendaName} and locked_at is not null
    returning id
  `)) as unknown as unknown[];
  return rows.length;
}
