/**
 * `npm run bench:notices`: plans BENCH_CONTRACTS contracts on an embedded PostgreSQL in a temporary
 * directory, times the outbox engine's look for work (ready lanes over the whole outbox) and one
 * claim, then delivers every due notice with the outbox worker of the composition root
 * (`createOutbox` → `wireOutboxWorker`, unpaced: `paceMs` 0) through the real Slack notice board to a
 * stand-in of the Slack Web API on 127.0.0.1, run in a child process (`bench/slack-stand-in.mjs`) so
 * that the peak RSS is the bot's alone. Prints planning time, the look-up times, the lanes (Slack
 * channels) worked, notices per second and peak RSS. Stops by itself (10 minutes at most).
 *
 * Knobs (environment): BENCH_CONTRACTS (60000: about 9,000 due notices), BENCH_CHANNELS (200),
 * BENCH_POOL (postgres.js pool, 10), BENCH_MAX_LANES (lanes held at once by the worker, 256),
 * BENCH_NOOP=1 (a no-op notice board instead of Slack: the database's share).
 */

import { fork } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { loadConfig } from '../bot/app/config.ts';
import { createOutbox } from '../bot/app/outbox.ts';
import { connect, type Executor } from '../db/server/connection.ts';
import { startEmbeddedPostgres } from '../db/server/embedded-postgres.ts';
import { migrateDatabase } from '../db/server/migrate.ts';
import { countDueNotices } from '../db/stores/notices-outbox.ts';
import { createOutboxQueue } from '../db/stores/outbox-queues.ts';
import { planRenewals } from '../db/stores/renewal-planning.ts';
import type { NoticeBoard } from '../domain/ports/notices.ts';

const CONTRACTS = Number(process.env.BENCH_CONTRACTS ?? 60_000);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 200);
const MAX_LANES = Number(process.env.BENCH_MAX_LANES ?? 256);
const DEADLINE_MS = 10 * 60_000;
const now = new Date('2026-12-01T01:00:00Z');

const hardStop = setTimeout(() => {
  process.stderr.write('bench:notices: still running after 10 minutes, giving up\n');
  process.exit(1);
}, DEADLINE_MS);
hardStop.unref();

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const elapsed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const value = await work();
  return [value, performance.now() - t0];
};
class RollBack extends Error {}

const statusCounts = async (ex: Executor) => {
  const rows = (await ex.execute(
    sql`select status, count(*)::int as n from notices group by status order by status`,
  )) as unknown as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
};

/** Memory at the end of each phase: current RSS, peak RSS so far, heap in use. */
const phases: string[] = [];
const mb = (bytes: number) => (bytes / 1048576).toFixed(0);
let heapPeak = 0;
const sampler = setInterval(() => {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
}, 100);
sampler.unref();
const notePhase = (name: string) => {
  const m = process.memoryUsage();
  heapPeak = Math.max(heapPeak, m.heapUsed);
  phases.push(
    `    ${name.padEnd(16)} at ${(performance.now() / 1000).toFixed(1).padStart(5)} s: rss ${mb(m.rss)} MB, peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB (phase max ${mb(heapPeak)} MB), external ${mb(m.external)} MB`,
  );
  heapPeak = 0;
};

async function main() {
  const baselineRssMb = process.resourceUsage().maxRSS / 1024;
  notePhase('start');
  const dir = await mkdtemp(path.join(tmpdir(), 'kigen-bench-'));
  await chmod(dir, 0o755); // as root, postgres runs as another user that must reach the data
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  // The Slack stand-in runs in a child process: its sockets, buffers and strings are not the bot's.
  const slack = fork(fileURLToPath(new URL('./slack-stand-in.mjs', import.meta.url)), [], {
    execArgv: [], // plain node: no tsx in the stand-in
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const fromSlack = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: Record<string, T>) => {
        if (!(key in message)) return;
        slack.off('message', onMessage);
        slack.off('exit', onExit);
        resolve(message[key] as T);
      };
      const onExit = (code: number | null) => reject(new Error(`Slack stand-in exited (${code})`));
      slack.on('message', onMessage);
      slack.once('exit', onExit);
    });
  const slackUrl = `http://127.0.0.1:${await fromSlack<number>('port')}/api/`;
  let posts = 0; // BENCH_NOOP's calls; the stand-in counts its own
  const connection = connect(pg.url, { max: Number(process.env.BENCH_POOL ?? 10) });
  try {
    await migrateDatabase(pg.url);
    const db = connection.db;

    // Set-up (bulk SQL): one service group, the contracts, half proxy and half BYO, over CHANNELS
    // Slack channels, one certificate each, expiring over the next year.
    const [, setupMs] = await elapsed(async () => {
      await db.execute(sql`insert into service_groups (name, locale) values ('bench', 'ja')`);
      await db.execute(sql`
        insert into members (service_group_id, slack_user_id, role)
        select id, 'U0BENCH01', 'group_admin' from service_groups union all
        select id, 'U0BENCH02', 'service_admin' from service_groups`);
      await db.execute(sql`
        insert into contracts (service_group_id, cn, category, ca, product_id, period_months, csr_method, slack_channel_id)
        select g.id, 'host' || i || '.bench.example.jp',
               case when i % 2 = 0 then 'proxy' else 'byo' end,
               case when i % 2 = 0 then 'digicert' end, case when i % 2 = 0 then 'digicert.secure_server_id' end,
               case when i % 2 = 0 then 12 end, case when i % 2 = 0 then 'customer' end,
               'C0BENCH' || (i % ${CHANNELS})
          from service_groups g, generate_series(1, ${CONTRACTS}) as i`);
      await db.execute(sql`
        insert into certificates (contract_id, pem, serial, subject, issuer, not_before, not_after, sha256,
                                  public_key_sha256, registered_by)
        select c.id, 'PEM', '01', 'CN=' || c.cn, 'CN=Bench CA', ${now.toISOString()}::timestamptz - interval '199 days',
               ${now.toISOString()}::timestamptz
                 + (case when c.category = 'proxy' then interval '27 days' else interval '1 day' end)
                 + (row_number() over (order by c.cn) % 365) * interval '1 day',
               md5(c.id::text) || md5(c.cn), md5(c.cn), 'bench'
          from contracts c`);
      return true;
    });
    notePhase('after set-up');
    // Planning through the real code path (planRenewals: domain noticeSchedule, then set-based inserts),
    // one transaction per page of 5,000 contracts (keyset paging: memory stays flat).
    const [planned, planMs] = await elapsed(async () => {
      let cycles = 0;
      let notices = 0;
      let last = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page = (await db.execute(
          sql`select id from contracts where id > ${last}::uuid order by id limit 5000`,
        )) as unknown as { id: string }[];
        if (page.length === 0) break;
        const chunk = page.map((r) => r.id);
        last = chunk[chunk.length - 1] as string;
        const s = await db.transaction((tx) => planRenewals(tx, chunk, { now, actor: 'system:bench' }));
        cycles += s.cyclesCreated;
        notices += s.noticesCreated;
      }
      return { cycles, notices };
    });
    await db.execute(sql`analyze`);
    notePhase('after planning');

    // The engine's look for work over the whole outbox: the lanes with a notice ready now (one round's
    // worth, then all of them), and one claim, in a transaction rolled back afterwards.
    const due = await countDueNotices(db, now);
    const queue = createOutboxQueue(db, 'notices');
    const [, roundMs] = await elapsed(() => queue.readyLanes(now, 64, 'bench'));
    const [lanes, allLanesMs] = await elapsed(() => queue.readyLanes(now, 1_000_000, 'bench'));
    let claimMs = 0;
    await db
      .transaction(async (tx) => {
        const t0 = performance.now();
        await createOutboxQueue(tx, 'notices').claimNext(lanes[0] ?? 'none', 'bench-claim', now);
        claimMs = performance.now() - t0;
        throw new RollBack();
      })
      .catch((error) => {
        if (!(error instanceof RollBack)) throw error;
      });
    notePhase('after look-ups');

    // Delivery by the outbox worker of the composition root, through the Slack notice board (the
    // outbox's client: no retries inside a call) to the stand-in.
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_APP_TOKEN: 'xapp-bench',
      SLACK_API_URL: slackUrl,
      LOG_LEVEL: 'warn',
      DATABASE_URL: pg.url,
    });
    if (!config.ok) throw new Error(config.problems.join('; '));
    const logger = pino({ level: 'warn' });
    const noop: NoticeBoard = {
      deliver: async (n) => ({
        ok: true,
        message: { channel: n.contract.slackChannelId, ts: `${++posts}.000100` },
        threadTs: n.thread?.ts ?? null,
      }),
      findPosted: async () => ({ kind: 'absent' }),
    };
    const outbox = createOutbox({
      config: config.value,
      db,
      logger,
      ...(process.env.BENCH_NOOP ? { noticeBoard: noop } : {}),
      worker: { paceMs: () => 0, maxLanes: MAX_LANES },
    });
    const worker = outbox.worker;
    if (!worker) throw new Error('expected the deliver mode (a bot token is configured)');
    let lanesHeldPeak = 0;
    const lanesSampler = setInterval(() => {
      lanesHeldPeak = Math.max(lanesHeldPeak, worker.health().lanesHeld);
    }, 10);
    const [summary, deliverMs] = await elapsed(() => worker.runUntilIdle(now)).finally(() =>
      clearInterval(lanesSampler),
    );
    const counts = await statusCounts(db);
    if (!process.env.BENCH_NOOP) {
      const answer = fromSlack<number>('posts');
      slack.send('count');
      posts = await answer;
    }
    notePhase('after delivery');
    const heapMb = process.memoryUsage().heapUsed / 1048576;
    const maxRssMb = process.resourceUsage().maxRSS / 1024;

    const n = (x: number) => x.toLocaleString('en');
    const lines = [
      `bench:notices (${n(CONTRACTS)} contracts in ${n(CHANNELS)} channels, embedded PostgreSQL, ${process.env.BENCH_NOOP ? 'no-op notice board' : 'Slack stand-in on loopback in a child process'})`,
      `  set-up (bulk SQL)         ${seconds(setupMs)}`,
      `  planning                  ${seconds(planMs)}: ${n(planned.cycles)} cycles, ${n(planned.notices)} notices (${n(Math.round(CONTRACTS / (planMs / 1000)))} contracts/s)`,
      `  due notices               ${n(due)} in ${n(lanes.length)} lanes (one per Slack channel)`,
      `  ready lanes, one round    ${roundMs.toFixed(1)} ms   (64 lanes)`,
      `  ready lanes, all          ${allLanesMs.toFixed(1)} ms   (${n(lanes.length)} lanes; target < 1 s)`,
      `  claim next, one lane      ${claimMs.toFixed(1)} ms`,
      `  delivery (paceMs 0)       ${seconds(deliverMs)}: ${n(summary.done)} sent, ${n(summary.skipped)} skipped, ${n(summary.failed)} failed, ${n(summary.retried)} retried, ${n(summary.lost)} lost; ${n(posts)} Web API calls; pool ${process.env.BENCH_POOL ?? 10}`,
      `  lanes held at once        ${n(lanesHeldPeak)} at most (maxLanes ${n(MAX_LANES)}; runUntilIdle leases from 64 ready lanes a round)`,
      `  notices per second        ${n(Math.round(summary.done / (deliverMs / 1000)))}   (claimed ${n(Math.round(summary.claimed / (deliverMs / 1000)))}/s, skips included)`,
      `  outbox after              ${JSON.stringify(counts)}`,
      `  peak RSS                  ${maxRssMb.toFixed(0)} MB   (target < 256 MB; at start, node + tsx + modules: ${baselineRssMb.toFixed(0)} MB; heap in use at the end: ${heapMb.toFixed(0)} MB)`,
      '  memory by phase',
      ...phases,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await connection.close();
    if (slack.connected) {
      const exited = new Promise<void>((resolve) => slack.once('exit', () => resolve()));
      slack.send('close');
      await exited;
    }
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => {
    clearTimeout(hardStop);
    process.exit(0);
  },
  (error) => {
    process.stderr.write(`bench:notices failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
