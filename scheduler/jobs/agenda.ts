import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';
import pg from 'pg';
import { briefError, databaseAway } from '../database-away.ts';

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

/** pg_advisory_lock key of Agenda's schema creation ('kigen' + 'agenda' in ASCII, folded to 32 bits). */
const SCHEMA_LOCK_KEY = 0x6b676164;

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
  // Our own pool, so that it has error listeners: a connection the server ends (a PostgreSQL restart,
  // 57P01) is an 'error' event on its client, which pg-pool re-emits on the pool while the client is
  // idle and not at all while it is checked out; with no listener either one ends the process. Each
  // client gets one (one line per lost connection), the pool a silent one for the re-emitted error.
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 3 });
  // Never the error object itself: pg's errors can carry the client and its connection parameters.
  const lost = (error: Error) =>
    logger.warn({ error: briefError(error) }, 'scheduler: database connection lost; it reconnects by itself');
  pool.on('connect', (client) => client.on('error', lost));
  pool.on('error', () => undefined);
  try {
    await ensureAgendaSchema(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const agenda = new Agenda({
    // The backend connects in Agenda's constructor; the schema is there already (ensureAgendaSchema).
    backend: new PostgresBackend({ pool, disableNotifications: true, ensureSchema: false }),
    name: options.name,
    processEvery: options.processEvery ?? '5 seconds',
    defaultLockLifetime: DEFAULT_LOCK_LIFETIME_MS,
  });
  const state = { running: true, stopping: false };
  // While PostgreSQL is away Agenda's polls fail until it is back: a warning, as for the outbox. After
  // the drain at a stop, a poll already scheduled may still meet the ended pool: nothing to say.
  agenda.on('error', (error) => {
    if (state.stopping && databaseAway(error)) return;
    if (databaseAway(error))
      logger.warn({ error: briefError(error) }, 'scheduler: the database does not answer; polling again');
    else logger.error({ err: error }, 'scheduler error');
  });
  agenda.on('fail', (error: unknown, job: { attrs?: { name?: string } }) => {
    const name = job?.attrs?.name;
    if (databaseAway(error))
      logger.warn(
        { error: briefError(error), job: name },
        'scheduler job stopped: the database does not answer',
      );
    else logger.error({ err: error, job: name }, 'scheduler job failed');
  });
  for (const job of options.jobs) {
    agenda.define(job.name, () => job.run(clock()), {
      concurrency: 1,
      lockLifetime: job.lockLifetimeMs ?? DEFAULT_LOCK_LIFETIME_MS,
    });
  }
  try {
    await agenda.start();
    for (const job of options.jobs) await agenda.every(job.every, job.name);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  logger.info({ jobs: options.jobs.map((j) => j.name) }, 'scheduler started');
  return {
    get running() {
      return state.running;
    },
    async stop(timeoutMs = 25_000) {
      state.stopping = true;
      // drain, not stop: stop() unlocks running jobs, so another replica would run them at once again.
      const drained = await agenda.drain(timeoutMs);
      if (drained.timedOut)
        logger.warn({ running: drained.running }, 'scheduler: jobs still running at shutdown');
      state.running = false;
      // The backend does not end a pool it was given.
      await pool.end().catch(() => undefined);
    },
  };
}

/**
 * Agenda's backend creates its table, indexes and trigger when it connects (in Agenda's constructor),
 * without a lock: replicas started together on an empty database collide on duplicate `pg_type` rows,
 * an unhandled rejection that ends the process. Created here first, one replica at a time, under a
 * session advisory lock; the backend Agenda runs on then creates nothing.
 */
async function ensureAgendaSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
    try {
      const backend = new PostgresBackend({ pool, disableNotifications: true });
      await backend.connect();
      await backend.disconnect();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
