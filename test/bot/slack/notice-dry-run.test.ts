import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../bot/app/config.ts';
import { createLogger } from '../../../bot/app/logger.ts';
import { createNoticeDelivery } from '../../../bot/app/notice-delivery.ts';
import { createDryRunNoticeDelivery } from '../../../bot/slack/dry-run-notices.ts';
import { MS_PER_DAY } from '../../../domain/index.ts';
import type { NoticeToDeliver } from '../../../domain/ports/notices.ts';

const EXPIRES = new Date('2026-12-25T00:00:00Z');
const DUE = new Date(EXPIRES.getTime() - 35 * MS_PER_DAY);

function notice(locale: 'ja' | 'en' = 'ja', id = 'notice-1'): NoticeToDeliver {
  return {
    notice: { id, kind: 'pre_notice', dueAt: DUE, attempts: 1, late: false },
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
    cycle: {
      id: 'cycle-1',
      contractId: 'contract-1',
      category: 'proxy',
      state: 'scheduled',
      expiresAt: EXPIRES,
      decisionDeadline: new Date(EXPIRES.getTime() - 26 * MS_PER_DAY),
      dataDeadline: new Date(EXPIRES.getTime() - 21 * MS_PER_DAY),
      chosenPeriod: null,
      decision: null,
      decidedBy: null,
      decidedAt: null,
      renewalDataComplete: false,
      noticedAt: null,
      version: 0,
    },
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

describe('dry-run notice delivery', () => {
  it('prints the notice as readable text: CN, kind, due and expiry in JST, channel, mentions, buttons', async () => {
    const out: string[] = [];
    const dryRun = createDryRunNoticeDelivery({ printBlocks: false, write: (t) => out.push(t) });

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
    await createDryRunNoticeDelivery({ printBlocks: false, write: (t) => out.push(t) }).deliver(
      notice('en'),
      DUE,
    );
    expect(out.join('')).toContain('kind: advance notice (35 days) (pre_notice)');
    expect(out.join('')).toContain('[Renew] renewal.renew');
  });

  it('with KIGEN_DRY_RUN_BLOCKS=1 it prints the Block Kit JSON too', async () => {
    const out: string[] = [];
    const dryRun = createNoticeDelivery({
      config: config({ KIGEN_DRY_RUN_BLOCKS: '1' }),
      logger: createLogger('silent'),
      write: (t) => out.push(t),
    });
    expect(dryRun.mode).toBe('dry-run');

    await dryRun.deliver(notice(), DUE);

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
    const dryRun = createDryRunNoticeDelivery({ printBlocks: false, write: (t) => out.push(t) });
    await dryRun.deliver(notice(), DUE);
    await dryRun.deliver(notice(), DUE);
    await dryRun.deliver(notice('ja', 'notice-2'), DUE);
    expect(out).toHaveLength(2);
    await expect(dryRun.findPosted(notice())).resolves.toBeNull();
  });
});

describe('createNoticeDelivery', () => {
  it('is dry-run without a bot token', () => {
    expect(createNoticeDelivery({ config: config({}), logger: createLogger('silent') }).mode).toBe('dry-run');
  });

  it('posts to Slack at SLACK_API_URL when a bot token is configured', async () => {
    let body: Record<string, string> | undefined;
    const scope = nock('http://127.0.0.1:9')
      .post('/api/chat.postMessage', (b: Record<string, string>) => {
        body = b;
        return true;
      })
      .matchHeader('authorization', 'Bearer xoxb-test')
      .reply(200, { ok: true, channel: 'C0123ABCD', ts: '1.000100' });
    const slack = createNoticeDelivery({
      config: config({
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_APP_TOKEN: 'xapp-test',
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
      }),
      logger: createLogger('silent'),
      retryConfig: { retries: 0 },
    });
    expect(slack.mode).toBe('slack');

    const result = await slack.deliver(notice(), DUE);

    expect(result).toEqual({ ok: true, message: { channel: 'C0123ABCD', ts: '1.000100' }, threadTs: null });
    expect(scope.isDone()).toBe(true);
    expect(body?.channel).toBe('C0123ABCD');
  });
});
