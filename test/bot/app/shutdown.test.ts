import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/app/config.ts';
import { createOutbox } from '../../../bot/app/outbox.ts';
import { connect, type Database } from '../../../db/server/connection.ts';
import { planRenewals } from '../../../db/stores/renewal-planning.ts';
import { type OutboxWorkerOptions, SLACK_PACE_MS } from '../../../scheduler/outbox-worker.ts';
import { captureLogger, FakeNoticeBoard, jst, seedContracts } from '../../scheduler/notice-fixtures.ts';
import { startKigen } from '../../support/kigen-process.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const database = useTestDatabase();

beforeEach(async () => {
  await database.current.db.execute(sql`truncate service_groups, audit_events, outbox_lanes cascade`);
  await database.current.db.execute(sql`drop table if exists agenda_jobs`);
});

/** BYO contracts over `channels` Slack channels whose 90-day notice is due at `due`, nothing else due. */
async function seedDue(count: number, channels: number, notAfter: Date, planAt: Date) {
  const db = database.current.db;
  const { contractIds } = await seedContracts(db, {
    count,
    category: 'byo',
    notAfter,
    channel: (i) => `C0SHUT${String(i % channels).padStart(4, '0')}`,
  });
  await planRenewals(db, contractIds, { now: planAt, actor: 'system:test' });
}

const statusCounts = async () => {
  const rows = (await database.current.db.execute(
    sql`select status, count(*)::int as n from notices where kind = 'byo_notice' group by status`,
  )) as unknown as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
};

/** What would make another replica wait: lane leases still held, notices still claimed. */
const heldNow = async () => {
  const [lanes] = (await database.current.db.execute(
    sql`select count(*)::int as n from outbox_lanes where holder is not null or held_until is not null`,
  )) as unknown as { n: number }[];
  const [claims] = (await database.current.db.execute(
    sql`select count(*)::int as n from notices where status = 'sending'`,
  )) as unknown as { n: number }[];
  return { lanes: lanes?.n ?? -1, claims: claims?.n ?? -1 };
};

const waitUntil = async (
  condition: () => boolean | Promise<boolean>,
  ms: number,
  what: string | (() => string),
) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
};

const deliverConfig = () => {
  const loaded = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-shutdown-test',
    SLACK_SIGNING_SECRET: 'shutdown-test-signing-secret',
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.value;
};

/** The outbox of a replica on `db` (its worker not started), its notices on `board`. */
const replica = (db: Database, board: FakeNoticeBoard, worker: Partial<OutboxWorkerOptions>) =>
  createOutbox({ config: deliverConfig(), db, logger: captureLogger().logger, noticeBoard: board, worker });

describe('shutdown in the middle of a delivery', () => {
  it('with posts hanging: stop releases every lane lease and claim, so another replica takes all at once (no lease wait)', async () => {
    const now = jst('2027-01-01T09:00:00');
    // 30 notices in 8 channels: one post in flight per lane, 22 waiting their turn.
    await seedDue(30, 8, jst('2027-03-31T12:00:00'), jst('2026-12-01T00:00:00'));
    const hanging = new FakeNoticeBoard(() => 'hang');
    const log = captureLogger();
    const outbox = createOutbox({
      config: deliverConfig(),
      db: database.current.db,
      logger: log.logger,
      noticeBoard: hanging,
      worker: { clock: () => now, pollMs: 20, random: () => 0.5 },
    });
    const worker = outbox.worker;
    if (!worker) throw new Error('deliver mode has a worker');
    worker.start();
    await waitUntil(() => hanging.calls.length === 8, 8_000, 'eight posts in flight');
    expect(await heldNow()).toEqual({ lanes: 8, claims: 8 });
    expect(worker.health().lanesHeld).toBe(8);

    await worker.stop(300);
    expect(log.lines.find((l) => String(l.msg).startsWith('outbox: attempts still running'))).toMatchObject({
      inFlight: 8,
    });
    expect(await heldNow()).toEqual({ lanes: 0, claims: 0 });
    expect(hanging.calls).toHaveLength(8);
    // The aborted posts may have landed (uncertain); our shutdown is no attempt of theirs, and the
    // notices never started count none either.
    const rows = (await database.current.db.execute(sql`
      select status, attempts, uncertain_since is not null as uncertain, count(*)::int as n from notices
       where kind = 'byo_notice' group by 1, 2, 3 order by 2
    `)) as unknown as { status: string; attempts: number; uncertain: boolean; n: number }[];
    expect(rows).toEqual([
      { status: 'pending', attempts: 0, uncertain: false, n: 22 },
      { status: 'pending', attempts: 0, uncertain: true, n: 8 },
    ]);

    // Another replica on a pool of its own, right away (long before a lease would have run out).
    // Of the 8 aborted posts, 3 had in fact reached Slack: it finds those, and posts the others.
    const hungIds = hanging.calls.map((n) => n.notice.id);
    const landed = new Set(hungIds.slice(0, 3));
    const board = new FakeNoticeBoard();
    board.lookup = (n) =>
      landed.has(n.notice.id)
        ? { kind: 'found', message: { channel: n.contract.slackChannelId, ts: '1799999999.000100' } }
        : undefined;
    const other = connect(database.current.url, { max: 3 });
    try {
      const next = replica(other.db, board, { paceMs: () => 0, random: () => 0.5 }).worker as NonNullable<
        typeof worker
      >;
      // Within a Slack pace of the stop: every lane is free and nothing waits for a backoff; the 22
      // untouched notices are posted, the 8 aborted ones looked up first.
      const first = await next.runUntilIdle(new Date(now.getTime() + SLACK_PACE_MS));
      expect(first).toMatchObject({ done: 30, lost: 0 });
      expect(board.findPostedCalls).toBe(8);
    } finally {
      await other.close();
    }
    // Every notice reached Slack once: 3 by the first replica, 27 by the second.
    const postedBySecond = board.calls.map((n) => n.notice.id);
    expect(new Set(postedBySecond).size).toBe(27);
    expect(postedBySecond.filter((id) => landed.has(id))).toEqual([]);
    expect([...board.postCounts.values()].every((n) => n === 1)).toBe(true);
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
  it('finishes the posts in flight, puts the rest back, serves health until then, exits 0; the next worker needs no lease wait', async () => {
    const now = new Date();
    // 20 BYO notices in 5 channels, due a minute ago (the certificates expire in 60 days).
    await seedDue(
      20,
      5,
      new Date(now.getTime() + 60 * 86_400_000),
      new Date(now.getTime() - 120 * 86_400_000),
    );
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

    // One post in flight per channel (a lane is worked one post after the other).
    await waitUntil(
      () => slack.posts.length >= 5 || child.exitCode !== null,
      30_000,
      () => `posts in flight:\n${lines.join('\n')}`,
    );
    // The HTTP receiver serves health and metrics on PORT meanwhile.
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok', scheduler: 'ok' });
    const scraped = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(scraped).toMatch(/^kigen_notices\{status="sending"\} 5$/m);
    expect(scraped).toMatch(/^kigen_outbox_lanes_held 5$/m);
    const lastPoll = Number(/^kigen_outbox_last_poll_timestamp_seconds (\S+)$/m.exec(scraped)?.[1]);
    expect(lastPoll).toBeGreaterThanOrEqual(Math.floor(now.getTime() / 1000));

    const inFlight = slack.posts.length;
    expect(inFlight).toBe(5);
    expect(slack.answered.length).toBe(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // What was in flight was finished and recorded; nothing more was posted after the signal.
    expect(slack.posts.length).toBe(inFlight);
    expect(slack.answered.length).toBe(inFlight);
    expect(new Set(slack.posts).size).toBe(5);
    expect(await statusCounts()).toEqual({ sent: inFlight, pending: 20 - inFlight });
    expect(await heldNow()).toEqual({ lanes: 0, claims: 0 });
    // The notices put back were never attempted.
    const [untouched] = (await database.current.db.execute(
      sql`select count(*)::int as n from notices where kind = 'byo_notice' and status = 'pending' and attempts = 0 and uncertain_since is null`,
    )) as unknown as { n: number }[];
    expect(untouched?.n).toBe(20 - inFlight);
    expect(lines.some((l) => l.includes('attempts still running at shutdown'))).toBe(false);

    // Another replica (or this one restarted) takes the rest after a Slack pace, not a lease: nothing
    // is uncertain, so nothing is looked up.
    const board = new FakeNoticeBoard();
    const other = connect(database.current.url, { max: 3 });
    try {
      const next = replica(other.db, board, { paceMs: () => 0 }).worker;
      const summary = await next?.runUntilIdle(new Date(Date.now() + SLACK_PACE_MS));
      expect(summary).toMatchObject({ done: 20 - inFlight, lost: 0 });
    } finally {
      await other.close();
    }
    expect(board.findPostedCalls).toBe(0);
    expect(await statusCounts()).toEqual({ sent: 20 });
  }, 60_000);
});
