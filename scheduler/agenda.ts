import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.ts';
import { contractsMissingPlan, planRenewals } from '../db/renewal-planning.ts';
import type { Locale, NoticeSettings } from '../domain/index.ts';
import { createNoticeDispatcher, type DispatchMode, type NoticeDispatcher } from './dispatch-notices.ts';
import type { NoticeDelivery } from './notice-delivery.ts';

export const DISPATCH_JOB = 'kigen:dispatch-notices';
export const RECONCILE_JOB = 'kigen:reconcile';

export type SchedulerOptions = {
  /** The same PostgreSQL as `db`: Agenda's backend keeps its own small `pg` pool and table. */
  readonly databaseUrl: string;
  readonly db: Database;
  readonly delivery: NoticeDelivery;
  readonly mode: DispatchMode;
  readonly logger: Logger;
  readonly masterKey: string | undefined;
  readonly defaultLocale: Locale;
  readonly noticeSettings: NoticeSettings;
  readonly dispatchEvery?: string | number;
  readonly reconcileEvery?: string | number;
  /** How often Agenda looks for due jobs. */
  readonly processEvery?: string | number;
  readonly clock?: () => Date;
};

export type Scheduler = {
  readonly dispatcher: NoticeDispatcher;
  /** Re-plans contracts whose cycle is missing and recovers stale claims. */
  reconcile(now: Date): Promise<void>;
  /** Graceful: waits up to `timeoutMs` for running jobs (drain), then closes Agenda's pool. */
  stop(timeoutMs?: number): Promise<void>;
};

/**
 * Agenda runs the recurring jobs; it only says *when*. Whether a notice is delivered, and that it is
 * delivered once, is decided by the dispatcher's claim in our own tables (Agenda's locks are not
 * exactly-once: see docs/engineering-notes-additions.md).
 */
export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { db, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const dispatcher = createNoticeDispatcher({
    db,
    delivery: options.delivery,
    logger,
    mode: options.mode,
    masterKey: options.masterKey,
    defaultLocale: options.defaultLocale,
  });

  const reconcile = async (now: Date): Promise<void> => {
    if (options.mode === 'deliver') {
      const missing = await contractsMissingPlan(db);
      if (missing.length > 0) {
        const planned = await db.transaction((tx) =>
          planRenewals(tx, missing, { settings: options.noticeSettings, now, actor: 'system:reconcile' }),
        );
        logger.info({ ...planned }, `reconcile: planned ${missing.length} contract(s) that had no cycle`);
      }
      await dispatcher.recoverStale(now);
    }
  };

  // Planning at start-up catches what was missed while the bot was down; dry-run writes nothing.
  await reconcile(clock());

  const agenda = new Agenda({
    backend: new PostgresBackend({ connectionString: options.databaseUrl, disableNotifications: true }),
    name: dispatcher.workerId,
    processEvery: options.processEvery ?? '5 seconds',
    // Above the worst sweep (lease 2 min), so Agenda never runs a live sweep twice.
    defaultLockLifetime: 10 * 60_000,
  });
  agenda.on('error', (error) => logger.error({ err: error }, 'scheduler error'));
  agenda.on('fail', (error: unknown, job: { attrs?: { name?: string } }) =>
    logger.error({ err: error, job: job?.attrs?.name }, 'scheduler job failed'),
  );
  agenda.define(
    DISPATCH_JOB,
    async () => {
      const summary = await dispatcher.dispatchDue(clock());
      if (summary.claimed + summary.printed > 0) logger.info({ ...summary }, 'notices dispatched');
    },
    { concurrency: 1 },
  );
  agenda.define(RECONCILE_JOB, async () => reconcile(clock()), { concurrency: 1 });
  await agenda.start();
  // `every` jobs are one row per name: safe to declare on every replica.
  await agenda.every(options.dispatchEvery ?? '10 seconds', DISPATCH_JOB);
  await agenda.every(options.reconcileEvery ?? '10 minutes', RECONCILE_JOB);
  logger.info({ mode: options.mode, worker: dispatcher.workerId }, 'scheduler started');

  return {
    dispatcher,
    reconcile,
    async stop(timeoutMs = 25_000) {
      const result = await agenda.drain(timeoutMs);
      if (result.timedOut) logger.warn({ ...result }, 'scheduler: jobs still running at shutdown');
    },
  };
}
