import { eq, sql } from 'drizzle-orm';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../bot/app/config.ts';
import { createLogger } from '../../../bot/app/logger.ts';
import { createOutbox } from '../../../bot/app/outbox.ts';
import { createDryRunNoticeBoard } from '../../../bot/slack/dry-run-notices.ts';
import { notices } from '../../../db/schema.ts';
import { planRenewals } from '../../../db/stores/renewal-planning.ts';
import { MS_PER_DAY, type NoticeLateness, newRenewalCycle } from '../../../domain/index.ts';
import type { NoticeToDeliver } from '../../../domain/ports/notices.ts';
import { jst, seedContracts } from '../../scheduler/notice-fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const database = useTestDatabase();

const EXPIRES = new Date('2026-12-25T00:00:00Z');
const DUE = new Date(EXPIRES.getTime() - 35 * MS_PER_DAY);
const PLANNED = new Date(EXPIRES.getTime() - 200 * MS_PER_DAY);

function notice(
  locale: 'ja' | 'en' = 'ja',
  id = 'notice-1',
  late: { late: NoticeLateness; plannedAt: Date } = { late: null, plannedAt: PLANNED },
): NoticeToDeliver {
  return {
    notice: { id, kind: 'pre_notice', dueAt: DUE, attempts: 1, ...late },
    contract: {
      id: 'contract-1',
      cn: 'www.example.jp',
      category: 'proxy',
      ca: 'cybertrust',
      productId: 'cybertrust.sureserver_cloud',
      periodMonths: 12,
      slackChannelId: 'C0123ABCD',
    },
    certificate: { id: 'cert-1', notAfter: EXPIRES },
    cycle: newRenewalCycle({
      id: 'cycle-1',
      contractId: 'contract-1',
      category: 'proxy',
      expiresAt: EXPIRES,
      decisionDeadline: new Date(EXPIRES.getTime() - 26 * MS_PER_DAY),
      dataDeadline: new Date(EXPIRES.getTime() - 21 * MS_PER_DAY),
    }),
    recipients: { groupAdmins: ['U0GA1'], serviceAdmins: ['U0SA1'] },
    locale,
    thread: null,
  };
}

function config(env: Record<string, string>): Config {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.value;
}

afterEach(() => {
  nock.cleanAll();
});

describe('dry-run notice board', () => {
  it('prints the notice as readable text: CN, kind, due and expiry in JST, channel, mentions, buttons', async () => {
    const out: string[] = [];
    const dryRun = createDryRunNoticeBoard({ printBlocks: false, write: (t) => out.push(t) });

    const result = await dryRun.deliver(notice(), DUE);

    expect(result).toEqual({ ok: true, message: { channel: 'C0123ABCD', ts: 'dry-run' }, threadTs: null });
    const text = out.join('');
    expect(text).toContain('[dry-run]');
    expect(text).toContain('コモンネーム: www.example.jp');
    expect(text).toContain('種類: 事前通知（35日前） (pre_notice)');
    expect(text).toContain('予定: 2026年11月20日(金) 09:00');
    expect(text).toContain('有効期限: 2026年12月25日(金) 09:00');
    expect(text).toContain('チャンネル: C0123ABCD');
    expect(text).toContain('メンション: @U0GA1 @U0SA1');
    expect(text).toContain('[更新する] renewal.renew');
    expect(text).toContain('[期間を変更] renewal.change_period');
    expect(text).toContain('[解約する] renewal.opt_out');
    expect(text).not.toContain('"blocks"');
  });

  it('prints in English for an English channel', async () => {
    const out: string[] = [];
    await createDryRunNoticeBoard({ printBlocks: false, write: (t) => out.push(t) }).deliver(
      notice('en'),
      DUE,
    );
    expect(out.join('')).toContain('kind: advance notice (35 days) (pre_notice)');
    expect(out.join('')).toContain('[Renew] renewal.renew');
  });

  it('R-NOTICE-4: a late notice prints why it is late, as the message would say it', async () => {
    // Imported two days after its due instant (2026-11-20 09:00 JST), printed an hour after that.
    const importedAt = new Date(DUE.getTime() + 2 * MS_PER_DAY);
    const now = new Date(importedAt.getTime() + 3_600_000);
    const cases = [
      {
        locale: 'ja',
        late: 'planned_after_due',
        line: '予定: 2026年11月20日(金) 09:00 (遅延: 予定日時を過ぎた後（2026年11月22日(日) 09:00）に登録)',
      },
      {
        locale: 'en',
        late: 'planned_after_due',
        line: 'due: Fri 20 Nov 2026 09:00 JST (late: planned only after it was due, on Sun 22 Nov 2026 09:00 JST)',
      },
      {
        locale: 'ja',
        late: 'delivered_after_due',
        line: '予定: 2026年11月20日(金) 09:00 (遅延: ボットの停止中に予定時刻を過ぎた)',
      },
      {
        locale: 'en',
        late: 'delivered_after_due',
        line: 'due: Fri 20 Nov 2026 09:00 JST (late: the bot was stopped when it was due)',
      },
    ] as const;
    for (const { locale, late, line } of cases) {
      const out: string[] = [];
      const plannedAt = late === 'planned_after_due' ? importedAt : PLANNED;
      await createDryRunNoticeBoard({ printBlocks: false, write: (t) => out.push(t) }).deliver(
        notice(locale, `notice-${late}`, { late, plannedAt }),
        now,
      );
      expect(out.join('')).toContain(`  ${line}\n`);
    }
  });

  it('with printBlocks it prints the Block Kit JSON too', async () => {
    const out: string[] = [];
    await createDryRunNoticeBoard({ printBlocks: true, write: (t) => out.push(t) }).deliver(notice(), DUE);

    const text = out.join('');
    const json = JSON.parse(text.slice(text.indexOf('\n{') + 1)) as {
      blocks: { type: string }[];
      metadata: { event_payload: { notice_id: string } };
    };
    expect(json.blocks.some((b) => b.type === 'actions')).toBe(true);
    expect(json.metadata.event_payload.notice_id).toBe('notice-1');
  });

  it('prints each notice once per process, and never claims to have found a posted one', async () => {
    const out: string[] = [];
    const dryRun = createDryRunNoticeBoard({ printBlocks: false, write: (t) => out.push(t) });
    await dryRun.deliver(notice(), DUE);
    await dryRun.deliver(notice(), DUE);
    await dryRun.deliver(notice('ja', 'notice-2'), DUE);
    expect(out).toHaveLength(2);
    await expect(
      dryRun.findPosted(notice(), { since: DUE, until: new Date(DUE.getTime() + 60_000) }),
    ).resolves.toEqual({ kind: 'absent' });
  });
});

describe('createOutbox: dry-run or Slack, by configuration', () => {
  // A proxy contract whose 35-day pre-notice (2026-12-27 09:00 JST) is its only notice due.
  const preNoticeDue = jst('2026-12-27T09:00:00');
  const seedDue = async () => {
    const db = database.current.db;
    const { contractIds } = await seedContracts(db, {
      count: 1,
      category: 'proxy',
      notAfter: jst('2027-01-31T12:00:00'),
      channel: () => 'C0123ABCD',
    });
    await planRenewals(db, contractIds, { now: jst('2026-12-01T00:00:00'), actor: 'system:test' });
    const [due] = await db.select().from(notices).where(eq(notices.kind, 'pre_notice'));
    if (!due) throw new Error('no pre-notice planned');
    return due.id;
  };
  const outboxOf = (env: Record<string, string>, write?: (t: string) => void) =>
    createOutbox({
      config: config(env),
      db: database.current.db,
      logger: createLogger('silent'),
      worker: { paceMs: () => 0 },
      ...(write ? { write } : {}),
    });

  beforeEach(async () => {
    await database.current.db.execute(sql`truncate service_groups, audit_events, outbox_lanes cascade`);
  });

  it('is dry-run without a bot token: no worker, the due notices printed once per process, nothing recorded', async () => {
    const id = await seedDue();
    const out: string[] = [];
    const outbox = outboxOf({}, (t) => out.push(t));
    expect(outbox.worker).toBeNull();
    expect(outbox.dryRun).not.toBeNull();

    expect(await outbox.dryRun?.(preNoticeDue)).toBe(1);
    expect(await outbox.dryRun?.(new Date(preNoticeDue.getTime() + 60_000))).toBe(0);

    expect(out).toHaveLength(1);
    expect(out[0]).toContain('[dry-run]');
    expect(out[0]).toContain('チャンネル: C0123ABCD');
    expect(out[0]).not.toContain('"blocks"');
    const [row] = await database.current.db.select().from(notices).where(eq(notices.id, id));
    expect(row).toMatchObject({ status: 'pending', attempts: 0, slackTs: null });
  });

  it('with KIGEN_DRY_RUN_BLOCKS=1 the dry-run prints the Block Kit JSON too', async () => {
    const id = await seedDue();
    const out: string[] = [];
    const outbox = outboxOf({ KIGEN_DRY_RUN_BLOCKS: '1' }, (t) => out.push(t));

    expect(await outbox.dryRun?.(preNoticeDue)).toBe(1);

    const text = out.join('');
    const json = JSON.parse(text.slice(text.indexOf('\n{') + 1)) as {
      blocks: { type: string }[];
      metadata: { event_payload: { notice_id: string } };
    };
    expect(json.blocks.some((b) => b.type === 'actions')).toBe(true);
    expect(json.metadata.event_payload.notice_id).toBe(id);
  });

  it('with a bot token: a worker (no dry-run) whose notice posts reach Slack at SLACK_API_URL', async () => {
    const id = await seedDue();
    let body: Record<string, string> | undefined;
    const scope = nock('http://127.0.0.1:9')
      .post('/api/chat.postMessage', (b: Record<string, string>) => {
        body = b;
        return true;
      })
      .matchHeader('authorization', 'Bearer xoxb-test')
      .reply(200, { ok: true, channel: 'C0123ABCD', ts: '1.000100' });
    const out: string[] = [];
    const outbox = outboxOf(
      {
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_APP_TOKEN: 'xapp-test',
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
      },
      (t) => out.push(t),
    );
    expect(outbox.dryRun).toBeNull();
    if (!outbox.worker) throw new Error('expected a worker');

    const summary = await outbox.worker.runUntilIdle(preNoticeDue);

    expect(summary).toMatchObject({ claimed: 1, done: 1 });
    expect(scope.isDone()).toBe(true);
    expect(body?.channel).toBe('C0123ABCD');
    expect(JSON.parse(body?.metadata ?? '{}').event_payload?.notice_id).toBe(id);
    expect(out).toHaveLength(0);
    const [row] = await database.current.db.select().from(notices).where(eq(notices.id, id));
    expect(row).toMatchObject({ status: 'sent', slackChannelId: 'C0123ABCD', slackTs: '1.000100' });
  });
});
