import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../db/server/connection.ts';
import { planRenewals } from '../../../db/stores/renewal-planning.ts';
import { DEFAULT_NOTICE_SETTINGS } from '../../../domain/index.ts';
import { createNoticeDispatcher } from '../../../scheduler/dispatch-notices.ts';
import { DISPATCH_JOB, startScheduler } from '../../../scheduler/jobs/agenda.ts';
import { captureLogger, FakeDelivery, jst, seedContracts } from '../../scheduler/notice-fixtures.ts';
import { startKigen } from '../../support/kigen-process.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const database = useTestDatabase();

beforeEach(async () => {
  await database.current.db.execute(sql`truncate service_groups, audit_events cascade`);
  await database.current.db.execute(sql`drop table if exists agenda_jobs`);
});

/** BYO contracts whose 90-day notice is due at `due`, nothing else due. */
async function seedDue(count: number, notAfter: Date, planAt: Date) {
  const db = database.current.db;
  const { contractIds } = await seedContracts(db, { count, category: 'byo', notAfter });
  await planRenewals(db, contractIds, { now: planAt, actor: 'system:test' });
}

const statusCounts = async () => {
  const rows = (await database.current.db.execute(
    sql`select status, count(*)::int as n from notices where kind = 'byo_notice' group by status`,
  )) as unknown as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
};

/** Claims that would make another dispatcher wait: 'sending' with a lease not yet over. */
const liveClaims = async (now: Date) => {
  const [row] = (await database.current.db.execute(sql`
    select count(*)::int as n from notices
     where status = 'sending' and claimed_at > ${new Date(now.getTime() - 2 * 60_000).toISOString()}::timestamptz
  `)) as unknown as { n: number }[];
  return row?.n ?? -1;
};

const waitUntil = async (condition: () => boolean | Promise<boolean>, ms: number, what: string) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** A second dispatcher on a pool of its own: another replica, or this one after a restart. */
async function secondReplica(now: Date) {
  const other = connect(database.current.url, { max: 3 });
  const delivery = new FakeDelivery();
  try {
    const dispatcher = createNoticeDispatcher({
      db: other.db,
      delivery,
      logger: captureLogger().logger,
      mode: 'deliver',
      masterKey: undefined,
      defaultLocale: 'ja',
    });
    const summary = await dispatcher.dispatchDue(now);
    return { summary, delivery };
  } finally {
    await other.close();
  }
}

describe('shutdown in the middle of a dispatch', () => {
  it('with deliveries hanging: releases every claim and unlocks the job, so another replica takes all at once', async () => {
    const now = jst('2027-01-01T09:00:00');
    await seedDue(30, jst('2027-03-31T12:00:00'), jst('2026-12-01T00:00:00'));
    const hanging = new FakeDelivery(() => 'hang');
    const log = captureLogger();
    const scheduler = await startScheduler({
      databaseUrl: database.current.url,
      db: database.current.db,
      delivery: hanging,
      mode: 'deliver',
      logger: log.logger,
      masterKey: undefined,
      defaultLocale: 'ja',
      noticeSettings: DEFAULT_NOTICE_SETTINGS,
      dispatchEvery: 200,
      processEvery: 100,
      clock: () => now,
    });
    // Eight deliveries (the dispatcher's concurrency) in flight, the rest of the batch claimed, waiting.
    await waitUntil(() => hanging.calls.length === 8, 8_000, 'eight deliveries in flight');
    expect(await liveClaims(now)).toBe(30);

    await scheduler.stop(300);
    expect(
      log.lines.find((l) => l.msg === 'scheduler: released the notices this process still held'),
    ).toMatchObject({
      pending: 22,
      expired: 8,
    });
    expect(await liveClaims(now)).toBe(0);
    const [job] = (await database.current.db.execute(
      sql`select locked_at from agenda_jobs where name = ${DISPATCH_JOB}`,
    )) as unknown as { locked_at: string | null }[];
    expect(job?.locked_at).toBeNull();
    // The claims never started count no attempt.
    const [attempts] = (await database.current.db.execute(
      sql`select count(*)::int as n from notices where kind = 'byo_notice' and status = 'pending' and attempts = 0`,
    )) as unknown as { n: number }[];
    expect(attempts?.n).toBe(22);

    // At once, with the same clock (no lease has run out): the other replica delivers all 30; the 8
    // that were in flight are first looked for in Slack (they may have been posted), the others not.
    const { summary, delivery } = await secondReplica(now);
    expect(summary.sent).toBe(30);
    expect(delivery.findPostedCalls).toBe(8);
    expect(new Set(delivery.calls.map((n) => n.notice.id)).size).toBe(30);
    expect(await statusCounts()).toEqual({ sent: 30 });
  });
});

// ---- the real process: SIGTERM while chat.postMessage is in flight ----

const children: ChildProcessWithoutNullStreams[] = [];
const servers: Server[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) server.closeAllConnections();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A Slack Web API stand-in whose chat.postMessage answers after `postDelayMs`. */
async function slackStandIn(postDelayMs: number) {
  const posts: string[] = [];
  const answered: string[] = [];
  let seq = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      const channel = new URLSearchParams(body).get('channel') ?? 'C0TEST0001';
      const reply = (payload: object) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (method === 'chat.postMessage') {
        posts.push(channel);
        setTimeout(() => {
          answered.push(channel);
          reply({ ok: true, channel, ts: `${1_800_000_000 + ++seq}.000100` });
        }, postDelayMs);
      } else if (method.startsWith('conversations.')) reply({ ok: true, messages: [], has_more: false });
      else reply({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0TEAM', channel, ts: '1.0' });
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, posts, answered };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('kigen start, stopped by SIGTERM', () => {
  it('finishes the posts in flight, puts the rest back, serves health until then, exits 0; the next dispatcher needs no lease wait', async () => {
    const now = new Date();
    // 20 BYO notices due a minute ago (the certificates expire in 60 days).
    await seedDue(20, new Date(now.getTime() + 60 * 86_400_000), new Date(now.getTime() - 120 * 86_400_000));
    await database.current.db.execute(
      sql`update notices set due_at = ${new Date(now.getTime() - 60_000).toISOString()}::timestamptz where kind = 'byo_notice'`,
    );
    const slack = await slackStandIn(1_500);
    const port = await freePort();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kigen-shutdown-'));
    dirs.push(dataDir);
    const { child, lines, exited } = startKigen({
      DATABASE_URL: database.current.url,
      KIGEN_DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-shutdown-test',
      SLACK_SIGNING_SECRET: 'shutdown-test-signing-secret',
      SLACK_API_URL: slack.url,
      PORT: String(port),
      LOG_LEVEL: 'info',
    });
    children.push(child);

    await waitUntil(
      () => slack.posts.length >= 8 || child.exitCode !== null,
      12_000,
      `posts in flight:\n${lines.join('\n')}`,
    );
    // The HTTP receiver serves health and metrics on PORT meanwhile.
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok', scheduler: 'ok' });
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(
      /^kigen_notices\{status="sending"\} \d+$/m,
    );

    const inFlight = slack.posts.length;
    expect(slack.answered.length).toBe(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // What was in flight was finished and recorded; nothing more was posted after the signal.
    expect(slack.posts.length).toBe(inFlight);
    expect(slack.answered.length).toBe(inFlight);
    expect(await statusCounts()).toEqual({ sent: inFlight, pending: 20 - inFlight });
    expect(await liveClaims(new Date())).toBe(0);
    const released = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'scheduler: released the notices this process still held');
    expect(released).toMatchObject({ pending: 20 - inFlight, expired: 0 });

    // Another replica (or this one restarted) takes the rest at once, with no stale recovery.
    const { summary, delivery } = await secondReplica(new Date());
    expect(summary).toMatchObject({ sent: 20 - inFlight, recovered: 0 });
    expect(delivery.findPostedCalls).toBe(0);
    expect(await statusCounts()).toEqual({ sent: 20 });
  });
});
