import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';
import type { Logger } from 'pino';
import type { Database } from '../../db/server/connection.ts';
import { releaseClaims, unlockAgendaJobs } from '../../db/stores/claim-release.ts';
import { setHandoverChannels } from '../../db/stores/handover-outbox.ts';
import { contractsMissingPlan, planRenewals } from '../../db/stores/renewal-planning.ts';
import type { Locale, NoticeSettings } from '../../domain/index.ts';
import type { NoticeDelivery } from '../../domain/ports/notices.ts';
import { createNoticeDispatcher, type DispatchMode, type NoticeDispatcher } from '../dispatch-notices.ts';
import type { HandoverDispatcher } from '../handover-dispatch.ts';

export const DISPATCH_JOB = 'kigen:dispatch-notices';
export const RECONCILE_JOB = 'kigen:reconcile';
export const HANDOVER_JOB = 'kigen:handover';
const RECONCILE_PAGE = 5_000;

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
  /** Hand-over of applications and opt-outs to the back office (issue 7); none when not configured. */
  readonly handover?: HandoverDispatcher | undefined;
  readonly handoverEvery?: string | number;
};

/** What `/healthz` needs to know about this process's scheduler. */
export type SchedulerHealth = {
  /** Agenda polls for jobs (false before start and after stop). */
  readonly running: boolean;
  readonly startedAt: Date;
  /** End of this process's last dispatch sweep (another replica may have run the later ones). */
  readonly lastSweepAt: Date | null;
  /** Start of the dispatch sweep running now in this process, if any. */
  readonly sweepStartedAt: Date | null;
};

export type Scheduler = {
  readonly dispatcher: NoticeDispatcher;
  health(): SchedulerHealth;
  /** Re-plans contracts whose cycle is missing and recovers stale claims. */
  reconcile(now: Date): Promise<void>;
  /**
   * Graceful: no new claims; waits up to `timeoutMs` for running jobs, then stops Agenda, unlocks the
   * jobs still running here (for another replica) and releases this worker's notice claims.
   */
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
      // Page by page, one transaction each: a database loaded in bulk may lack a million plans,
      // and one transaction over all of them would hold all of them in memory.
      for (let page = 0; page < 1_000; page++) {
        const missing = await contractsMissingPlan(db, RECONCILE_PAGE);
        if (missing.length === 0) break;
        const planned = await db.transaction((tx) =>
          planRenewals(tx, missing, { settings: options.noticeSettings, now, actor: 'system:reconcile' }),
        );
        logger.info({ ...planned }, `reconcile: planned ${missing.length} contract(s) that had no cycle`);
        // A page that planned no cycle would come back unchanged: stop rather than spin.
        if (missing.length < RECONCILE_PAGE || planned.cyclesCreated === 0) break;
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
  const state = {
    running: false,
    startedAt: new Date(),
    lastSweepAt: null as Date | null,
    sweepStartedAt: null as Date | null,
  };
  // Jobs running in this process, awaited (up to the timeout) at shutdown.
  const runningJobs = new Set<Promise<void>>();
  const tracked = (work: () => Promise<void>) => async () => {
    const job = work();
    runningJobs.add(job);
    try {
      await job;
    } finally {
      runningJobs.delete(job);
    }
  };
  agenda.define(
    DISPATCH_JOB,
    tracked(async () => {
      state.sweepStartedAt = new Date();
      try {
        const summary = await dispatcher.dispatchDue(clock());
        if (summary.claimed + summary.printed > 0) logger.info({ ...summary }, 'notices dispatched');
        state.lastSweepAt = new Date();
      } finally {
        state.sweepStartedAt = null;
      }
    }),
    { concurrency: 1 },
  );
  agenda.define(
    RECONCILE_JOB,
    tracked(async () => reconcile(clock())),
    { concurrency: 1 },
  );
  const handover = options.handover;
  if (handover || options.mode === 'deliver') {
    // The triggers create deliveries for the channels enabled here (the last replica to start wins).
    const channels = handover?.channels ?? [];
    await setHandoverChannels(db, {
      ops_channel: channels.includes('ops_channel'),
      webhook: channels.includes('webhook'),
    });
  }
  if (handover) {
    agenda.define(
      HANDOVER_JOB,
      tracked(async () => {
        const summary = await handover.dispatchDue(clock);
        if (summary.claimed > 0) logger.info({ ...summary }, 'hand-over dispatched');
      }),
      { concurrency: 1 },
    );
  }
  await agenda.start();
  state.running = true;
  // `every` jobs are one row per name: safe to declare on every replica.
  await agenda.every(options.dispatchEvery ?? '10 seconds', DISPATCH_JOB);
  await agenda.every(options.reconcileEvery ?? '10 minutes', RECONCILE_JOB);
  if (handover) await agenda.every(options.handoverEvery ?? '15 seconds', HANDOVER_JOB);
  logger.info({ mode: options.mode, worker: dispatcher.workerId }, 'scheduler started');

  return {
    dispatcher,
    reconcile,
    health: () => ({ ...state }),
    async stop(timeoutMs = 25_000) {
      dispatcher.halt();
      // Webhook requests in flight are cut short and their claims given back at once.
      options.handover?.abort();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled([...runningJobs]).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) logger.warn({ running: runningJobs.size }, 'scheduler: jobs still running at shutdown');
      await agenda.stop();
      state.running = false;
      // A job still running keeps its lock through stop(): free it for the other replicas.
      if (timedOut) await unlockAgendaJobs(db, dispatcher.workerId);
      if (options.mode === 'deliver') {
        const released = await releaseClaims(db, dispatcher.workerId, {
          notStarted: dispatcher.claimsNotStarted(),
        });
        if (released.pending + released.expired > 0) {
          logger.info({ ...released }, 'scheduler: released the notices this process still held');
        }
      }
    },
  };
}
