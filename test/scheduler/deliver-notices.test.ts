import { createHash, createPublicKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import nock from 'nock';
import type pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../bot/app/config.ts';
import { createLogger } from '../../bot/app/logger.ts';
import { createOutbox, wireOutboxWorker } from '../../bot/app/outbox.ts';
import { createKeyMaker } from '../../bot/keys/provider-keys.ts';
import { createSlackNoticeBoard } from '../../bot/slack/notice-board.ts';
import { createOutboxSlackClient } from '../../bot/slack/web-client.ts';
import { importData } from '../../db/import/import-data.ts';
import { readImportFile } from '../../db/import/read-import-file.ts';
import {
  applications,
  auditEvents,
  certificates,
  contracts,
  notices,
  renewalCycles,
} from '../../db/schema.ts';
import { connect, type Database } from '../../db/server/connection.ts';
import { createLaneLeases } from '../../db/stores/outbox-lanes.ts';
import { createOutboxQueue } from '../../db/stores/outbox-queues.ts';
import { updateCycle } from '../../db/stores/renewal-cycles.ts';
import { planRenewals } from '../../db/stores/renewal-planning.ts';
import { createStore } from '../../db/stores/store.ts';
import { decryptPrivateKey, newMasterKeyText, parseCsr, parseMasterKey } from '../../domain/index.ts';
import type { MessageBoard } from '../../domain/ports/messages.ts';
import type { DeliveryResult, NoticeBoard, NoticeToDeliver } from '../../domain/ports/notices.ts';
import { type Claim, slackLane } from '../../domain/ports/outbox.ts';
import type { OutboxWorker, OutboxWorkerOptions } from '../../scheduler/outbox-worker.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { captureLogger, FakeNoticeBoard, jst, seedContracts } from './notice-fixtures.ts';

const database = useTestDatabase();
const masterKey = newMasterKeyText();
const SECOND = 1_000;
const MINUTE = 60_000;

beforeEach(async () => {
  await database.current.db.execute(sql`truncate service_groups, audit_events, outbox_lanes cascade`);
});

/** No outbox message is enqueued in this suite: a board that refuses, so that one would show. */
const noMessages: MessageBoard = {
  refreshNotice: async () => ({ ok: false, error: 'unexpected_message', retryable: false, uncertain: false }),
  postReply: async () => ({ ok: false, error: 'unexpected_message', retryable: false, uncertain: false }),
  findReply: async () => ({ kind: 'unknown', error: 'unexpected_message' }),
  refreshOps: async () => ({ ok: false, error: 'unexpected_message', retryable: false, uncertain: false }),
};

/**
 * The worker of the composition root (bot/app/outbox.ts) on `db`, delivering notices to `board`;
 * unpaced where pacing is not the point, with a fixed jitter.
 */
const noticeWorker = (
  board: NoticeBoard,
  o: {
    db?: Database;
    masterKey?: string | undefined;
    logger?: pino.Logger;
    worker?: Partial<OutboxWorkerOptions>;
  } = {},
) => {
  const db = o.db ?? database.current.db;
  return wireOutboxWorker({
    db,
    store: createStore(db, { handoverChannels: [] }),
    keys: createKeyMaker('masterKey' in o ? o.masterKey : masterKey),
    defaultLocale: 'ja',
    boards: { notices: board, messages: noMessages, ops: null, webhook: null },
    logger: o.logger ?? captureLogger().logger,
    worker: { paceMs: () => 0, random: () => 0.5, ...o.worker },
  });
};

function config(env: Record<string, string>): Config {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.value;
}

/** The dry-run composition (no bot token): no worker, a print-out of due notices once per process. */
const dryRunOutbox = (board: NoticeBoard) => {
  const outbox = createOutbox({
    config: config({}),
    db: database.current.db,
    logger: createLogger('silent'),
    noticeBoard: board,
  });
  expect(outbox.worker).toBeNull();
  if (!outbox.dryRun) throw new Error('expected the dry-run composition');
  return outbox.dryRun;
};

const noticeStatusCounts = async () => {
  const rows = (await database.current.db.execute(
    sql`select status, count(*)::int as n from notices group by status order by status`,
  )) as unknown as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
};

/** BYO contracts whose 90-day notice is due at `byoNoticeDue` and nothing else. */
const seedByoDue = async (count: number, channel?: (i: number) => string) => {
  const seeded = await seedContracts(database.current.db, {
    count,
    category: 'byo',
    notAfter: jst('2027-03-31T12:00:00'),
    channel,
  });
  await planRenewals(database.current.db, seeded.contractIds, {
    now: jst('2026-12-01T00:00:00'),
    actor: 'system:test',
  });
  return seeded;
};
// byo_notice of 2027-03-31 is 2026-12-31 09:00 JST.
const byoNoticeDue = jst('2026-12-31T09:00:00');
const later = (ms: number) => new Date(byoNoticeDue.getTime() + ms);
const channelOf = (lanes: number) => (i: number) => `C0LANE${String(i % lanes).padStart(4, '0')}`;

/** A FakeNoticeBoard that also keeps the instant of each call. */
class TimedNoticeBoard extends FakeNoticeBoard {
  readonly at: Date[] = [];
  override async deliver(notice: NoticeToDeliver, now: Date, signal?: AbortSignal) {
    this.at.push(now);
    return super.deliver(notice, now, signal);
  }
}

describe('notice delivery on the outbox engine', () => {
  it('R-NOTICE-4: two workers on separate pools racing over 1,000 due notices deliver each exactly once', async () => {
    await seedByoDue(1_000, channelOf(40));
    const board = new FakeNoticeBoard();
    const pools = [connect(database.current.url, { max: 8 }), connect(database.current.url, { max: 8 })];
    try {
      // Eight lanes each at most: both workers hold lanes at once and race for the others.
      const [a, b] = pools.map((pool) => noticeWorker(board, { db: pool.db, worker: { maxLanes: 8 } })) as [
        OutboxWorker,
        OutboxWorker,
      ];
      const [ra, rb] = await Promise.all([a.runUntilIdle(byoNoticeDue), b.runUntilIdle(byoNoticeDue)]);
      expect(ra.done + rb.done).toBe(1_000);
      expect(ra.done).toBeGreaterThan(0);
      expect(rb.done).toBeGreaterThan(0);
      expect(ra.lost + rb.lost).toBe(0);
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
    }
    expect(board.calls).toHaveLength(1_000);
    expect(new Set(board.calls.map((n) => n.notice.id)).size).toBe(1_000);
    expect(await noticeStatusCounts()).toEqual({ sent: 1_000, pending: 1_000 });
    const first = board.calls[0];
    expect(first?.recipients).toEqual({
      groupAdmins: ['U0ADMIN01', 'U0ADMIN02'],
      serviceAdmins: ['U0SERVICE1'],
    });
    expect(first?.locale).toBe('ja');
    expect(first?.notice.late).toBeNull();
    // The first notice of a cycle becomes its parent message and moves it to 'noticed'.
    const cycles = await database.current.db.select().from(renewalCycles);
    expect(cycles.every((c) => c.state === 'noticed' && c.slackTs !== null)).toBe(true);
    // About 10,000 queries: seconds, but the default 20 s is short on a loaded machine with 2 cores.
  }, 60_000);

  it('a 429 storm loses nothing: Retry-After is waited out in the lane and every notice ends sent once', async () => {
    await seedByoDue(40, channelOf(8));
    const K = 100;
    const rateLimited: DeliveryResult = {
      ok: false,
      retryable: true,
      uncertain: false,
      error: 'ratelimited',
      retryAfterMs: SECOND,
    };
    const board = new TimedNoticeBoard((_, call) => (call < K ? rateLimited : undefined));
    const w = noticeWorker(board, { worker: { maxAttempts: 3 } });
    let now = byoNoticeDue;
    for (let round = 0; round < 60 && (await noticeStatusCounts()).sent !== 40; round++) {
      await w.runUntilIdle(now);
      now = new Date(now.getTime() + 2_500);
    }
    expect(await noticeStatusCounts()).toEqual({ sent: 40, pending: 40 });
    expect(board.posted.size).toBe(40);
    expect([...board.postCounts.values()].every((n) => n === 1)).toBe(true);
    // Retry-After is honoured: after a 429 its channel is not written to within the second.
    const calls = board.calls.map((n, i) => ({
      channel: n.contract.slackChannelId,
      id: n.notice.id,
      at: (board.at[i] as Date).getTime(),
      limited: i < K,
    }));
    for (const [i, call] of calls.entries()) {
      if (!call.limited) continue;
      const next = calls.slice(i + 1).find((c) => c.channel === call.channel);
      if (next) expect(next.at - call.at).toBeGreaterThanOrEqual(SECOND);
    }
    // Rate limits never count against a notice: one was refused more often than maxAttempts, and sent.
    const refusals = new Map<string, number>();
    for (const c of calls) if (c.limited) refusals.set(c.id, (refusals.get(c.id) ?? 0) + 1);
    expect(Math.max(...refusals.values())).toBeGreaterThan(3);
    const [row] = (await database.current.db.execute(
      sql`select max(attempts)::int as max from notices where status = 'sent'`,
    )) as unknown as { max: number }[];
    expect(row?.max).toBe(1);
  });

  it('5xx failures are retried with backoff, then marked failed with the reason (a refusal: nothing was posted)', async () => {
    await seedByoDue(1);
    const board = new FakeNoticeBoard(() => ({
      ok: false,
      retryable: true,
      uncertain: false,
      error: 'internal_error',
    }));
    const w = noticeWorker(board, { worker: { maxAttempts: 3 } });
    await w.runUntilIdle(byoNoticeDue);
    const [afterFirst] = await database.current.db
      .select()
      .from(notices)
      .where(eq(notices.kind, 'byo_notice'));
    expect(afterFirst).toMatchObject({ status: 'pending', lastError: 'internal_error', attempts: 1 });
    // attempt 1: 5 s nominal, jitter 0.5 → 3.75 s
    expect(afterFirst?.nextAttemptAt?.getTime()).toBe(byoNoticeDue.getTime() + 3_750);
    await w.runUntilIdle(later(SECOND)); // not yet
    expect(board.calls).toHaveLength(1);
    await w.runUntilIdle(later(5 * MINUTE));
    expect(board.calls).toHaveLength(2);
    await w.runUntilIdle(later(10 * MINUTE));
    const [failed] = await database.current.db.select().from(notices).where(eq(notices.kind, 'byo_notice'));
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'internal_error (after 3 attempts)',
    });
    expect(board.calls).toHaveLength(3);
    expect(board.findPostedCalls).toBe(0);
  });

  it('R-NOTICE-4: a 5xx of unknown outcome is looked for before each retry and never failed blindly; posted once when Slack answers', async () => {
    await seedByoDue(1);
    const board = new FakeNoticeBoard((_, call) =>
      call < 4 ? { ok: false, retryable: true, uncertain: true, error: 'http_500' } : undefined,
    );
    const w = noticeWorker(board, { worker: { maxAttempts: 2 } });
    const seen: string[] = [];
    let now = byoNoticeDue;
    for (let round = 0; round < 8 && (await noticeStatusCounts()).sent !== 1; round++) {
      await w.runUntilIdle(now);
      const [row] = await database.current.db.select().from(notices).where(eq(notices.kind, 'byo_notice'));
      seen.push(row?.status ?? 'gone');
      now = new Date(now.getTime() + 20 * MINUTE);
    }
    expect(seen).toEqual(['pending', 'pending', 'pending', 'pending', 'sent']);
    expect(board.calls).toHaveLength(5);
    expect(board.findPostedCalls).toBe(4);
    expect(board.posted.size).toBe(1);
  });

  it('a process stopped between claim and post delivers after restart, without a duplicate; a message it did post is found and recorded', async () => {
    await seedByoDue(2, channelOf(2));
    const db = database.current.db;
    // The dead process leased both lanes, claimed a notice in each, posted one, and died.
    const leases = createLaneLeases(db);
    const queue = createOutboxQueue(db, 'notices');
    const lanes = [slackLane('C0LANE0000'), slackLane('C0LANE0001')];
    expect(await leases.acquire(lanes, 'dead-process', byoNoticeDue, MINUTE, 2)).toHaveLength(2);
    const claimed = (await Promise.all(
      lanes.map((lane) => queue.claimNext(lane, 'dead-process', byoNoticeDue)),
    )) as Claim[];
    expect(claimed.every((c) => c !== null)).toBe(true);
    const [postedOne, unposted] = claimed as [Claim, Claim];
    const board = new FakeNoticeBoard();
    const postedBeforeCrash = { channel: 'C0LANE0000', ts: '1799999999.000001' };
    board.posted.set(postedOne.id, postedBeforeCrash);

    const w = noticeWorker(board);
    // Within the lease nothing is touched: the holder may still be working.
    expect((await w.runUntilIdle(later(30 * SECOND))).claimed).toBe(0);
    const after = await w.runUntilIdle(later(3 * MINUTE));
    expect(after).toMatchObject({ claimed: 2, done: 2, failed: 0, lost: 0 });
    expect(board.findPostedCalls).toBe(2);
    expect(board.calls.map((n) => n.notice.id)).toEqual([unposted.id]);
    const rows = await db.select().from(notices).where(eq(notices.kind, 'byo_notice'));
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(rows.find((r) => r.id === postedOne.id)?.slackTs).toBe(postedBeforeCrash.ts);
    // The dead process's late outcome changes nothing: its claims are not the notices' any more.
    expect(await queue.settle(unposted, { kind: 'failed', error: 'late' }, later(3 * MINUTE), null)).toBe(
      false,
    );
  });

  it('a post that hangs times out as uncertain, and afterwards findPosted decides: no blind second post', async () => {
    await seedByoDue(2, channelOf(2));
    const db = database.current.db;
    const board = new FakeNoticeBoard((_, call) => (call < 2 ? 'hang' : undefined));
    // The post in the second channel did reach Slack before its answer was lost.
    const landed = { channel: 'C0LANE0001', ts: '1799999999.000002' };
    board.lookup = (n) =>
      n.contract.slackChannelId === landed.channel ? { kind: 'found', message: landed } : undefined;
    const w = noticeWorker(board, { worker: { attemptTimeoutMs: 200 } });
    expect(await w.runUntilIdle(byoNoticeDue)).toMatchObject({ claimed: 2, retried: 2, done: 0 });
    const stuck = await db.select().from(notices).where(eq(notices.kind, 'byo_notice'));
    expect(stuck).toHaveLength(2);
    for (const row of stuck) {
      expect(row).toMatchObject({ status: 'pending', lastError: 'timeout', attempts: 1 });
      expect(row.uncertainSince).not.toBeNull();
    }
    const after = await w.runUntilIdle(later(3 * MINUTE));
    expect(after).toMatchObject({ claimed: 2, done: 2 });
    expect(board.findPostedCalls).toBe(2);
    // Two hung posts, then one post: only for the notice that was not found.
    expect(board.calls).toHaveLength(3);
    expect(board.calls[2]?.contract.slackChannelId).toBe('C0LANE0000');
    const rows = await db.select().from(notices).where(eq(notices.kind, 'byo_notice'));
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(rows.find((r) => r.slackChannelId === landed.channel)?.slackTs).toBe(landed.ts);
  });

  it('channel_not_found marks that notice failed at once, logs one line with CN, kind and channel, and the others go on', async () => {
    await seedByoDue(3, (i) => (i === 1 ? 'C0GONE0001' : 'C0TEST0001'));
    const board = new FakeNoticeBoard((n) =>
      n.contract.slackChannelId === 'C0GONE0001'
        ? { ok: false, retryable: false, uncertain: false, error: 'channel_not_found' }
        : undefined,
    );
    const { logger, lines } = captureLogger();
    const summary = await noticeWorker(board, { logger }).runUntilIdle(byoNoticeDue);
    expect(summary).toMatchObject({ done: 2, failed: 1 });
    const [failed] = await database.current.db
      .select({
        id: notices.id,
        status: notices.status,
        lastError: notices.lastError,
        attempts: notices.attempts,
        cn: contracts.cn,
      })
      .from(notices)
      .innerJoin(contracts, eq(contracts.id, notices.contractId))
      .where(eq(notices.status, 'failed'));
    expect(failed).toMatchObject({ lastError: 'channel_not_found', attempts: 1 });
    const warn = lines.filter((l) => l.level === 40);
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatchObject({
      id: failed?.id,
      cn: failed?.cn,
      kind: 'byo_notice',
      channel: 'C0GONE0001',
      error: 'channel_not_found',
    });
    expect(warn[0]?.msg).toBe(`notice failed: ${failed?.cn} byo_notice in C0GONE0001: channel_not_found`);
  });

  it('R-AUTO-2, R-AUTO-3: at the data deadline the auto-renewal is built once, even with two workers (same DN, DigiCert 24 → 12 months, provider CSR, encrypted key matching the CSR)', async () => {
    const db = database.current.db;
    const notAfter = jst('2027-01-31T12:00:00');
    const { contractIds } = await seedContracts(db, {
      count: 1,
      category: 'proxy',
      notAfter,
      periodMonths: 24,
      csrMethod: 'customer',
      application: true,
      locale: 'en',
    });
    const contractId = contractIds[0] as string;
    await planRenewals(db, contractIds, { now: jst('2026-12-01T00:00:00'), actor: 'system:test' });
    const dataDeadline = jst('2027-01-10T12:00:00');

    // Without the master key nothing is generated: the notice waits, never a plaintext key.
    const noKey = new FakeNoticeBoard();
    await noticeWorker(noKey, { masterKey: undefined }).runUntilIdle(dataDeadline);
    const [waiting] = await db.select().from(notices).where(eq(notices.kind, 'data_deadline'));
    expect(waiting).toMatchObject({ status: 'pending', lastError: 'keys.master_key_missing' });
    expect(await db.select().from(applications).where(eq(applications.kind, 'auto_renewal'))).toHaveLength(0);

    const board = new FakeNoticeBoard();
    const second = connect(database.current.url, { max: 3 });
    const at = new Date(dataDeadline.getTime() + 10 * MINUTE);
    try {
      const summaries = await Promise.all([
        noticeWorker(board).runUntilIdle(at),
        noticeWorker(board, { db: second.db }).runUntilIdle(at),
      ]);
      expect(summaries.reduce((n, s) => n + s.done, 0)).toBe(1);
    } finally {
      await second.close();
    }
    const autos = await db.select().from(applications).where(eq(applications.kind, 'auto_renewal'));
    expect(autos).toHaveLength(1);
    const auto = autos[0];
    expect(auto).toMatchObject({
      contractId,
      dnO: 'Sample K.K.',
      dnOu: 'Web',
      dnSt: 'Tokyo',
      periodMonths: 12,
      csrMethod: 'provider',
      requestedBy: 'system:data_deadline',
    });
    const csr = parseCsr(auto?.csrPem ?? '');
    expect(csr.ok && csr.value.commonName).toBe(auto?.dnCn);
    const key = parseMasterKey(masterKey);
    if (!key.ok) throw new Error('master key');
    expect(auto?.encryptedPrivateKey).not.toMatch(/PRIVATE KEY/);
    const plain = decryptPrivateKey(auto?.encryptedPrivateKey ?? '', key.value, { context: contractId });
    expect(plain.ok).toBe(true);
    if (!plain.ok || !csr.ok) return;
    const spki = createPublicKey(plain.value).export({ type: 'spki', format: 'der' });
    expect(createHash('sha256').update(spki).digest('hex')).toBe(csr.value.publicKey.spkiSha256);

    const [cycle] = await db.select().from(renewalCycles).where(eq(renewalCycles.contractId, contractId));
    expect(cycle?.state).toBe('auto_renewal_requested');
    const posted = board.calls.filter((n) => n.notice.kind === 'data_deadline');
    expect(posted).toHaveLength(1);
    expect(posted[0]?.autoRenewal).toEqual({
      periodMonths: 12,
      previousPeriodMonths: 24,
      periodShortened: true,
      csrMethodSwitchedFromCustomer: true,
    });
    expect(posted[0]?.locale).toBe('en');
    // The announcements found after the decision deadline were skipped, not posted late.
    const byKind = Object.fromEntries(
      (await db.select().from(notices).where(eq(notices.contractId, contractId))).map((n) => [n.kind, n]),
    );
    expect(byKind.pre_notice).toMatchObject({
      status: 'skipped',
      skipReason: 'notice.decision_deadline_passed',
    });
    expect(byKind.data_deadline?.status).toBe('sent');
    // R-NOTICE-4: the decision deadline, found 5 days late (by the first run), is delivered saying so.
    expect(noKey.calls.find((n) => n.notice.kind === 'decision_deadline')?.notice.late).toBe(
      'delivered_after_due',
    );
    const audit = await db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.cycleId, cycle?.id ?? ''), eq(auditEvents.action, 'application.auto_renewal')),
      );
    expect(audit).toHaveLength(1);
  });

  it('R-AUTO-1: an opted-out cycle gets no further reminder (skipped with reason), still its deadline messages, no auto-renewal, and is cancelled at term end', async () => {
    const db = database.current.db;
    const notAfter = jst('2027-01-31T12:00:00');
    const { contractIds } = await seedContracts(db, {
      count: 1,
      category: 'proxy',
      notAfter,
      application: true,
    });
    const contractId = contractIds[0] as string;
    await planRenewals(db, contractIds, { now: jst('2026-12-01T00:00:00'), actor: 'system:test' });
    const board = new FakeNoticeBoard();
    const w = noticeWorker(board);
    const preNotice = jst('2026-12-27T09:00:00');
    await w.runUntilIdle(preNotice);
    const [cycle] = await db.select().from(renewalCycles).where(eq(renewalCycles.contractId, contractId));
    const optedOut = await updateCycle(
      db,
      cycle?.id ?? '',
      { type: 'optOut', actor: { type: 'user', userId: 'U0ADMIN01', role: 'group_admin' } },
      new Date(preNotice.getTime() + MINUTE),
    );
    expect(optedOut.ok).toBe(true);

    await w.runUntilIdle(jst('2027-01-01T09:00:00')); // notice
    await w.runUntilIdle(jst('2027-01-05T12:00:00')); // decision deadline
    await w.runUntilIdle(jst('2027-01-10T12:00:00')); // data deadline
    await w.runUntilIdle(notAfter); // term end
    const byKind = Object.fromEntries(
      (await db.select().from(notices).where(eq(notices.contractId, contractId))).map((n) => [n.kind, n]),
    );
    expect(byKind.notice).toMatchObject({ status: 'skipped', skipReason: 'notice.cycle_decided' });
    expect(byKind.decision_deadline?.status).toBe('sent');
    expect(byKind.data_deadline?.status).toBe('sent');
    expect(byKind.term_end?.status).toBe('sent');
    expect(await db.select().from(applications).where(eq(applications.kind, 'auto_renewal'))).toHaveLength(0);
    // Later messages of the cycle reply in the thread of its first one.
    const parent = board.calls[0];
    expect(board.calls).toHaveLength(4);
    expect(board.calls.slice(1).every((n) => n.thread?.channel === parent?.contract.slackChannelId)).toBe(
      true,
    );
    expect(byKind.decision_deadline?.slackThreadTs).toBe(byKind.pre_notice?.slackTs);
    const [after] = await db.select().from(renewalCycles).where(eq(renewalCycles.contractId, contractId));
    expect(after?.state).toBe('cancelled');
    const [contract] = await db.select().from(contracts).where(eq(contracts.id, contractId));
    expect(contract?.status).toBe('cancelled');
  });

  it('R-AUTO-4: a BYO certificate that expires gets a reminder and the contract stays', async () => {
    const db = database.current.db;
    const { contractIds } = await seedByoDue(1);
    const w = noticeWorker(new FakeNoticeBoard());
    await w.runUntilIdle(byoNoticeDue);
    await w.runUntilIdle(jst('2027-03-31T12:00:00'));
    const [cycle] = await db
      .select()
      .from(renewalCycles)
      .where(eq(renewalCycles.contractId, contractIds[0] as string));
    expect(cycle?.state).toBe('expired_registered');
    const [expiry] = await db.select().from(notices).where(eq(notices.kind, 'byo_expiry'));
    expect(expiry?.status).toBe('sent');
    const [contract] = await db
      .select()
      .from(contracts)
      .where(eq(contracts.id, contractIds[0] as string));
    expect(contract?.status).toBe('active');
  });

  it('dry-run prints each due notice once per process and leaves it pending', async () => {
    await seedByoDue(3);
    const board = new FakeNoticeBoard();
    const dryRun = dryRunOutbox(board);
    expect(await dryRun(byoNoticeDue)).toBe(3);
    expect(await dryRun(later(MINUTE))).toBe(0);
    expect(board.calls).toHaveLength(3);
    const rows = await database.current.db.select().from(notices).where(eq(notices.kind, 'byo_notice'));
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 0 && r.claimedBy === null)).toBe(true);
    expect(await database.current.db.execute(sql`select lane from outbox_lanes`)).toHaveLength(0);
  });

  it('R-AUTO-5: two deadline messages of a cycle due at once open one parent message, the second replies in its thread', async () => {
    const db = database.current.db;
    const notAfter = jst('2027-03-31T12:00:00');
    const { contractIds } = await seedContracts(db, { count: 1, category: 'proxy', notAfter });
    const contractId = contractIds[0] as string;
    await planRenewals(db, contractIds, { now: jst('2027-01-01T00:00:00'), actor: 'system:test' });
    // Opted out before any notice reached the channel (e.g. the bot was down for weeks).
    await db
      .update(renewalCycles)
      .set({
        state: 'opted_out',
        decision: 'opt_out',
        decidedBy: 'U0ADMIN01',
        decidedAt: jst('2027-02-20T10:00:00'),
      })
      .where(eq(renewalCycles.contractId, contractId));
    const board = new FakeNoticeBoard();
    // Past the data deadline (21 days before expiry): both deadline messages are due, no parent yet.
    await noticeWorker(board).runUntilIdle(jst('2027-03-11T12:00:00'));
    expect(board.calls.map((n) => [n.notice.kind, n.thread?.ts ?? null])).toEqual([
      ['decision_deadline', null],
      ['data_deadline', board.posted.get(board.calls[0]?.notice.id ?? '')?.ts],
    ]);
    const [cycle] = await db.select().from(renewalCycles).where(eq(renewalCycles.contractId, contractId));
    expect(cycle?.slackTs).toBe(board.posted.get(board.calls[0]?.notice.id ?? '')?.ts);
  });

  describe('R-NOTICE-4, R-NOTICE-1: the 35-day pre-notice and the 30-day notice due at once (after downtime)', () => {
    const notAfter = jst('2027-01-31T12:00:00');
    // pre_notice due 2026-12-27 09:00 JST, notice 2027-01-01 09:00 JST: both due at the latter.
    const bothDue = jst('2027-01-01T09:00:00');
    const seedProxy = async () => {
      const db = database.current.db;
      const { contractIds } = await seedContracts(db, { count: 1, category: 'proxy', notAfter });
      await planRenewals(db, contractIds, { now: jst('2026-12-01T00:00:00'), actor: 'system:test' });
      return contractIds[0] as string;
    };
    const byKind = async (contractId: string) =>
      Object.fromEntries(
        (await database.current.db.select().from(notices).where(eq(notices.contractId, contractId))).map(
          (n) => [n.kind, n],
        ),
      );

    it('posts only the notice, as the parent message; the pre-notice is skipped as superseded', async () => {
      const db = database.current.db;
      const contractId = await seedProxy();
      const board = new FakeNoticeBoard();
      const summary = await noticeWorker(board).runUntilIdle(bothDue);
      expect(summary).toMatchObject({ claimed: 2, done: 1, skipped: 1 });
      expect(board.calls.map((n) => n.notice.kind)).toEqual(['notice']);
      expect(board.calls[0]?.thread).toBeNull();
      expect(board.calls[0]?.notice.late).toBeNull();
      const rows = await byKind(contractId);
      expect(rows.pre_notice).toMatchObject({
        status: 'skipped',
        skipReason: 'notice.superseded_by_later',
        slackTs: null,
      });
      expect(rows.notice).toMatchObject({ status: 'sent', slackThreadTs: null });
      const [cycle] = await db.select().from(renewalCycles).where(eq(renewalCycles.contractId, contractId));
      expect(cycle).toMatchObject({ state: 'noticed', slackTs: rows.notice?.slackTs });
      // Nothing is left to post: the pre-notice is never posted late afterwards.
      expect((await noticeWorker(board).runUntilIdle(new Date(bothDue.getTime() + MINUTE))).claimed).toBe(0);
      expect(board.calls).toHaveLength(1);
    });

    it('dry-run prints only the notice and leaves both pending', async () => {
      const contractId = await seedProxy();
      const board = new FakeNoticeBoard();
      expect(await dryRunOutbox(board)(bothDue)).toBe(1);
      expect(board.calls.map((n) => n.notice.kind)).toEqual(['notice']);
      const rows = await byKind(contractId);
      expect(rows.pre_notice?.status).toBe('pending');
      expect(rows.notice?.status).toBe('pending');
    });
  });

  describe('R-NOTICE-4: a notice planned after it was due says so, not that the bot was stopped', () => {
    const ORIGIN = 'http://127.0.0.1:9';
    const importYaml = async (yaml: string, now: Date) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'kigen-deliver-'));
      const file = path.join(dir, 'late-import.yaml');
      await writeFile(file, yaml);
      const source = await readImportFile(file);
      if (!source.ok) throw new Error(source.problems[0]?.message);
      const result = await importData(database.current.db, source.value, now);
      if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
      await rm(dir, { recursive: true });
    };
    /** The context lines of each message posted to Slack (the stand-in), by channel. */
    const slackStandIn = () => {
      const posted = new Map<string, string>();
      let seq = 0;
      const scope = nock(ORIGIN)
        .post('/api/chat.postMessage', (body: Record<string, string>) => {
          const blocks = JSON.parse(body.blocks ?? '[]') as { type: string; elements?: { text: string }[] }[];
          const context = blocks
            .filter((b) => b.type === 'context')
            .flatMap((b) => (b.elements ?? []).map((e) => e.text));
          posted.set(body.channel ?? '', context.join('\n'));
          return true;
        })
        .times(2)
        .reply(200, (_uri, body) => ({
          ok: true,
          channel: new URLSearchParams(String(body)).get('channel'),
          ts: `1800000000.00010${++seq}`,
        }));
      const logger = createLogger('silent');
      const client = createOutboxSlackClient({ token: 'xoxb-test', slackApiUrl: `${ORIGIN}/api/`, logger });
      return { posted, scope, board: createSlackNoticeBoard({ client, logger }) };
    };
    afterEach(() => {
      nock.cleanAll();
    });

    it('an imported contract whose pre-notice was already due is posted saying it was planned late; one planned in time and posted after downtime keeps the stopped wording', async () => {
      const db = database.current.db;
      // Imported 32 days before its certificate expires: the 35-day pre-notice was due 3 days earlier.
      const importedAt = jst('2026-11-01T10:00:00');
      await importYaml(
        `
serviceGroups:
  - name: Imported late
    members: [{ slackUserId: U0LATE0001, role: group_admin }]
    contracts:
      - cn: imported-late.example.jp
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: C0IMPORTED
        certificates:
          - generate: { expiresInDays: 32, validityDays: 199 }
`,
        importedAt,
      );
      const [imported] = await db
        .select({ dueAt: notices.dueAt, createdAt: notices.createdAt, notAfter: certificates.notAfter })
        .from(notices)
        .innerJoin(contracts, eq(contracts.id, notices.contractId))
        .innerJoin(certificates, eq(certificates.id, notices.certificateId))
        .where(and(eq(contracts.cn, 'imported-late.example.jp'), eq(notices.kind, 'pre_notice')));
      if (!imported) throw new Error('the import planned no pre-notice');
      // Planned at the import, three days after it was due.
      expect(imported.createdAt).toEqual(importedAt);
      expect(importedAt.getTime() - imported.dueAt.getTime()).toBeGreaterThan(2 * 86_400_000);
      // The same expiry, planned in June: its pre-notice was due while the bot was stopped.
      const inTime = await seedContracts(db, {
        count: 1,
        category: 'proxy',
        notAfter: imported.notAfter,
        channel: () => 'C0INTIME01',
      });
      await planRenewals(db, inTime.contractIds, { now: jst('2026-06-01T00:00:00'), actor: 'system:test' });

      const slack = slackStandIn();
      const summary = await noticeWorker(slack.board).runUntilIdle(new Date(importedAt.getTime() + MINUTE));
      expect(summary).toMatchObject({ done: 2, failed: 0, retried: 0 });
      expect(slack.scope.isDone()).toBe(true);
      expect(slack.posted.get('C0IMPORTED')).toContain(
        'この通知は予定（2026年10月29日(木) 09:00）より遅れて配信されました。予定日時を過ぎた後（2026年11月1日(日) 10:00）に通知が登録されたためです',
      );
      expect(slack.posted.get('C0IMPORTED')).not.toContain('ボットが停止');
      expect(slack.posted.get('C0INTIME01')).toContain(
        'この通知は予定（2026年10月29日(木) 09:00）より遅れて配信されました。ボットが停止していた間に予定時刻を過ぎたためです',
      );
    });
  });
});
