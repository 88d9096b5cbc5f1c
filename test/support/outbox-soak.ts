import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { connect } from '../../db/server/connection.ts';
import { type EmbeddedPostgres, isAlive, startEmbeddedPostgres } from '../../db/server/embedded-postgres.ts';
import { migrateDatabase } from '../../db/server/migrate.ts';
import { planRenewals } from '../../db/stores/renewal-planning.ts';
import { seedContracts } from '../scheduler/notice-fixtures.ts';
import { type Fleet, freePort, startFleet } from './replica-fleet.ts';
import { seededRandom } from './seeded-random.ts';
import { type Faults, type SlackStandIn, startSlackStandIn } from './slack-stand-in.ts';

/**
 * One soak run of the outbox, black-box: `replicas` real `kigen start` processes on one PostgreSQL of
 * their own, `notices` due notices over `channels` Slack channels of a stand-in that allows one
 * message per second per channel and injects `faults`; `disrupt` does to the fleet and the database
 * what production does (kills, rolling restarts, a PostgreSQL restart) while they deliver.
 * Used by the short soak test (test/e2e/outbox-soak.test.ts) and `npm run bench:replicas`.
 */
export type SoakOptions = {
  readonly notices: number;
  readonly channels: number;
  readonly replicas: number;
  readonly faults?: Faults;
  readonly leaseSeconds?: number;
  /** Gives up waiting for the last notice after this. */
  readonly timeoutMs: number;
  readonly disrupt?: (ctx: SoakContext) => Promise<void>;
  /** Deterministic faults. */
  readonly seed?: number;
};

export type SoakContext = {
  readonly fleet: Fleet;
  readonly slack: SlackStandIn;
  /** Resolves once `count` notices are stored in Slack. */
  posted(count: number): Promise<void>;
  /** Restarts PostgreSQL (fast shutdown, as `pg_ctl restart -m fast`); resolves once it is back. */
  restartDatabase(): Promise<number>;
  /** Events for the report: what was done when. */
  note(event: string): void;
};

export type SoakReport = {
  readonly notices: number;
  readonly channels: number;
  readonly replicas: number;
  /** Notices stored in Slack at least once. */
  readonly sent: number;
  /** Posts beyond the first of a notice. */
  readonly duplicates: number;
  /** Notices never stored in Slack. */
  readonly lost: number;
  /** Notice rows by status at the end. */
  readonly statuses: Record<string, number>;
  /** From the first post to the last. */
  readonly seconds: number;
  readonly perSecond: number;
  /** One message per second per channel. */
  readonly ceilingPerSecond: number;
  /** The longest time with no post in a channel that still had notices to go (recovery after a fault). */
  readonly longestChannelGapSeconds: number;
  /** The machine's CPU busy share (all cores) while the notices went out; null where /proc/stat is not. */
  readonly cpuBusyPercent: number | null;
  readonly exitCodes: (number | null)[];
  readonly errorLines: string[];
  readonly events: string[];
  readonly slackCounts: Record<string, number>;
};

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kigen-soak-'));
  const events: string[] = [];
  const t0 = Date.now();
  const note = (event: string) => events.push(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${event}`);
  let pg: EmbeddedPostgres | undefined;
  let slack: SlackStandIn | undefined;
  let fleet: Fleet | undefined;
  const pgPort = await freePort();
  const settings = {
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
  };
  const startPg = () => startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: pgPort, settings });
  try {
    pg = await startPg();
    await migrateDatabase(pg.url);
    const { db, close } = connect(pg.url, { max: 4 });
    try {
      const seeded = await seedContracts(db, {
        count: o.notices,
        category: 'byo',
        // The 90-day BYO notice (R-NOTICE-2) is due: delivered at once, saying it was planned late.
        notAfter: new Date(Date.now() + 60 * 86_400_000),
        channel: (i) => `C0SOAK${String(i % o.channels).padStart(4, '0')}`,
      });
      await planRenewals(db, seeded.contractIds, { now: new Date(), actor: 'system:soak' });
    } finally {
      await close();
    }
    slack = await startSlackStandIn({
      ...(o.faults ? { faults: o.faults } : {}),
      random: seededRandom(o.seed ?? 42),
    });
    note(`${o.notices} notices due over ${o.channels} channels; starting ${o.replicas} replicas`);
    fleet = await startFleet({
      count: o.replicas,
      databaseUrl: pg.url,
      slackApiUrl: slack.url,
      env: { KIGEN_OUTBOX_LEASE_SECONDS: String(o.leaseSeconds ?? 60) },
    });
    note('replicas running');
    const cpuAtStart = await cpuTimes();
    const s = slack;
    const f = fleet;
    const stored = () => s.postsPerNotice().size;
    const ctx: SoakContext = {
      fleet: f,
      slack: s,
      note,
      async posted(count) {
        while (stored() < count) await sleep(100);
      },
      async restartDatabase() {
        const t = Date.now();
        await fastShutdown(pg as EmbeddedPostgres);
        await pg?.stop();
        pg = await startPg();
        return Date.now() - t;
      },
    };
    const disruption = o.disrupt?.(ctx);
    const deadline = Date.now() + o.timeoutMs;
    while (stored() < o.notices && Date.now() < deadline) await sleep(200);
    const cpuBusyPercent = busyPercent(cpuAtStart, await cpuTimes());
    await disruption;
    // Every notice in Slack; now every row recorded: a post whose answer was lost (or whose record
    // failed while the database was away) is recorded by its retry, after a look-up that finds it.
    while (Date.now() < deadline && !(await allRecorded(pg.url))) await sleep(500);
    // A few seconds more: a duplicate would show now (a second replica retrying a stored post).
    await sleep(3_000);
    note('stopping replicas');
    const exitCodes = await f.stopAll();
    const statuses = await noticeStatuses(pg.url);
    return { ...report(o, s, statuses, exitCodes, f.errorLines(), events), cpuBusyPercent };
  } finally {
    if (fleet) await fleet.stopAll().catch(() => undefined);
    await slack?.close();
    await pg?.stop().catch(() => undefined);
    if (pg && pg.clusterDir !== pg.dataDir) {
      await rm(path.dirname(pg.clusterDir), { recursive: true, force: true });
    }
    await rm(dir, { recursive: true, force: true });
  }
}

/** Total and idle jiffies of all cores (/proc/stat); null elsewhere. */
async function cpuTimes(): Promise<{ total: number; idle: number } | null> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  if (!line.startsWith('cpu ') || fields.length < 5) return null;
  // idle + iowait count as not busy.
  return { total: fields.reduce((a, b) => a + b, 0), idle: (fields[3] ?? 0) + (fields[4] ?? 0) };
}

const busyPercent = (
  from: { total: number; idle: number } | null,
  to: { total: number; idle: number } | null,
): number | null =>
  from && to && to.total > from.total
    ? (100 * (to.total - from.total - (to.idle - from.idle))) / (to.total - from.total)
    : null;

/** SIGINT to the postmaster: PostgreSQL's fast shutdown (`pg_ctl stop -m fast`), sessions ended with 57P01. */
async function fastShutdown(server: EmbeddedPostgres): Promise<void> {
  const pid = Number((await readFile(path.join(server.clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  process.kill(pid, 'SIGINT');
  while (isAlive(pid)) await sleep(20);
}

async function allRecorded(url: string): Promise<boolean> {
  const statuses = await noticeStatuses(url).catch(() => ({ pending: 1 }));
  return !('pending' in statuses) && !('sending' in statuses);
}

async function noticeStatuses(url: string): Promise<Record<string, number>> {
  const { db, close } = connect(url, { max: 1 });
  try {
    const rows = (await db.execute(
      sql`select status, count(*)::int as n from notices where kind = 'byo_notice' group by status`,
    )) as unknown as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } finally {
    await close();
  }
}

function report(
  o: SoakOptions,
  slack: SlackStandIn,
  statuses: Record<string, number>,
  exitCodes: (number | null)[],
  errorLines: string[],
  events: string[],
): Omit<SoakReport, 'cpuBusyPercent'> {
  const posts = slack.postsPerNotice();
  const noticeMessages = slack.messages.filter((m) => m.noticeId !== null);
  const first = noticeMessages[0]?.at ?? 0;
  const last = noticeMessages.at(-1)?.at ?? 0;
  const seconds = Math.max(0.001, (last - first) / 1000);
  const byChannel = new Map<string, number[]>();
  for (const m of noticeMessages) byChannel.set(m.channel, [...(byChannel.get(m.channel) ?? []), m.at]);
  let gap = 0;
  for (const times of byChannel.values()) {
    for (let i = 1; i < times.length; i++)
      gap = Math.max(gap, (times[i] as number) - (times[i - 1] as number));
  }
  const duplicates = [...posts.values()].reduce((n, c) => n + (c - 1), 0);
  return {
    notices: o.notices,
    channels: o.channels,
    replicas: o.replicas,
    sent: posts.size,
    duplicates,
    lost: o.notices - posts.size,
    statuses,
    seconds,
    perSecond: posts.size / seconds,
    ceilingPerSecond: o.channels,
    longestChannelGapSeconds: gap / 1000,
    exitCodes,
    errorLines,
    events,
    slackCounts: { ...slack.counts },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
