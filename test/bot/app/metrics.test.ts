import { sql } from 'drizzle-orm';
import nock from 'nock';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/app/config.ts';
import { createHealthCheck } from '../../../bot/app/health.ts';
import { observabilityRoutes } from '../../../bot/app/http-server.ts';
import { createMetrics, type Metrics } from '../../../bot/app/metrics.ts';
import { createSlackApp, type SlackApp } from '../../../bot/app/slack-app.ts';
import { createNodeDnsResolver } from '../../../bot/dns/node-dns-resolver.ts';
import { observedSlackFetch } from '../../../bot/slack/api-errors.ts';
import { createSlackWebClient } from '../../../bot/slack/web-client.ts';
import { planRenewals } from '../../../db/stores/renewal-planning.ts';
import {
  CHANNEL,
  commandBody,
  HOOKS,
  postSigned,
  SIGNING_SECRET,
  SLACK_API,
  slashCommand,
  USERS,
} from '../../handlers/slack-harness.ts';
import { jst, seedContracts } from '../../scheduler/notice-fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const database = useTestDatabase();
const NOW = jst('2027-01-05T10:00:00');

let metrics: Metrics;
let slack: SlackApp;
let port: number;
const logs: Record<string, unknown>[] = [];

/** One sample of the exposition: `name{labels} value`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

beforeAll(async () => {
  const db = database.current.db;
  // Ten BYO contracts: their 90-day notice is due (2026-12-31 09:00 JST), nothing else is.
  const { contractIds } = await seedContracts(db, {
    count: 10,
    category: 'byo',
    notAfter: jst('2027-03-31T12:00:00'),
  });
  await planRenewals(db, contractIds, { now: jst('2026-12-01T00:00:00'), actor: 'system:test' });
  const byo = sql`select id from notices where kind = 'byo_notice' order by id`;
  await db.execute(sql`update notices set status = 'sent', sent_at = now() where id in (${byo} limit 4)`);
  await db.execute(sql`update notices set status = 'failed', last_error = 'channel_not_found'
                        where id in (${byo} offset 4 limit 2)`);
  await db.execute(sql`update notices set status = 'skipped', skip_reason = 'notice.expired'
                        where id in (${byo} offset 6 limit 1)`);
  await db.execute(sql`
    insert into audit_events (actor, action) values
      ('U1', 'decision.requestRenewal'), ('U2', 'decision.requestRenewal'), ('U1', 'decision.optOut'),
      ('U3', 'decision.refused'), ('system:reconcile', 'cycle.planned')
  `);

  metrics = createMetrics({ db, now: () => NOW });
  nock(SLACK_API)
    .persist()
    .post('/api/auth.test')
    .reply(200, { ok: true, user_id: 'U0BOTUSER', bot_id: 'B0BOT', team_id: 'T0TEAM', team: 'Test' });
  nock(SLACK_API).persist().post('/api/users.info').reply(200, { ok: false, error: 'user_not_found' });

  const loaded = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${SLACK_API}/api/`,
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const config = { ...loaded.value, slack: { ...loaded.value.slack, port: 0 } } as typeof loaded.value;
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  slack = createSlackApp({
    config,
    logger,
    db,
    resolver: createNodeDnsResolver({ servers: ['127.0.0.1:9'], timeoutMs: 200 }),
    retryConfig: { retries: 0 },
    routes: observabilityRoutes({ health: createHealthCheck({ db }), metrics, logger }),
    metrics,
  });
  const started = await slack.start();
  port = started.port ?? 0;
});

afterAll(async () => {
  await slack?.stop();
  nock.cleanAll();
});

describe('GET /metrics on the HTTP receiver', () => {
  it('after commands, failed Slack calls and webhook deliveries, has every series with plausible values', async () => {
    for (let i = 0; i < 3; i++) {
      const run = await slashCommand(port, 'help zzprivate-text');
      expect(run.status).toBe(200);
      await run.answer;
    }
    // The notices' Web API client, observed the same way: a channel error and an HTTP 500.
    const client = createSlackWebClient({
      token: 'xoxb-test-token',
      slackApiUrl: `${SLACK_API}/api/`,
      logger: pino({ level: 'silent' }),
      retryConfig: { retries: 0 },
      fetch: observedSlackFetch(metrics),
    });
    nock(SLACK_API).post('/api/chat.postMessage').reply(200, { ok: false, error: 'channel_not_found' });
    nock(SLACK_API).post('/api/chat.postMessage').reply(500, 'oops');
    await expect(client.chat.postMessage({ channel: 'C0GONE', text: 'x' })).rejects.toThrow();
    await expect(client.chat.postMessage({ channel: 'C0GONE', text: 'x' })).rejects.toThrow();
    metrics.webhookDeliveries.inc({ outcome: 'delivered' });
    metrics.webhookDeliveries.inc({ outcome: 'retry' }, 2);

    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();

    expect(sample(text, 'kigen_notices', { status: 'sent' })).toBe(4);
    expect(sample(text, 'kigen_notices', { status: 'failed' })).toBe(2);
    expect(sample(text, 'kigen_notices', { status: 'skipped' })).toBe(1);
    expect(sample(text, 'kigen_notices', { status: 'sending' })).toBe(0);
    // Three byo notices are still pending and due; the byo_expiry ones are pending, not due.
    expect(sample(text, 'kigen_notices', { status: 'pending' })).toBe(13);
    expect(sample(text, 'kigen_notices_due')).toBe(3);
    expect(sample(text, 'kigen_notices_oldest_due_age_seconds')).toBeCloseTo(5 * 86_400 + 3600, -1);
    expect(sample(text, 'kigen_decisions_total', { decision: 'requestRenewal' })).toBe(2);
    expect(sample(text, 'kigen_decisions_total', { decision: 'optOut' })).toBe(1);
    expect(sample(text, 'kigen_decisions_total', { decision: 'refused' })).toBe(1);
    expect(text).not.toContain('decision="planned"');

    expect(sample(text, 'kigen_slack_ack_duration_seconds_count', { type: 'command' })).toBe(3);
    const acked = sample(text, 'kigen_slack_ack_duration_seconds_bucket', { type: 'command', le: '1' });
    expect(acked).toBe(3);
    expect(sample(text, 'kigen_slack_interactions_total', { type: 'command', outcome: 'ok' })).toBe(3);
    expect(
      sample(text, 'kigen_slack_api_errors_total', { method: 'chat.postMessage', code: 'channel_not_found' }),
    ).toBe(1);
    expect(
      sample(text, 'kigen_slack_api_errors_total', { method: 'chat.postMessage', code: 'http_500' }),
    ).toBe(1);
    // Bolt's own client is observed too (users.info of the locale look-up).
    expect(
      sample(text, 'kigen_slack_api_errors_total', { method: 'users.info', code: 'user_not_found' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'kigen_webhook_deliveries_total', { outcome: 'delivered' })).toBe(1);
    expect(sample(text, 'kigen_webhook_deliveries_total', { outcome: 'retry' })).toBe(2);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('one log line per interaction: what it named, who, where, outcome and latency, never the text', async () => {
    const lines = logs.filter((l) => l.interaction);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toMatchObject({
      level: 30,
      interaction: {
        type: 'command',
        command: '/cert',
        user: USERS.adminJa.id,
        channel: CHANNEL,
        team: 'T0TEAM',
        outcome: 'ok',
        ackMs: expect.any(Number),
        totalMs: expect.any(Number),
      },
    });
    const first = lines[0]?.interaction as { ackMs: number; totalMs: number };
    expect(first.ackMs).toBeLessThanOrEqual(first.totalMs);
    expect(lines[0]?.msg).toMatch(/^Slack command \/cert: ok, ack [\d.]+ ms, [\d.]+ ms$/);
    expect(JSON.stringify(logs)).not.toContain('zzprivate');
  });

  it('a listener that fails is logged with outcome error and counted', async () => {
    const failing = '/commands/T0TEAM/metrics-failing';
    nock(HOOKS).post(failing).reply(500, 'oops');
    nock(HOOKS).post(failing).reply(200, 'ok'); // the apology
    const body = commandBody(`${HOOKS}${failing}`, { user: USERS.adminEn.id });
    expect((await postSigned(port, body)).status).toBe(200);
    const until = Date.now() + 5_000;
    let line: Record<string, unknown> | undefined;
    while (!line && Date.now() < until) {
      line = logs.find((l) => (l.interaction as { outcome?: string } | undefined)?.outcome === 'error');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(line).toMatchObject({ level: 40, interaction: { type: 'command', user: USERS.adminEn.id } });
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(sample(text, 'kigen_slack_interactions_total', { type: 'command', outcome: 'error' })).toBe(1);
    expect(sample(text, 'kigen_slack_api_errors_total', { method: 'response_url', code: 'http_500' })).toBe(
      1,
    );
  });

  it('GET /healthz is served on the receiver too', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  });
});

describe('database figures', () => {
  it('are read once per cache period, and a slow or failing database serves the last figures', async () => {
    const db = database.current.db;
    let now = NOW;
    const cached = createMetrics({ db, now: () => now, cacheMs: 60_000, processMetrics: false });
    const first = await cached.render();
    expect(sample(first, 'kigen_notices', { status: 'sent' })).toBe(4);
    await db.execute(sql`update notices set status = 'sent' where status = 'failed'`);
    now = new Date(NOW.getTime() + 1000);
    expect(sample(await cached.render(), 'kigen_notices', { status: 'sent' })).toBe(4);
    expect(sample(await cached.render(), 'kigen_notices_oldest_due_age_seconds')).toBeGreaterThan(0);

    const fresh = createMetrics({ db, now: () => now, cacheMs: 0, processMetrics: false });
    expect(sample(await fresh.render(), 'kigen_notices', { status: 'sent' })).toBe(6);
    expect(sample(await fresh.render(), 'kigen_notices', { status: 'failed' })).toBe(0);
  });
});
