import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/app/config.ts';
import { createHealthCheck } from '../../../bot/app/health.ts';
import { type ObservabilityServer, startObservabilityServer } from '../../../bot/app/http-server.ts';
import { createMetrics } from '../../../bot/app/metrics.ts';
import { connect } from '../../../db/server/connection.ts';
import { DISPATCH_JOB, type SchedulerHealth } from '../../../scheduler/jobs/agenda.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const database = useTestDatabase();
const logger = pino({ level: 'silent' });
const NOW = new Date('2026-12-01T00:00:00Z');
const MINUTE = 60_000;

const scheduler = (health: Partial<SchedulerHealth>) => () => ({
  health: (): SchedulerHealth => ({
    running: true,
    startedAt: new Date(NOW.getTime() - 60 * MINUTE),
    lastSweepAt: new Date(NOW.getTime() - 10_000),
    sweepStartedAt: null,
    ...health,
  }),
});

const servers: ObservabilityServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

describe('health check', () => {
  it('is ok when the database answers and a dispatch sweep finished recently', async () => {
    const check = createHealthCheck({ db: database.current.db, scheduler: scheduler({}), now: () => NOW });
    expect(await check()).toEqual({ status: 'ok', database: 'ok', scheduler: 'ok' });
  });

  it('says the database is down when its pool is closed, within the time-out', async () => {
    const closed = connect(database.current.url, { max: 1 });
    await closed.close();
    const check = createHealthCheck({
      db: closed.db,
      scheduler: scheduler({}),
      now: () => NOW,
      timeoutMs: 500,
    });
    const started = Date.now();
    expect(await check()).toEqual({ status: 'unavailable', database: 'down', scheduler: 'ok' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('says the scheduler is stopped when Agenda does not run, or not started yet', async () => {
    const db = database.current.db;
    const stopped = createHealthCheck({ db, scheduler: scheduler({ running: false }), now: () => NOW });
    expect(await stopped()).toEqual({ status: 'unavailable', database: 'ok', scheduler: 'stopped' });
    const starting = createHealthCheck({ db, scheduler: () => undefined, now: () => NOW });
    expect((await starting()).scheduler).toBe('stopped');
  });

  it('says the scheduler stalled when no sweep finished for long, here or on another replica', async () => {
    const db = database.current.db;
    const stale = scheduler({ lastSweepAt: new Date(NOW.getTime() - 5 * MINUTE) });
    const check = createHealthCheck({ db, scheduler: stale, now: () => NOW });
    expect(await check()).toEqual({ status: 'unavailable', database: 'ok', scheduler: 'stalled' });

    // A sweep running now (for less than Agenda's lock lifetime) is fine.
    const sweeping = scheduler({
      lastSweepAt: new Date(NOW.getTime() - 5 * MINUTE),
      sweepStartedAt: new Date(NOW.getTime() - 3 * MINUTE),
    });
    expect((await createHealthCheck({ db, scheduler: sweeping, now: () => NOW })()).scheduler).toBe('ok');

    // Another replica ran the (single) dispatch job a moment ago: the cluster dispatches.
    await db.execute(sql`
      create table if not exists agenda_jobs (id serial primary key, name text not null, last_finished_at timestamptz)
    `);
    await db.execute(sql`
      insert into agenda_jobs (name, last_finished_at) values (${DISPATCH_JOB}, ${new Date(NOW.getTime() - 20_000).toISOString()}::timestamptz)
    `);
    expect(await check()).toEqual({ status: 'ok', database: 'ok', scheduler: 'ok' });
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
    const metrics = createMetrics({ db: own.db, processMetrics: false, cacheMs: 0 });
    const health = createHealthCheck({
      db: own.db,
      scheduler: scheduler({ lastSweepAt: new Date() }),
      timeoutMs: 500,
    });
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
    expect(await scraped.text()).toMatch(/^kigen_notices_due 0$/m);
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
