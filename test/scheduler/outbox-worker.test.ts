import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { connect, type Executor } from '../../db/server/connection.ts';
import { createLaneLeases } from '../../db/stores/outbox-lanes.ts';
import { createOutboxQueue, stillOurs } from '../../db/stores/outbox-queues.ts';
import type { Claim, OutboxHandler, Outcome } from '../../domain/ports/outbox.ts';
import { createOutboxWorker, type OutboxWorkerOptions } from '../../scheduler/outbox-worker.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { captureLogger } from './notice-fixtures.ts';
import { renewalPlanning } from './outbox-fixtures.ts';

const database = useTestDatabase();
const SECOND = 1_000;

beforeEach(async () => {
  await database.current.db.execute(sql`truncate service_groups, audit_events, outbox_lanes cascade`);
});

/** A handler that "posts" each notice into `posted` and records it sent, while still ours. */
const recordingHandler = (ex: Executor, posted: Map<string, number>, seen: Claim[] = []): OutboxHandler => {
  return async (claim) => {
    seen.push(claim);
    await new Promise((resolve) => setImmediate(resolve));
    posted.set(claim.id, (posted.get(claim.id) ?? 0) + 1);
    const rows = (await ex.execute(sql`
      update notices set status = 'sent', sent_at = now() where ${stillOurs(claim)} returning id
    `)) as unknown as unknown[];
    return { kind: 'done', recorded: rows.length > 0 };
  };
};

const worker = (ex: Executor, handle: OutboxHandler, extra: Partial<OutboxWorkerOptions> = {}) =>
  createOutboxWorker({
    queues: [{ queue: createOutboxQueue(ex, 'notices'), handle }],
    leases: createLaneLeases(ex),
    logger: captureLogger().logger,
    paceMs: () => 0,
    random: () => 0.5,
    ...extra,
  });

const statusCounts = async () => {
  const rows = (await database.current.db.execute(
    sql`select status, count(*)::int as n from notices where kind = 'byo_notice' group by status order by status`,
  )) as unknown as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
};

describe('the outbox engine', () => {
  it('R-NOTICE-4: three replicas on their own pools deliver 600 due notices in 40 lanes exactly once, and share the lanes', async () => {
    const { dueAt } = await renewalPlanning(database.current.db, { count: 600, channels: 40 });
    const posted = new Map<string, number>();
    const pools = [connect(database.current.url, { max: 4 }), connect(database.current.url, { max: 4 })];
    try {
      const workers = [database.current.db, ...pools.map((p) => p.db)].map((ex) =>
        worker(ex, recordingHandler(ex, posted), { lanesPerRound: 4, maxLanes: 8 }),
      );
      const summaries = await Promise.all(workers.map((w) => w.runUntilIdle(dueAt)));
      expect(summaries.reduce((n, s) => n + s.done, 0)).toBe(600);
      expect(summaries.every((s) => s.done > 0)).toBe(true);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
    expect(posted.size).toBe(600);
    expect([...posted.values()].every((n) => n === 1)).toBe(true);
    expect(await statusCounts()).toMatchObject({ sent: 600 });
  });

  it('a lane is paced: one write per pace, the next one only when the pace has passed; other lanes go on', async () => {
    const { dueAt } = await renewalPlanning(database.current.db, { count: 6, channels: 2 });
    const posted = new Map<string, number>();
    const w = worker(database.current.db, recordingHandler(database.current.db, posted), {
      paceMs: () => SECOND,
    });
    expect((await w.runUntilIdle(dueAt)).done).toBe(2); // one per lane
    expect((await w.runUntilIdle(new Date(dueAt.getTime() + SECOND / 2))).done).toBe(0);
    expect((await w.runUntilIdle(new Date(dueAt.getTime() + SECOND))).done).toBe(2);
    expect((await w.runUntilIdle(new Date(dueAt.getTime() + 2 * SECOND))).done).toBe(2);
    expect(posted.size).toBe(6);
  });

  it('a holder that died mid-attempt leaves its lane leased until the lease ends; then the item is taken over as uncertain', async () => {
    const { dueAt } = await renewalPlanning(database.current.db, { count: 1, channels: 1 });
    const ex = database.current.db;
    const leases = createLaneLeases(ex);
    const queue = createOutboxQueue(ex, 'notices');
    // The dead replica: it leased the lane and claimed the notice, then nothing.
    const [lane] = await queue.readyLanes(dueAt, 10, 'dead');
    expect(await leases.acquire([lane as string], 'dead', dueAt, 60 * SECOND, 1)).toEqual([lane]);
    const abandoned = await queue.claimNext(lane as string, 'dead', dueAt);
    expect(abandoned?.uncertainSince).toBeNull();

    const seen: Claim[] = [];
    const w = worker(ex, recordingHandler(ex, new Map(), seen));
    expect((await w.runUntilIdle(new Date(dueAt.getTime() + 30 * SECOND))).claimed).toBe(0);
    const after = await w.runUntilIdle(new Date(dueAt.getTime() + 61 * SECOND));
    expect(after.done).toBe(1);
    expect(seen[0]?.id).toBe(abandoned?.id);
    expect(seen[0]?.uncertainSince?.getTime()).toBe(dueAt.getTime());
    expect(seen[0]?.attempts).toBe(2);
    // The dead replica's late outcome changes nothing: its claim is not the item's any more.
    expect(await queue.settle(abandoned as Claim, { kind: 'failed', error: 'late' }, dueAt, null)).toBe(
      false,
    );
    expect(await statusCounts()).toMatchObject({ sent: 1 });
  });

  it('an uncertain retry keeps since when it may have landed; a certain one clears it; a count-free wait never fails', async () => {
    const { dueAt } = await renewalPlanning(database.current.db, { count: 1, channels: 1 });
    const ex = database.current.db;
    const outcomes: Outcome[] = [
      { kind: 'retry', error: 'request_timeout', uncertain: true },
      { kind: 'retry', error: 'lookup_failed', uncertain: true, countsAsAttempt: false },
      { kind: 'retry', error: 'ratelimited', uncertain: false, retryAfterMs: 30 * SECOND },
    ];
    const seen: Claim[] = [];
    const handle: OutboxHandler = async (claim) => {
      seen.push(claim);
      const next = outcomes.shift();
      if (next) return next;
      return recordingHandler(ex, new Map())(claim, { now: dueAt, signal: new AbortController().signal });
    };
    const w = worker(ex, handle, { maxAttempts: 2 });
    let now = dueAt;
    for (let round = 0; round < 6 && (await statusCounts()).sent !== 1; round++) {
      await w.runUntilIdle(now);
      now = new Date(now.getTime() + 20 * 60 * SECOND);
    }
    expect(await statusCounts()).toMatchObject({ sent: 1 });
    expect(seen.map((c) => c.uncertainSince?.getTime() ?? null)).toEqual([
      null,
      dueAt.getTime(),
      dueAt.getTime(),
      null,
    ]);
    // The look-up's wait did not count: three counted attempts although maxAttempts is 2.
    expect(seen.map((c) => c.attempts)).toEqual([1, 2, 2, 3]);
  });

  it('a retryable error that keeps failing is marked failed after maxAttempts, with the reason', async () => {
    const { dueAt } = await renewalPlanning(database.current.db, { count: 1, channels: 1 });
    const w = worker(
      database.current.db,
      async () => ({ kind: 'retry', error: 'internal_error', uncertain: false }),
      {
        maxAttempts: 3,
      },
    );
    let now = dueAt;
    for (let round = 0; round < 5; round++) {
      await w.runUntilIdle(now);
      now = new Date(now.getTime() + 60 * 60 * SECOND);
    }
    const [row] = (await database.current.db.execute(
      sql`select status, attempts, last_error from notices where kind = 'byo_notice'`,
    )) as unknown as { status: string; attempts: number; last_error: string }[];
    expect(row).toEqual({ status: 'failed', attempts: 3, last_error: 'internal_error (after 3 attempts)' });
  });

  it('a handler that throws leaves its outcome unknown (retried, looked up first); a database gone away is a warning, anything else an error', async () => {
    const { dueAt } = await renewalPlanning(database.current.db, { count: 2, channels: 2 });
    const closed = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), {
      code: 'CONNECTION_CLOSED',
    });
    const thrown = [closed, new TypeError('a bug')];
    const log = captureLogger();
    const w = worker(
      database.current.db,
      async () => {
        throw thrown.shift();
      },
      { logger: log.logger },
    );
    expect(await w.runUntilIdle(dueAt)).toMatchObject({ claimed: 2, retried: 2 });
    const rows = (await database.current.db.execute(
      sql`select uncertain_since is not null as uncertain from notices where kind = 'byo_notice'`,
    )) as unknown as { uncertain: boolean }[];
    expect(rows.map((r) => r.uncertain)).toEqual([true, true]);
    const about = log.lines.filter((l) => /outbox (attempt interrupted|handler threw)/.test(String(l.msg)));
    expect(about.map((l) => [l.level, l.msg])).toEqual(
      expect.arrayContaining([
        [40, 'outbox attempt interrupted: the database does not answer'],
        [50, 'outbox handler threw'],
      ]),
    );
    expect(about).toHaveLength(2);
    // The routine one says what happened, without a stack.
    expect(about.find((l) => l.level === 40)?.error).toEqual({
      message: 'write CONNECTION_CLOSED 127.0.0.1:5432',
      code: 'CONNECTION_CLOSED',
    });
  });

  it('only lanes that can be taken now are offered: with the oldest ready lanes held, the others still are', async () => {
    const { dueAt } = await renewalPlanning(database.current.db, { count: 12, channels: 12 });
    const queue = createOutboxQueue(database.current.db, 'notices');
    const leases = createLaneLeases(database.current.db);
    const first = await queue.readyLanes(dueAt, 8, 'replica-a');
    expect(first).toHaveLength(8);
    expect(await leases.acquire(first, 'replica-a', dueAt, 60 * SECOND, 8)).toHaveLength(8);
    const offered = await queue.readyLanes(dueAt, 8, 'replica-b');
    expect(offered).toHaveLength(4);
    expect(offered.filter((lane) => first.includes(lane))).toEqual([]);
    // To its own holder a leased lane is offered (its release failed while the database was away).
    expect(await queue.readyLanes(dueAt, 12, 'replica-a')).toHaveLength(12);
    // Its lease over (a replica killed), a held lane is offered to anyone again.
    expect(await queue.readyLanes(new Date(dueAt.getTime() + 61 * SECOND), 12, 'replica-b')).toHaveLength(12);
  });

  it('stop() lets the attempt in flight finish and releases every lane at once, keeping its pace', async () => {
    const { dueAt } = await renewalPlanning(database.current.db, { count: 3, channels: 1 });
    const ex = database.current.db;
    let release: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finish: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const posted = new Map<string, number>();
    const inner = recordingHandler(ex, posted);
    const w = worker(
      ex,
      async (claim, ctx) => {
        release();
        await gate;
        return inner(claim, ctx);
      },
      { clock: () => dueAt, paceMs: () => SECOND, pollMs: 20 },
    );
    w.start();
    await started;
    const stopping = w.stop(5_000);
    finish();
    await stopping;
    expect(posted.size).toBe(1);
    const lanes = (await ex.execute(
      sql`select holder, held_until, paced_until from outbox_lanes`,
    )) as unknown as {
      holder: string | null;
      paced_until: unknown;
    }[];
    expect(lanes).toHaveLength(1);
    expect(lanes[0]?.holder).toBeNull();
    expect(new Date(String(lanes[0]?.paced_until)).getTime()).toBe(dueAt.getTime() + SECOND);
    expect(await statusCounts()).toMatchObject({ sent: 1, pending: 2 });
  });
});
