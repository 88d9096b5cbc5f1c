import { sql } from 'drizzle-orm';
import type { Database } from '../../db/server/connection.ts';
import type { OutboxHealth } from '../../scheduler/outbox-worker.ts';
import { withTimeout } from './metrics.ts';

export type HealthReport = {
  readonly status: 'ok' | 'unavailable';
  readonly database: 'ok' | 'down';
  /** This process's outbox worker; absent where it runs none. */
  readonly scheduler?: 'ok' | 'stopped' | 'stalled';
};

export type HealthCheckOptions = {
  readonly db: Database;
  /** This process's outbox worker, once started (undefined while starting: reported 'stopped'). */
  readonly scheduler?: () => { health(): OutboxHealth } | undefined;
  /** `select 1` must answer within this. */
  readonly timeoutMs?: number;
  /** The worker looks for work every half second: no look for this long means its loop is stuck. */
  readonly staleAfterMs?: number;
  readonly now?: () => Date;
};

export const DEFAULT_STALE_AFTER_MS = 2 * 60_000;

/**
 * `/healthz`: this replica can serve. The database answers `select 1` quickly, and this process's
 * outbox worker runs and keeps looking for work (a worker whose loop stopped, or an event loop blocked
 * for minutes, is 'stalled'). What other replicas do never makes this one unhealthy: every replica
 * works lanes of its own.
 */
export function createHealthCheck(options: HealthCheckOptions): () => Promise<HealthReport> {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 1_000;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;

  const databaseAnswers = async (): Promise<boolean> => {
    try {
      await withTimeout(db.execute(sql`select 1`), timeoutMs);
      return true;
    } catch {
      return false;
    }
  };

  const schedulerState = (databaseOk: boolean): 'ok' | 'stopped' | 'stalled' => {
    const health = options.scheduler?.()?.health();
    if (!health?.running) return 'stopped';
    // While the database is away the worker backs off: that is the database's failure, not its own.
    if (!databaseOk || health.storeFailing) return 'ok';
    const last = health.lastPollAt?.getTime() ?? health.startedAt.getTime();
    return now().getTime() - last < staleAfterMs ? 'ok' : 'stalled';
  };

  return async () => {
    const database = (await databaseAnswers()) ? 'ok' : 'down';
    if (!options.scheduler) {
      return { status: database === 'ok' ? 'ok' : 'unavailable', database };
    }
    const scheduler = schedulerState(database === 'ok');
    return { status: database === 'ok' && scheduler === 'ok' ? 'ok' : 'unavailable', database, scheduler };
  };
}
