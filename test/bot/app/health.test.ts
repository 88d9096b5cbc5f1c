import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/app/config.ts';
import { createHealthCheck, DEFAULT_STALE_AFTER_MS } from '../../../bot/app/health.ts';
import { type ObservabilityServer, startObservabilityServer } from '../../../bot/app/http-server.ts';
import { createMetrics } from '../../../bot/app/metrics.ts';
import { connect, type Executor } from '../../../db/server/connection.ts';
import { createLaneLeases } from '../../../db/stores/outbox-lanes.ts';
import { createOutboxQueue } from '../../../db/stores/outbox-queues.ts';
import {
  createOutboxWorker,
  type OutboxHealth,
  type OutboxWorker,
} from '../../../scheduler/outbox-worker.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const database = useTestDatabase();
const logger = pino({ level: 'silent' });
const NOW = new Date('2026-12-01T00:00:00Z');
const MINUTE = 60_000;

/** What a worker's health() would say, for the states a real worker only reaches after minutes. */
const reported = (health: Partial<OutboxHealth>) => () => ({
  health: (): OutboxHealth => ({
    running: true,
    startedAt: new Date(NOW.getTime() - 60 * MINUTE),
    lanesHeld: 0,
    lastPollAt: new Date(NOW.getTime() - 10_000),
    storeFailing: false,
    ...health,
  }),
});

const workers: OutboxWorker[] = [];
const servers: ObservabilityServer[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop(1_000);
  for (const server of servers.splice(0)) await server.close();
});

/** A real outbox worker on `ex` (nothing is due, so its handler is never called), started. */
async function startedWorker(ex: Executor = database.current.db): Promise<OutboxWorker> {
  const worker = createOutboxWorker({
    queues: [
      {
        queue: createOutboxQueue(ex, 'notices'),
        handle: async () => ({ kind: 'failed', error: 'not expected in this test' }),
      },
    ],
    leases: createLaneLeases(ex),
    logger,
    pollMs: 20,
  });
  workers.push(worker);
  worker.start();
  const until = Date.now() + 5_000;
  while (worker.health().lastPollAt === null && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return worker;
}

describe('health check', () => {
  it('is ok when the database answers and the outbox worker looked for work recently', async () => {
    const worker = await startedWorker();
    expect(worker.health()).toMatchObject({ running: true, lanesHeld: 0, storeFailing: false });
    const check = createHealthCheck({ db: database.current.db, scheduler: () => worker });
    expect(await check()).toEqual({ status: 'ok', database: 'ok', scheduler: 'ok' });
    // A poll a minute ago is recent enough.
    const minuteAgo = reported({ lastPollAt: new Date(NOW.getTime() - MINUTE) });
    expect(
      await createHealthCheck({ db: database.current.db, scheduler: minuteAgo, now: () => NOW })(),
    ).toEqual({ status: 'ok', database: 'ok', scheduler: 'ok' });
  });

  it('says the database is down when its pool is closed, within the time-out', async () => {
    const closed = connect(database.current.url, { max: 1 });
    await closed.close();
    const check = createHealthCheck({
      db: closed.db,
      scheduler: reported({}),
      now: () => NOW,
      timeoutMs: 500,
    });
    const started = Date.now();
    // The worker backing off while the database is away is the database's failure, not its own.
    expect(await check()).toEqual({ status: 'unavailable', database: 'down', scheduler: 'ok' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('says the worker is stopped when it does not run: not started yet, or stopped', async () => {
    const db = database.current.db;
    const starting = createHealthCheck({ db, scheduler: () => undefined });
    expect(await starting()).toEqual({ status: 'unavailable', database: 'ok', scheduler: 'stopped' });
    const worker = await startedWorker();
    const check = createHealthCheck({ db, scheduler: () => worker });
    expect((await check()).scheduler).toBe('ok');
    await worker.stop(1_000);
    expect(worker.health().running).toBe(false);
    expect(await check()).toEqual({ status: 'unavailable', database: 'ok', scheduler: 'stopped' });
    // A process without an outbox worker (dry-run) reports no scheduler at all.
    expect(await createHealthCheck({ db })()).toEqual({ status: 'ok', database: 'ok' });
  });

  it(`says the worker stalled when it has not looked for work for ${DEFAULT_STALE_AFTER_MS / MINUTE} minutes`, async () => {
    const db = database.current.db;
    // A real worker, seen from minutes after its last look for work.
    const worker = await startedWorker();
    const polledAt = worker.health().lastPollAt?.getTime() ?? 0;
    const seenAfter = (ms: number) =>
      createHealthCheck({ db, scheduler: () => worker, now: () => new Date(polledAt + ms) })();
    expect(await seenAfter(3 * MINUTE)).toEqual({
      status: 'unavailable',
      database: 'ok',
      scheduler: 'stalled',
    });
    expect((await seenAfter(MINUTE)).scheduler).toBe('ok');

    // Never polled: counted from its start (just started is fine, minutes ago is not).
    const never = (startedAgo: number) =>
      createHealthCheck({
        db,
        scheduler: reported({ lastPollAt: null, startedAt: new Date(NOW.getTime() - startedAgo) }),
        now: () => NOW,
      })();
    expect((await never(10_000)).scheduler).toBe('ok');
    expect((await never(5 * MINUTE)).scheduler).toBe('stalled');

    // The worker's store failing (it backs off) is not a stall of its own.
    const failing = reported({ lastPollAt: new Date(NOW.getTime() - 5 * MINUTE), storeFailing: true });
    expect((await createHealthCheck({ db, scheduler: failing, now: () => NOW })()).scheduler).toBe('ok');
  });
});

describe('the health and metrics server of Socket Mode and dry-run', () => {
  it('serves /healthz (200, then 503 once the database is gone) and /metrics on KIGEN_HTTP_PORT', async () => {
    const loaded = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_APP_TOKEN: 'xapp-test',
      KIGEN_HTTP_PORT: '0',
    });
    if (!loaded.ok) throw new Error(loaded.problems.join());
    expect(loaded.value.slack.kind).toBe('socket');
    expect(loaded.value.httpPort).toBe(0);

    const own = connect(database.current.url, { max: 2 });
    const worker = await startedWorker();
    const metrics = createMetrics({
      db: own.db,
      outbox: () => worker,
      processMetrics: false,
      cacheMs: 0,
    });
    const health = createHealthCheck({ db: own.db, scheduler: () => worker, timeoutMs: 500 });
    const server = await startObservabilityServer(
      { health, metrics, logger },
      { port: loaded.value.httpPort ?? -1 },
    );
    servers.push(server);
    const base = `http://127.0.0.1:${server.port}`;

    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', database: 'ok', scheduler: 'ok' });
    const scraped = await fetch(`${base}/metrics`);
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(text).toMatch(/^kigen_notices_due 0$/m);
    expect(text).toMatch(/^kigen_outbox_lanes_held 0$/m);
    const lastPoll = Number(/^kigen_outbox_last_poll_timestamp_seconds (\S+)$/m.exec(text)?.[1]);
    expect(lastPoll).toBeGreaterThan(Date.now() / 1000 - 60);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);

    await own.close();
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', database: 'down', scheduler: 'ok' });
    // Metrics still answer (the figures are simply not refreshed).
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });

  it('a port in use stops the start with one line naming KIGEN_HTTP_PORT', async () => {
    const health = createHealthCheck({ db: database.current.db });
    const first = await startObservabilityServer({ health, logger }, { port: 0 });
    servers.push(first);
    await expect(startObservabilityServer({ health, logger }, { port: first.port })).rejects.toThrow(
      `KIGEN_HTTP_PORT: port ${first.port} is already in use`,
    );
  });

  it('KIGEN_HTTP_PORT: 3001 by default, off disables, anything else is refused', () => {
    const parse = (value?: string) => loadConfig(value === undefined ? {} : { KIGEN_HTTP_PORT: value });
    expect(parse()).toMatchObject({ ok: true, value: { httpPort: 3001 } });
    expect(parse('OFF')).toMatchObject({ ok: true, value: { httpPort: null } });
    expect(parse('9100')).toMatchObject({ ok: true, value: { httpPort: 9100 } });
    expect(parse('70000')).toEqual({
      ok: false,
      problems: ['KIGEN_HTTP_PORT: expected a port (0-65535) or off'],
    });
    expect(parse('no')).toMatchObject({ ok: false });
  });
});
