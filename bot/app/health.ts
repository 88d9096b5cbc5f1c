import { sql } from 'drizzle-orm';
import { lastJobFinishedAt } from '../../db/queries/operational-counts.ts';
import type { Database } from '../../db/server/connection.ts';
import { DISPATCH_JOB, type SchedulerHealth } from '../../scheduler/jobs/agenda.ts';
import { withTimeout } from './metrics.ts';

export type HealthReport = {
  readonly status: 'ok' | 'unavailable';
  readonly database: 'ok' | 'down';
  /** Absent where this process runs no scheduler. */
  readonly scheduler?: 'ok' | 'stopped' | 'stalled';
};

export type HealthCheckOptions = {
  readonly db: Database;
  /** This process's scheduler, once started (undefined while starting: reported 'stopped'). */
  readonly scheduler?: () => { health(): SchedulerHealth } | undefined;
  /** `select 1` must answer within this. */
  readonly timeoutMs?: number;
  /** The dispatch sweep (every 10 s) counts as stalled when none finished for this long. */
  readonly staleAfterMs?: number;
  /** A sweep running for longer than this counts as stuck (Agenda's lock lifetime). */
  readonly sweepMaxMs?: number;
  readonly now?: () => Date;
};

export const DEFAULT_STALE_AFTER_MS = 2 * 60_000;
const SWEEP_MAX_MS = 10 * 60_000;

/**
 * `/healthz`: the database answers `select 1` quickly, and the notice dispatch is alive: Agenda runs
 * here and a sweep finished recently, here or on another replica (Agenda runs each recurring job on
 * one replica only, so a healthy replica may not have swept itself).
 */
export function createHealthCheck(options: HealthCheckOptions): () => Promise<HealthReport> {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 1_000;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const sweepMaxMs = options.sweepMaxMs ?? SWEEP_MAX_MS;

  const databaseAnswers = async (): Promise<boolean> => {
    try {
      await withTimeout(db.execute(sql`select 1`), timeoutMs);
      return true;
    } catch {
      return false;
    }
  };

  const schedulerState = async (databaseOk: boolean): Promise<'ok' | 'stopped' | 'stalled'> => {
    const health = options.scheduler?.()?.health();
    if (!health?.running) return 'stopped';
    const at = now().getTime();
    if (health.sweepStartedAt && at - health.sweepStartedAt.getTime() < sweepMaxMs) return 'ok';
    const last = Math.max(health.lastSweepAt?.getTime() ?? 0, health.startedAt.getTime());
    if (at - last < staleAfterMs) return 'ok';
    if (!databaseOk) return 'stalled';
    try {
      const elsewhere = await withTimeout(lastJobFinishedAt(db, DISPATCH_JOB), timeoutMs);
      return elsewhere && at - elsewhere.getTime() < staleAfterMs ? 'ok' : 'stalled';
    } catch {
      return 'stalled';
    }
  };

  return async () => {
    const database = (await databaseAnswers()) ? 'ok' : 'down';
    if (!options.scheduler) {
      return { status: database === 'ok' ? 'ok' : 'unavailable', database };
    }
    const scheduler = await schedulerState(database === 'ok');
    return { status: database === 'ok' && scheduler === 'ok' ? 'ok' : 'unavailable', database, scheduler };
  };
}
