import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/app/config.ts';
import { type BackgroundWork, startBackgroundWork } from '../../../bot/app/outbox.ts';
import { planRenewals } from '../../../db/stores/renewal-planning.ts';
import { type RecurringJob, type Scheduler, startScheduler } from '../../../scheduler/jobs/agenda.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { captureLogger, FakeNoticeBoard, jst, seedContracts } from '../notice-fixtures.ts';

const database = useTestDatabase();

const running: { stop(timeoutMs?: number): Promise<void> }[] = [];
beforeEach(async () => {
  await database.current.db.execute(sql`truncate service_groups, audit_events, outbox_lanes cascade`);
  await database.current.db.execute(sql`drop table if exists agenda_jobs`);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop(2_000)));
});

const waitUntil = async (condition: () => boolean | Promise<boolean>, ms: number, what: string) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const scheduler = async (name: string, jobs: RecurringJob[], clock?: () => Date): Promise<Scheduler> => {
  const s = await startScheduler({
    databaseUrl: database.current.url,
    name,
    jobs,
    logger: captureLogger().logger,
    processEvery: 50,
    ...(clock ? { clock } : {}),
  });
  running.push(s);
  return s;
};

const jobRows = async (name: string) => {
  const [row] = (await database.current.db.execute(
    sql`select count(*)::int as n from agenda_jobs where name = ${name}`,
  )) as unknown as { n: number }[];
  return row?.n ?? 0;
};

describe('the recurring-job runner on Agenda', () => {
  it('runs a recurring job again and again, with the time of the clock passed in', async () => {
    const at = jst('2027-01-01T09:00:00');
    const seen: Date[] = [];
    const s = await scheduler(
      'replica-a',
      [{ name: 'kigen:test-tick', every: 100, run: async (now) => void seen.push(now) }],
      () => at,
    );
    expect(s.running).toBe(true);
    await waitUntil(() => seen.length >= 3, 8_000, 'three runs');
    expect(seen.every((now) => now.getTime() === at.getTime())).toBe(true);
    // An `every` job is one row per name.
    expect(await jobRows('kigen:test-tick')).toBe(1);
  });

  it('two replicas on one database declaring the same job: one of them runs each run, never both at once', async () => {
    let active = 0;
    let maxActive = 0;
    const runsBy = new Map<string, number>();
    const job = (replica: string): RecurringJob => ({
      name: 'kigen:test-shared',
      every: 100,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        runsBy.set(replica, (runsBy.get(replica) ?? 0) + 1);
        // Longer than the interval and than both replicas' processing period.
        await sleep(250);
        active--;
      },
    });
    // Started together on a database where Agenda has no table yet: its schema is created once.
    await Promise.all([scheduler('replica-a', [job('a')]), scheduler('replica-b', [job('b')])]);
    const total = () => [...runsBy.values()].reduce((n, r) => n + r, 0);
    await waitUntil(() => total() >= 5, 15_000, 'five runs');
    expect(maxActive).toBe(1);
    expect(await jobRows('kigen:test-shared')).toBe(1);
  });

  it('stop drains: the running job finishes, no new run starts, and stop resolves', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const events: string[] = [];
    const s = await scheduler('replica-a', [
      {
        name: 'kigen:test-slow',
        every: 100,
        run: async () => {
          events.push('start');
          await gate;
          events.push('end');
        },
      },
    ]);
    await waitUntil(() => events.length > 0, 8_000, 'the job to start');

    let stopped = false;
    const stopping = s.stop(10_000).then(() => {
      stopped = true;
      events.push('stopped');
    });
    // Stop waits for the running job (several processing periods pass meanwhile).
    await sleep(300);
    expect(stopped).toBe(false);
    expect(s.running).toBe(true);
    release();
    await stopping;
    expect(s.running).toBe(false);
    expect(events).toEqual(['start', 'end', 'stopped']);

    // Nothing starts after the stop, though the job was due again many times over.
    await sleep(400);
    expect(events).toEqual(['start', 'end', 'stopped']);
  });
});

describe('startBackgroundWork (deliver mode)', () => {
  it('reconciles at start-up, its worker delivers the due notices, and stop releases the lane leases', async () => {
    const db = database.current.db;
    // The Tokyo morning of 2027-01-01, moving on in real time (the lanes' pacing needs time to pass).
    const offset = jst('2027-01-01T09:00:00').getTime() - Date.now();
    const clock = () => new Date(Date.now() + offset);

    const { contractIds } = await seedContracts(db, {
      count: 2,
      category: 'byo',
      notAfter: jst('2027-03-31T12:00:00'),
    });
    // One contract planned; the other left as if the bot had been down when its certificate came.
    await planRenewals(db, contractIds.slice(0, 1), {
      now: jst('2026-12-01T00:00:00'),
      actor: 'system:test',
    });
    // A third contract, not planned either, in a channel where the post hangs (in flight at stop).
    await seedContracts(db, {
      count: 1,
      category: 'byo',
      notAfter: jst('2027-03-31T12:00:00'),
      channel: () => 'C0HANGING1',
    });
    const cyclesOf = async () => {
      const [row] = (await db.execute(
        sql`select count(*)::int as n from renewal_cycles where contract_id in (
              select value::uuid from jsonb_array_elements_text(${JSON.stringify(contractIds)}::jsonb))`,
      )) as unknown as { n: number }[];
      return row?.n ?? 0;
    };
    expect(await cyclesOf()).toBe(1);

    const loaded = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'background-work-test-secret',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    });
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const board = new FakeNoticeBoard((notice) =>
      notice.contract.slackChannelId === 'C0HANGING1' ? 'hang' : undefined,
    );
    const log = captureLogger();
    let work: BackgroundWork | undefined;
    try {
      work = await startBackgroundWork({
        config: loaded.value,
        db,
        databaseUrl: database.current.url,
        logger: log.logger,
        clock,
        noticeBoard: board,
        worker: { clock, pollMs: 50 },
      });
      running.push(work);
      // Planned at start-up, before the worker starts.
      expect(await cyclesOf()).toBe(2);
      expect(log.lines.find((l) => String(l.msg).startsWith('reconcile: planned'))).toMatchObject({
        contracts: 2,
      });
      expect(work.worker?.health().running).toBe(true);

      const sent = async () => {
        const [row] = (await db.execute(
          sql`select count(*)::int as n from notices where kind = 'byo_notice' and status = 'sent'`,
        )) as unknown as { n: number }[];
        return row?.n ?? 0;
      };
      await waitUntil(
        async () => board.calls.length === 3 && (await sent()) === 2,
        10_000,
        'two notices sent, one post hanging',
      );
      const byoNotices = (await db.execute(sql`
        select n.status, c.slack_channel_id as channel from notices n join contracts c on c.id = n.contract_id
         where n.kind = 'byo_notice' order by c.slack_channel_id
      `)) as unknown as { status: string; channel: string }[];
      expect(byoNotices).toEqual([
        { status: 'sending', channel: 'C0HANGING1' },
        { status: 'sent', channel: 'C0TEST0001' },
        { status: 'sent', channel: 'C0TEST0001' },
      ]);
      expect([...board.postCounts.values()]).toEqual([1, 1]);
      const [held] = (await db.execute(
        sql`select holder from outbox_lanes where lane = 'slack:C0HANGING1'`,
      )) as unknown as { holder: string | null }[];
      expect(held?.holder).toBe(work.worker?.workerId);

      await work.stop(300);
      running.splice(running.indexOf(work), 1);
    } finally {
      if (work && running.includes(work)) await work.stop(300);
    }
    expect(work.worker?.health().running).toBe(false);
    const lanes = (await db.execute(sql`select lane, holder from outbox_lanes order by lane`)) as unknown as {
      lane: string;
      holder: string | null;
    }[];
    expect(lanes).toEqual([
      { lane: 'slack:C0HANGING1', holder: null },
      { lane: 'slack:C0TEST0001', holder: null },
    ]);
    // The hanging post was aborted: back to pending, to be looked up before it is written again.
    const [hung] = (await db.execute(sql`
      select n.status, n.uncertain_since is not null as uncertain from notices n
        join contracts c on c.id = n.contract_id
       where n.kind = 'byo_notice' and c.slack_channel_id = 'C0HANGING1'
    `)) as unknown as { status: string; uncertain: boolean }[];
    expect(hung).toEqual({ status: 'pending', uncertain: true });
  });
});
