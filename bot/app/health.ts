import { sql } from 'drizzle-orm';
import type { Database } from '../../db/server/connection.ts';
import type { OutboxHealth } from '../../scheduler/outbox-worker.ts';
import { withTimeout } from './metrics.ts';

export type HealthReport = {
  /** 'degraded': serving (200), but a named check says what does not work; 'unavailable': 503. */
  readonly status: 'ok' | 'degraded' | 'unavailable';
  readonly database: 'ok' | 'down';
  /** This process's outbox worker; absent where it runs none. */
  readonly scheduler?: 'ok' | 'stopped' | 'stalled';
  /** Socket Mode only: the WebSocket to Slack (not connected: unavailable, nothing reaches this replica). */
  readonly slack?: 'ok' | 'connecting' | 'disconnected';
  /** Only when missing while proxy contracts exist: their auto-renewal cannot generate keys (degraded). */
  readonly masterKey?: 'missing';
  /** What the slack and masterKey checks that are not ok mean, one sentence each. */
  readonly reasons?: readonly string[];
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
  /** Socket Mode: the connection's state (bot/app/slack-app.ts); null before the Slack app exists. */
  readonly slack?: () => 'ok' | 'connecting' | 'disconnected' | null;
  /** Slack mode without KIGEN_MASTER_KEY: the active proxy contracts are counted and reported. */
  readonly masterKeyMissing?: boolean;
};

/** Active proxy contracts: the ones whose auto-renewal needs a provider key, hence the master key. */
export async function countProxyContracts(db: Database): Promise<number> {
  const rows = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from contracts where category = 'proxy' and status = 'active'`,
  );
  return Number(rows[0]?.n ?? 0);
}

export const masterKeyMissingReason = (proxyContracts: number): string =>
  `masterKey: missing, ${proxyContracts} proxy contract(s) cannot be auto-renewed (set KIGEN_MASTER_KEY)`;

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

  const proxyContracts = async (): Promise<number | null> => {
    try {
      return await withTimeout(countProxyContracts(db), timeoutMs);
    } catch {
      return null; // the database check says why
    }
  };

  return async () => {
    const database = (await databaseAnswers()) ? 'ok' : 'down';
    const reasons: string[] = [];
    const report: { -readonly [K in keyof HealthReport]: HealthReport[K] } = { status: 'ok', database };
    let unavailable = database !== 'ok';
    let degraded = false;
    if (options.scheduler) {
      report.scheduler = schedulerState(database === 'ok');
      if (report.scheduler !== 'ok') unavailable = true;
    }
    if (options.slack) {
      const slack = options.slack() ?? 'connecting';
      report.slack = slack;
      if (slack !== 'ok') {
        unavailable = true;
        reasons.push(
          `slack: Socket Mode ${slack === 'connecting' ? 'not connected yet (connecting)' : 'disconnected'}`,
        );
      }
    }
    if (options.masterKeyMissing && database === 'ok') {
      const count = await proxyContracts();
      if (count !== null && count > 0) {
        report.masterKey = 'missing';
        degraded = true;
        reasons.push(masterKeyMissingReason(count));
      }
    }
    report.status = unavailable ? 'unavailable' : degraded ? 'degraded' : 'ok';
    if (reasons.length > 0) report.reasons = reasons;
    return report;
  };
}
