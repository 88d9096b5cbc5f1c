import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';

type Log = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** A recurring job: it says *when*; what it does is a use-case. */
export type RecurringJob = {
  readonly name: string;
  /** Agenda interval ('10 minutes') or milliseconds. */
  readonly every: string | number;
  readonly run: (now: Date) => Promise<void>;
  /** Longer than the job's worst run, so Agenda never runs it twice at once; short, so a killed run is taken again soon. */
  readonly lockLifetimeMs?: number;
};

export type Scheduler = {
  readonly running: boolean;
  /** Graceful: no new runs; running jobs get `timeoutMs` to finish. */
  stop(timeoutMs?: number): Promise<void>;
};

const DEFAULT_LOCK_LIFETIME_MS = 2 * 60_000;

type ErrorEmitter = { on(event: 'error', listener: (error: Error) => void): unknown };
type PgPool = ErrorEmitter & { on(event: 'connect', listener: (client: ErrorEmitter) => void): unknown };

/**
 * The backend's `pg` pool (created with the backend, reached through its repository's getPool()):
 * a connection that PostgreSQL ends (a restart, 57P01) is an 'error' on the pool when idle, and on the
 * client while checked out (pg-pool listens only to idle ones). With no listener either one ends the
 * process. The queries on it fail and Agenda retries at its next round; one line says so.
 */
function listenForPoolErrors(backend: PostgresBackend, logger: Log): void {
  const pool = (backend.repository as unknown as { getPool?: () => PgPool | undefined }).getPool?.();
  if (!pool) throw new Error('@agendajs/postgres-backend: no pg pool to listen to (getPool)');
  // Never the error object itself: pg's errors can carry the client and its connection parameters.
  const lost = (error: Error) =>
    logger.warn(
      { code: (error as { code?: unknown }).code, reason: error.message },
      'scheduler: database connection lost',
    );
  // Each client has the line; the pool re-emits an idle client's error, which would be a second one.
  pool.on('connect', (client) => client.on('error', lost));
  pool.on('error', () => undefined);
}

/**
 * Agenda runs Kigen's recurring jobs, one replica per run (`every` jobs are one row per name: safe to
 * declare on every replica). Exactly-once work lives in our own tables (the outbox), never in Agenda's
 * locks: a job only has to be idempotent.
 */
export async function startScheduler(options: {
  /** Agenda's backend keeps its own small `pg` pool and table on this database. */
  readonly databaseUrl: string;
  readonly name: string;
  readonly jobs: readonly RecurringJob[];
  readonly logger: Log;
  readonly clock?: () => Date;
  readonly processEvery?: string | number;
}): Promise<Scheduler> {
  const { logger } = options;
  const clock = options.clock ?? (() => new Date());
  const backend = new PostgresBackend({ connectionString: options.databaseUrl, disableNotifications: true });
  listenForPoolErrors(backend, logger);
  const agenda = new Agenda({
    backend,
    name: options.name,
    processEvery: options.processEvery ?? '5 seconds',
    defaultLockLifetime: DEFAULT_LOCK_LIFETIME_MS,
  });
  agenda.on('error', (error) => logger.error({ err: error }, 'scheduler error'));
  agenda.on('fail', (error: unknown, job: { attrs?: { name?: string } }) =>
    logger.error({ err: error, job: job?.attrs?.name }, 'scheduler job failed'),
  );
  for (const job of options.jobs) {
    agenda.define(job.name, () => job.run(clock()), {
      concurrency: 1,
      lockLifetime: job.lockLifetimeMs ?? DEFAULT_LOCK_LIFETIME_MS,
    });
  }
  await agenda.start();
  for (const job of options.jobs) await agenda.every(job.every, job.name);
  const state = { running: true };
  logger.info({ jobs: options.jobs.map((j) => j.name) }, 'scheduler started');
  return {
    get running() {
      return state.running;
    },
    async stop(timeoutMs = 25_000) {
      // drain, not stop: stop() unlocks running jobs, so another replica would run them at once again.
      const drained = await agenda.drain(timeoutMs);
      if (drained.timedOut)
        logger.warn({ running: drained.running }, 'scheduler: jobs still running at shutdown');
      state.running = false;
    },
  };
}
