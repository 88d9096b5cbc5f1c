import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, contracts, notices } from '../../../db/schema.ts';
import { requeueFailedNotices, selectDueNotices } from '../../../db/stores/notices-outbox.ts';
import type { NoticeStatus } from '../../../domain/index.ts';
import { databaseEnv, runCli } from '../../support/cli-run.ts';
import { importSeed } from '../../support/seed.ts';
import { useTestDatabase } from '../../support/test-database.ts';

// The CLI uses the real clock, so the seed does too.
const NOW = new Date();
const MINUTE = 60_000;
const database = useTestDatabase();
const db = () => database.current.db;

// BYO contracts whose certificate expires in 40 days: the 90-day notice is already due.
const SEED = `
serviceGroups:
  - name: リトライ検証チーム
    members:
      - { slackUserId: U0RETRY01, role: group_admin }
    contracts:
${[
  'failed-1.example.jp',
  'failed-2.example.jp',
  'sent.example.jp',
  'pending.example.jp',
  'sending.example.jp',
]
  .map(
    (cn) => `      - cn: ${cn}
        category: byo
        channel: C0RETRY01
        certificates:
          - generate: { expiresInDays: 40, validityDays: 365 }`,
  )
  .join('\n')}
`;

const cli = (...argv: string[]) => runCli(argv, databaseEnv(database.current.url));

type NoticeRow = typeof notices.$inferSelect;

/** The 90-day notice of the contract CN. */
async function noticeOf(cn: string): Promise<NoticeRow> {
  const [row] = await db()
    .select({ notice: notices })
    .from(notices)
    .innerJoin(contracts, eq(contracts.id, notices.contractId))
    .where(and(eq(contracts.cn, cn), eq(notices.kind, 'byo_notice')));
  if (!row) throw new Error(`no byo_notice for ${cn}`);
  return row.notice;
}

/** The state a dispatcher leaves behind: a failed notice keeps its claim, attempts and last error. */
async function setNotice(cn: string, status: NoticeStatus, fields: Partial<NoticeRow> = {}) {
  const { id } = await noticeOf(cn);
  await db()
    .update(notices)
    .set({ status, updatedAt: new Date(NOW.getTime() - 10 * MINUTE), ...fields })
    .where(eq(notices.id, id));
}

const retryAudit = () =>
  db()
    .select({
      actor: auditEvents.actor,
      contractId: auditEvents.contractId,
      before: auditEvents.before,
      after: auditEvents.after,
      detail: auditEvents.detail,
      at: auditEvents.at,
    })
    .from(auditEvents)
    .where(eq(auditEvents.action, 'notice.retry_requested'))
    .orderBy(asc(auditEvents.id));

const CLAIMED_AT = new Date(NOW.getTime() - 20 * MINUTE);
const LATER = new Date(NOW.getTime() + 30 * MINUTE);

beforeEach(async () => {
  // Each test starts from the same outbox: two failed notices, one sent, one pending, one sending.
  await db().delete(auditEvents);
  await db().delete(contracts);
  await importSeed(db(), SEED, NOW);
  await setNotice('failed-1.example.jp', 'failed', {
    attempts: 8,
    lastError: 'not_in_channel',
    claimedBy: 'host:1:dead',
    claimedAt: CLAIMED_AT,
    nextAttemptAt: LATER,
  });
  await setNotice('failed-2.example.jp', 'failed', {
    attempts: 3,
    lastError: 'channel_not_found',
    claimedBy: 'host:2:dead',
    claimedAt: CLAIMED_AT,
  });
  await setNotice('sent.example.jp', 'sent', { attempts: 1, slackTs: '1700000000.000100', sentAt: NOW });
  await setNotice('sending.example.jp', 'sending', { attempts: 1, claimedBy: 'host:3:live', claimedAt: NOW });
});

describe('kigen notices retry ID', () => {
  it('puts the failed notice whose id kigen notices --json prints back to pending, due now, and records who', async () => {
    const listed = await cli('notices', '--failed', '--json');
    expect(listed.code).toBe(0);
    const failed = (JSON.parse(listed.stdout) as { id: string; cn: string }[]).find(
      (n) => n.cn === 'failed-1.example.jp',
    );
    if (!failed) throw new Error(`not listed: ${listed.stdout}`);
    const untouched = await noticeOf('failed-2.example.jp');
    expect(await selectDueNotices(db(), { now: new Date(), limit: 100 })).not.toContain(failed.id);

    const before = new Date();
    const result = await cli('notices', 'retry', failed.id);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      'failed-1.example.jp  byo_notice  (previous error: not_in_channel)\n' +
        '1 notice(s) requeued: pending and due now; the bot posts them at its next sweep.\n',
    );

    const notice = await noticeOf('failed-1.example.jp');
    expect(notice).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: null,
      lastError: 'not_in_channel',
      claimedBy: null,
      claimedAt: null,
    });
    // The dispatcher's own filter now picks it up.
    expect(await selectDueNotices(db(), { now: new Date(), limit: 100 })).toContain(failed.id);
    // Only that one.
    expect(await noticeOf('failed-2.example.jp')).toEqual(untouched);

    const audit = await retryAudit();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'cli',
      contractId: notice.contractId,
      before: { status: 'failed', attempts: 8, lastError: 'not_in_channel' },
      after: { status: 'pending', attempts: 0 },
      detail: { noticeId: failed.id, kind: 'byo_notice', cn: 'failed-1.example.jp' },
    });
    expect(audit[0]?.at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
  });

  it.each([
    ['sent.example.jp', 'sent'],
    ['pending.example.jp', 'pending'],
    ['sending.example.jp', 'sending'],
  ])('refuses the notice of %s, which is %s, with exit 1 and changes nothing', async (cn, status) => {
    const notice = await noticeOf(cn);
    const result = await cli('notices', 'retry', notice.id);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      `kigen notices retry: the notice ${notice.id} (${cn}, byo_notice) is ${status}, not failed; nothing changed\n`,
    );
    expect(await noticeOf(cn)).toEqual(notice);
    expect(await retryAudit()).toEqual([]);
  });

  it('refuses an unknown id and an id that is not a UUID, with exit 1 and nothing changed', async () => {
    const failed = await noticeOf('failed-1.example.jp');
    const unknownId = randomUUID();
    const unknown = await cli('notices', 'retry', unknownId);
    expect(unknown).toEqual({
      code: 1,
      stdout: '',
      stderr: `kigen notices retry: no notice has the id ${unknownId} (see kigen notices --all --json); nothing changed\n`,
    });
    for (const id of ['42', 'failed-1.example.jp', `${failed.id}x`, "x' or status = 'failed"]) {
      const result = await cli('notices', 'retry', id);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `kigen notices retry: '${id}' is not a notice id (a UUID, as kigen notices --json prints it)\n`,
      });
    }
    expect(await noticeOf('failed-1.example.jp')).toEqual(failed);
    expect(await retryAudit()).toEqual([]);
  });
});

describe('kigen notices retry --all-failed', () => {
  it('requeues every failed notice and nothing else, says which and how many; again: none', async () => {
    const others = await Promise.all(
      ['sent.example.jp', 'pending.example.jp', 'sending.example.jp'].map((cn) => noticeOf(cn)),
    );
    const result = await cli('notices', 'retry', '--all-failed');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).sort()).toEqual([
      'failed-1.example.jp  byo_notice  (previous error: not_in_channel)',
      'failed-2.example.jp  byo_notice  (previous error: channel_not_found)',
    ]);
    expect(lines.at(-1)).toBe(
      '2 notice(s) requeued: pending and due now; the bot posts them at its next sweep.',
    );
    for (const cn of ['failed-1.example.jp', 'failed-2.example.jp']) {
      expect(await noticeOf(cn)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: null });
    }
    expect(
      await Promise.all(
        ['sent.example.jp', 'pending.example.jp', 'sending.example.jp'].map((cn) => noticeOf(cn)),
      ),
    ).toEqual(others);
    expect((await retryAudit()).map((a) => (a.detail as { cn: string }).cn).sort()).toEqual([
      'failed-1.example.jp',
      'failed-2.example.jp',
    ]);

    const again = await cli('notices', 'retry', '--all-failed');
    expect(again).toEqual({ code: 0, stdout: 'No failed notice: nothing requeued.\n', stderr: '' });
    expect(await retryAudit()).toHaveLength(2);
    expect((await cli('notices', '--failed')).stdout).toBe(
      'CN  kind  due (JST)  status  attempts  last error\n0 notice(s)\n',
    );
  });
});

describe('requeueFailedNotices (db/notices-outbox.ts)', () => {
  /** Until a statement of this database waits for a row lock (the second retry, behind the first). */
  async function untilOneWaitsForALock() {
    for (;;) {
      const rows = await database.current.sql`
        select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('a retry of a notice that another retry has just requeued waits for it, then says it is pending: requeued once', async () => {
    const { id } = await noticeOf('failed-1.example.jp');
    const first = await db().transaction(async (tx) => {
      const outcome = await requeueFailedNotices(tx, { target: { id }, actor: 'cli', now: new Date() });
      const second = requeueFailedNotices(db(), { target: 'all-failed', actor: 'cli', now: new Date() });
      const third = requeueFailedNotices(db(), { target: { id }, actor: 'cli', now: new Date() });
      await untilOneWaitsForALock();
      return { outcome, others: [second, third] as const };
    });
    expect(first.outcome).toMatchObject({ ok: true, requeued: [{ id, cn: 'failed-1.example.jp' }] });
    const [all, again] = await Promise.all(first.others);
    // --all-failed, blocked on the row, requeues only what is still failed once it may look.
    expect(all).toMatchObject({ ok: true, requeued: [{ cn: 'failed-2.example.jp' }] });
    expect(again).toEqual({
      ok: false,
      reason: 'notice.not_failed',
      params: { cn: 'failed-1.example.jp', kind: 'byo_notice', status: 'pending' },
    });
    const audit = await retryAudit();
    expect(audit.map((a) => (a.detail as { cn: string }).cn).sort()).toEqual([
      'failed-1.example.jp',
      'failed-2.example.jp',
    ]);
  });
});

describe('kigen notices (listing, unchanged)', () => {
  it('lists pending, sending and failed by default; --failed only the failed; --all every one', async () => {
    // The 90-day notices (the seed's byo_expiry notices are all pending, due in 40 days).
    const cnsOf = (stdout: string) =>
      stdout
        .split('\n')
        .map((line) => line.split(/\s+/))
        .filter(([, kind]) => kind === 'byo_notice')
        .map(([cn]) => cn)
        .sort();
    const byDefault = await cli('notices');
    expect(byDefault.code).toBe(0);
    expect(cnsOf(byDefault.stdout)).toEqual([
      'failed-1.example.jp',
      'failed-2.example.jp',
      'pending.example.jp',
      'sending.example.jp',
    ]);
    expect(cnsOf((await cli('notices', '--failed')).stdout)).toEqual([
      'failed-1.example.jp',
      'failed-2.example.jp',
    ]);
    expect(cnsOf((await cli('notices', '--pending')).stdout)).toEqual([
      'pending.example.jp',
      'sending.example.jp',
    ]);
    const all = JSON.parse((await cli('notices', '--all', '--json')).stdout) as {
      cn: string;
      kind: string;
    }[];
    expect(all.filter((n) => n.kind === 'byo_notice')).toHaveLength(5);
    expect(all.some((n) => n.kind === 'byo_expiry')).toBe(true);
  });
});
