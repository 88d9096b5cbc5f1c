import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';
import postgres from 'postgres';

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
// Any constant will do; the same for every Kigen process (next to the migrations' "kigen").
const SCHEMA_LOCK = 0x6b6967656e + 1;

/**
 * Agenda's backend creates its table, indexes and trigger on connect, without a lock: replicas starting
 * together on a new database race on that DDL (a unique violation, and the losing process dies of an
 * unhandled rejection thrown from Agenda's constructor). One advisory lock serialises it, as for the
 * migrations; the backend Agenda runs on then creates nothing.
 */
async function ensureAgendaSchema(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql`select pg_advisory_lock(${SCHEMA_LOCK})`;
    const backend = new PostgresBackend({ connectionString: databaseUrl, disableNotifications: true });
    try {
      await backend.connect();
    } finally {
      await backend.disconnect();
    }
    await sql`select pg_advisory_unlock(${SCHEMA_LOCK})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
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
  await ensureAgendaSchema(options.databaseUrl);
  const agenda = new Agenda({
    backend: new PostgresBackend({
      connectionString: options.databaseUrl,
      disableNotifications: true,
      ensureSchema: false,
    }),
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
