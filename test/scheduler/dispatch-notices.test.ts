import { createHash, createPublicKey } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { applications, auditEvents, contracts, notices, renewalCycles } from '../../db/schema.ts';
import { connect } from '../../db/server/connection.ts';
import { claimDueNotices } from '../../db/stores/notices-outbox.ts';
import { updateCycle } from '../../db/stores/renewal-cycles.ts';
import { planRenewals } from '../../db/stores/renewal-planning.ts';
import { decryptPrivateKey, newMasterKeyText, parseCsr, parseMasterKey } from '../../domain/index.ts';
import {
  createNoticeDispatcher,
  type DispatcherOptions,
  noticeStatusCounts,
} from '../../scheduler/dispatch-notices.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { captureLogger, FakeDelivery, jst, seedContracts } from './notice-fixtures.ts';

const database = useTestDatabase();
const masterKey = newMasterKeyText();
const MINUTE = 60_000;

beforeEach(async () => {
  await database.current.db.execute(sql`truncate service_groups, audit_events cascade`);
});

const dispatcher = (delivery: FakeDelivery, extra: Partial<DispatcherOptions> = {}) =>
  createNoticeDispatcher({
    db: database.current.db,
    delivery,
    logger: captureLogger().logger,
    mode: 'deliver',
    masterKey,
    defaultLocale: 'ja',
    random: () => 0.5,
    ...extra,
  });

/** BYO contracts whose 90-day notice is due at `now` and nothing else. */
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

describe('notice dispatch', () => {
  it('R-NOTICE-4: two dispatchers on separate pools racing over 1,000 due notices deliver each exactly once', async () => {
    await seedByoDue(1_000);
    const delivery = new FakeDelivery();
    const second = connect(database.current.url, { max: 5 });
    try {
      const a = dispatcher(delivery, { batchSize: 50 });
      const b = createNoticeDispatcher({
        db: second.db,
        delivery,
        logger: captureLogger().logger,
        mode: 'deliver',
        masterKey,
        defaultLocale: 'ja',
        batchSize: 50,
      });
      const [ra, rb] = await Promise.all([a.dispatchDue(byoNoticeDue), b.dispatchDue(byoNoticeDue)]);
      expect(ra.sent + rb.sent).toBe(1_000);
      expect(ra.sent).toBeGreaterThan(0);
      expect(rb.sent).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
    expect(delivery.calls).toHaveLength(1_000);
    expect(new Set(delivery.calls.map((n) => n.notice.id)).size).toBe(1_000);
    expect(await noticeStatusCounts(database.current.db)).toEqual({ sent: 1_000, pending: 1_000 });
    const first = delivery.calls[0];
    expect(first?.recipients).toEqual({
      groupAdmins: ['U0ADMIN01', 'U0ADMIN02'],
      serviceAdmins: ['U0SERVICE1'],
    });
    expect(first?.locale).toBe('ja');
    expect(first?.notice.late).toBe(false);
    // The first notice of a cycle becomes its parent message and moves it to 'noticed'.
    const cycles = await database.current.db.select().from(renewalCycles);
    expect(cycles.every((c) => c.state === 'noticed' && c.slackTs !== null)).toBe(true);
  });

  it('a 429 storm loses nothing: Retry-After is waited out and every notice ends sent once', async () => {
    await seedByoDue(40);
    const K = 100;
    const delivery = new FakeDelivery((_, call) =>
      call < K ? { ok: false, retryable: true, error: 'ratelimited', retryAfterMs: 1_000 } : undefined,
    );
    const d = dispatcher(delivery, { maxAttempts: 3 });
    let now = byoNoticeDue;
    for (let round = 0; round < 20; round++) {
      await d.dispatchDue(now);
      now = new Date(now.getTime() + 2_500);
    }
    expect(await noticeStatusCounts(database.current.db)).toEqual({ sent: 40, pending: 40 });
    expect(delivery.posted.size).toBe(40);
    expect([...delivery.postCounts.values()].every((n) => n === 1)).toBe(true);
    // Retries honour Retry-After: nobody was asked again within the second.
    const [row] = (await database.current.db.execute(
      sql`select max(attempts)::int as max from notices where status = 'sent'`,
    )) as unknown as { max: number }[];
    expect(row?.max).toBeGreaterThan(3);
  });

  it('5xx failures are retried with backoff, then marked failed with the reason', async () => {
    await seedByoDue(1);
    const delivery = new FakeDelivery(() => ({ ok: false, retryable: true, error: 'internal_error' }));
    const d = dispatcher(delivery, { maxAttempts: 3 });
    await d.dispatchDue(byoNoticeDue);
    const [afterFirst] = await database.current.db
      .select()
      .from(notices)
      .where(eq(notices.kind, 'byo_notice'));
    expect(afterFirst?.status).toBe('pending');
    // attempt 1: 5 s nominal, jitter 0.5 → 3.75 s
    expect(afterFirst?.nextAttemptAt?.getTime()).toBe(byoNoticeDue.getTime() + 3_750);
    await d.dispatchDue(new Date(byoNoticeDue.getTime() + 1_000)); // not yet
    expect(delivery.calls).toHaveLength(1);
    await d.dispatchDue(new Date(byoNoticeDue.getTime() + 5 * MINUTE));
    await d.dispatchDue(new Date(byoNoticeDue.getTime() + 10 * MINUTE));
    const [failed] = await database.current.db.select().from(notices).where(eq(notices.kind, 'byo_notice'));
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failed?.lastError).toMatch(/internal_error/);
  });

  it('a process stopped between claim and post delivers after restart, without a duplicate; a message it did post is found and recorded', async () => {
    await seedByoDue(2);
    const db = database.current.db;
    // The dead process claimed both, posted one, and died.
    const claimed = await claimDueNotices(db, { workerId: 'dead-process', now: byoNoticeDue, limit: 10 });
    expect(claimed).toHaveLength(2);
    const delivery = new FakeDelivery();
    const postedBeforeCrash = { channel: 'C0TEST0001', ts: '1799999999.000001' };
    delivery.posted.set(claimed[0] as string, postedBeforeCrash);

    const d = dispatcher(delivery);
    // Within the lease nothing is touched: the claimer may still be working.
    const early = await d.dispatchDue(new Date(byoNoticeDue.getTime() + 30_000));
    expect(early.claimed).toBe(0);
    const later = await d.dispatchDue(new Date(byoNoticeDue.getTime() + 3 * MINUTE));
    expect(later).toMatchObject({ recovered: 1, sent: 1 });
    expect(delivery.calls.map((n) => n.notice.id)).toEqual([claimed[1]]);
    const rows = await db.select().from(notices).where(eq(notices.kind, 'byo_notice'));
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(rows.find((r) => r.id === claimed[0])?.slackTs).toBe(postedBeforeCrash.ts);
  });

  it('a post that hangs is left claimed, and after the lease findPosted decides: no blind second post', async () => {
    await seedByoDue(1);
    const delivery = new FakeDelivery((_, call) => (call === 0 ? 'hang' : undefined));
    const d = dispatcher(delivery, { deliverTimeoutMs: 50 });
    await d.dispatchDue(byoNoticeDue);
    const [stuck] = await database.current.db.select().from(notices).where(eq(notices.kind, 'byo_notice'));
    expect(stuck).toMatchObject({ status: 'sending', lastError: 'timeout' });
    const later = await d.dispatchDue(new Date(byoNoticeDue.getTime() + 3 * MINUTE));
    expect(later.sent).toBe(1);
    expect(delivery.findPostedCalls).toBe(1);
    expect(delivery.calls).toHaveLength(2);
  });

  it('channel_not_found marks that notice failed at once, logs one line with CN, kind and channel, and the others go on', async () => {
    await seedByoDue(3, (i) => (i === 1 ? 'C0GONE0001' : 'C0TEST0001'));
    const delivery = new FakeDelivery((n) =>
      n.contract.slackChannelId === 'C0GONE0001'
        ? { ok: false, retryable: false, error: 'channel_not_found' }
        : undefined,
    );
    const { logger, lines } = captureLogger();
    const summary = await dispatcher(delivery, { logger }).dispatchDue(byoNoticeDue);
    expect(summary).toMatchObject({ sent: 2, failed: 1 });
    const [failed] = await database.current.db
      .select({
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
    expect(warn[0]?.msg).toBe(`notice failed: ${failed?.cn} byo_notice in C0GONE0001: channel_not_found`);
  });

  it('R-AUTO-2, R-AUTO-3: at the data deadline the auto-renewal is built once, even with two dispatchers (same DN, DigiCert 24 → 12 months, provider CSR, encrypted key matching the CSR)', async () => {
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
    const noKey = new FakeDelivery();
    await dispatcher(noKey, { masterKey: undefined }).dispatchDue(dataDeadline);
    const [waiting] = await db.select().from(notices).where(eq(notices.kind, 'data_deadline'));
    expect(waiting).toMatchObject({ status: 'pending', lastError: 'keys.master_key_missing' });
    expect(await db.select().from(applications).where(eq(applications.kind, 'auto_renewal'))).toHaveLength(0);

    const delivery = new FakeDelivery();
    const second = connect(database.current.url, { max: 3 });
    const at = new Date(dataDeadline.getTime() + 10 * MINUTE);
    try {
      await Promise.all([
        dispatcher(delivery).dispatchDue(at),
        createNoticeDispatcher({
          db: second.db,
          delivery,
          logger: captureLogger().logger,
          mode: 'deliver',
          masterKey,
          defaultLocale: 'ja',
        }).dispatchDue(at),
      ]);
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
    const posted = delivery.calls.find((n) => n.notice.kind === 'data_deadline');
    expect(posted?.autoRenewal).toEqual({
      periodMonths: 12,
      previousPeriodMonths: 24,
      periodShortened: true,
      csrMethodSwitchedFromCustomer: true,
    });
    expect(posted?.locale).toBe('en');
    // The announcements found after the decision deadline were skipped, not posted late.
    const byKind = Object.fromEntries(
      (await db.select().from(notices).where(eq(notices.contractId, contractId))).map((n) => [n.kind, n]),
    );
    expect(byKind.pre_notice).toMatchObject({
      status: 'skipped',
      skipReason: 'notice.decision_deadline_passed',
    });
    // R-NOTICE-4: the decision deadline, found 5 days late (by the first run), is delivered saying so.
    expect(noKey.calls.find((n) => n.notice.kind === 'decision_deadline')?.notice.late).toBe(true);
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
    const delivery = new FakeDelivery();
    const d = dispatcher(delivery);
    const preNotice = jst('2026-12-27T09:00:00');
    await d.dispatchDue(preNotice);
    const [cycle] = await db.select().from(renewalCycles).where(eq(renewalCycles.contractId, contractId));
    const optedOut = await updateCycle(
      db,
      cycle?.id ?? '',
      { type: 'optOut', actor: { type: 'user', userId: 'U0ADMIN01', role: 'group_admin' } },
      new Date(preNotice.getTime() + MINUTE),
    );
    expect(optedOut.ok).toBe(true);

    await d.dispatchDue(jst('2027-01-01T09:00:00')); // notice
    await d.dispatchDue(jst('2027-01-05T12:00:00')); // decision deadline
    await d.dispatchDue(jst('2027-01-10T12:00:00')); // data deadline
    await d.dispatchDue(notAfter); // term end
    const byKind = Object.fromEntries(
      (await db.select().from(notices).where(eq(notices.contractId, contractId))).map((n) => [n.kind, n]),
    );
    expect(byKind.notice).toMatchObject({ status: 'skipped', skipReason: 'notice.cycle_decided' });
    expect(byKind.decision_deadline?.status).toBe('sent');
    expect(byKind.data_deadline?.status).toBe('sent');
    expect(byKind.term_end?.status).toBe('sent');
    expect(await db.select().from(applications).where(eq(applications.kind, 'auto_renewal'))).toHaveLength(0);
    // Later messages of the cycle reply in the thread of its first one.
    const parent = delivery.calls[0];
    expect(delivery.calls.slice(1).every((n) => n.thread?.channel === parent?.contract.slackChannelId)).toBe(
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
    const d = dispatcher(new FakeDelivery());
    await d.dispatchDue(byoNoticeDue);
    await d.dispatchDue(jst('2027-03-31T12:00:00'));
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
    const delivery = new FakeDelivery();
    const d = dispatcher(delivery, { mode: 'dry-run' });
    expect((await d.dispatchDue(byoNoticeDue)).printed).toBe(3);
    expect((await d.dispatchDue(new Date(byoNoticeDue.getTime() + MINUTE))).printed).toBe(0);
    expect(delivery.calls).toHaveLength(3);
    const rows = await database.current.db.select().from(notices).where(eq(notices.kind, 'byo_notice'));
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 0 && r.claimedBy === null)).toBe(true);
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
    const delivery = new FakeDelivery();
    // Past the data deadline (21 days before expiry): both deadline messages are due, no parent yet.
    await dispatcher(delivery).dispatchDue(jst('2027-03-11T12:00:00'));
    expect(delivery.calls.map((n) => [n.notice.kind, n.thread?.ts ?? null])).toEqual([
      ['decision_deadline', null],
      ['data_deadline', delivery.posted.get(delivery.calls[0]?.notice.id ?? '')?.ts],
    ]);
    const [cycle] = await db.select().from(renewalCycles).where(eq(renewalCycles.contractId, contractId));
    expect(cycle?.slackTs).toBe(delivery.posted.get(delivery.calls[0]?.notice.id ?? '')?.ts);
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
      const delivery = new FakeDelivery();
      const summary = await dispatcher(delivery).dispatchDue(bothDue);
      expect(summary).toMatchObject({ claimed: 2, sent: 1, skipped: 1 });
      expect(delivery.calls.map((n) => n.notice.kind)).toEqual(['notice']);
      expect(delivery.calls[0]?.thread).toBeNull();
      expect(delivery.calls[0]?.notice.late).toBe(false);
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
      expect((await dispatcher(delivery).dispatchDue(new Date(bothDue.getTime() + MINUTE))).claimed).toBe(0);
      expect(delivery.calls).toHaveLength(1);
    });

    it('dry-run prints only the notice and leaves both pending', async () => {
      const contractId = await seedProxy();
      const delivery = new FakeDelivery();
      const summary = await dispatcher(delivery, { mode: 'dry-run' }).dispatchDue(bothDue);
      expect(summary.printed).toBe(1);
      expect(delivery.calls.map((n) => n.notice.kind)).toEqual(['notice']);
      const rows = await byKind(contractId);
      expect(rows.pre_notice?.status).toBe('pending');
      expect(rows.notice?.status).toBe('pending');
    });
  });
});
