import { describe, expect, it } from 'vitest';
import { noticeText } from '../../../bot/i18n/notices.ts';
import {
  NOTICE_ACTIONS,
  noticeButtons,
  noticeParentMessage,
  noticeThreadReply,
} from '../../../bot/views/notice-message.ts';
import {
  type Ca,
  MS_PER_DAY,
  type NoticeKind,
  type NoticeLateness,
  newRenewalCycle,
  type RenewalCycle,
} from '../../../domain/index.ts';
import type { NoticeToDeliver } from '../../../domain/ports/notices.ts';

// 2026-12-25 09:00 JST, a Friday.
const EXPIRES = new Date('2026-12-25T00:00:00Z');
const daysBefore = (days: number) => new Date(EXPIRES.getTime() - days * MS_PER_DAY);
const DECISION = daysBefore(26);
const DATA = daysBefore(21);

const PRODUCT_OF: Record<Ca, string> = {
  digicert: 'digicert.secure_server_id',
  cybertrust: 'cybertrust.sureserver_cloud',
  globalsign: 'globalsign.quick_ssl',
};

type Options = {
  kind?: NoticeKind;
  category?: 'proxy' | 'byo';
  ca?: Ca;
  locale?: 'ja' | 'en';
  cn?: string;
  cycle?: Partial<RenewalCycle> | null;
  thread?: { channel: string; ts: string } | null;
  late?: NoticeLateness;
  dueAt?: Date;
  plannedAt?: Date;
  autoRenewal?: NoticeToDeliver['autoRenewal'];
  groupAdmins?: string[];
  serviceAdmins?: string[];
};

function notice(o: Options = {}): NoticeToDeliver {
  const category = o.category ?? 'proxy';
  const ca = o.ca ?? 'digicert';
  const kind = o.kind ?? (category === 'byo' ? 'byo_notice' : 'pre_notice');
  const cycle: RenewalCycle | null =
    o.cycle === null
      ? null
      : {
          ...newRenewalCycle({
            id: 'cycle-1',
            contractId: 'contract-1',
            category,
            expiresAt: EXPIRES,
            decisionDeadline: category === 'byo' ? null : DECISION,
            dataDeadline: category === 'byo' ? null : DATA,
          }),
          state: 'noticed',
          noticedAt: daysBefore(35),
          version: 1,
          ...o.cycle,
        };
  return {
    notice: {
      id: `notice-${kind}`,
      kind,
      dueAt: o.dueAt ?? daysBefore(35),
      plannedAt: o.plannedAt ?? daysBefore(200),
      attempts: 1,
      late: o.late ?? null,
    },
    contract: {
      id: 'contract-1',
      cn: o.cn ?? 'www.example.jp',
      category,
      ca: category === 'byo' ? null : ca,
      productId: category === 'byo' ? null : PRODUCT_OF[ca],
      periodMonths: category === 'byo' ? null : 12,
      slackChannelId: 'C0123ABCD',
    },
    certificate: { id: 'cert-1', notAfter: EXPIRES },
    cycle,
    recipients: {
      groupAdmins: o.groupAdmins ?? ['U0GA1', 'U0GA2'],
      serviceAdmins: o.serviceAdmins ?? ['U0SA1'],
    },
    locale: o.locale ?? 'ja',
    thread: o.thread ?? null,
    ...(o.autoRenewal ? { autoRenewal: o.autoRenewal } : {}),
  };
}

type AnyBlock = { type: string; [k: string]: unknown };
type ButtonJson = {
  action_id: string;
  value: string;
  style?: string;
  text: { text: string };
  confirm?: {
    title: { type: string; text: string };
    text: { type: string; text: string };
    confirm: { text: string };
  };
};

const actionsOf = (blocks: unknown[]) =>
  (blocks as AnyBlock[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as ButtonJson[]);
const contextText = (blocks: unknown[]) =>
  (blocks as AnyBlock[])
    .filter((b) => b.type === 'context')
    .flatMap((b) => (b.elements as { text: string }[]).map((e) => e.text))
    .join('\n');
const allText = (blocks: unknown[]) => JSON.stringify(blocks);

describe('notice parent message (proxy)', () => {
  it.each([
    ['digicert', 'セキュア・サーバID / デジサート'],
    ['cybertrust', 'SureServer for クラウド / サイバートラスト'],
    ['globalsign', 'クイック認証SSL / GMOグローバルサイン'],
  ] as const)(
    'in Japanese for %s: CN, product and CA, expiry with days left, both deadlines, three buttons',
    (ca, productLine) => {
      const n = notice({ ca });
      const message = noticeParentMessage(n, n.notice.dueAt);
      const text = allText(message.blocks);

      expect(message.blocks[0]).toEqual({
        type: 'header',
        text: { type: 'plain_text', text: 'サーバー証明書の更新のお知らせ' },
      });
      expect(text).toContain('`www.example.jp`');
      expect(text).toContain(productLine);
      expect(text).toContain('2026年12月25日(金) 09:00（あと35日）');
      expect(text).toContain('2026年11月29日(日) 09:00'); // decision deadline, 26 days before (R-AUTO-5)
      expect(text).toContain('2026年12月4日(金) 09:00'); // data deadline, 21 days before
      expect(text).toContain('前回と同じ申請情報・同じ期間で自動更新'); // what happens if nobody acts
      expect(text).toContain('<@U0GA1> <@U0GA2> <@U0SA1>'); // R-NOTICE-3: both roles
      expect(text).not.toContain('<!channel>');

      const buttons = actionsOf(message.blocks);
      expect(buttons.map((b) => [b.action_id, b.text.text, b.style, b.value])).toEqual([
        ['renewal.renew', '更新する', 'primary', 'cycle-1'],
        ['renewal.change_period', '期間を変更', undefined, 'cycle-1'],
        ['renewal.opt_out', '解約する', 'danger', 'cycle-1'],
      ]);
      expect(buttons[2]?.confirm).toMatchObject({
        title: { type: 'plain_text', text: '解約しますか？' },
        confirm: { text: '解約する' },
      });
      expect(buttons[2]?.confirm?.text.text).toContain('`www.example.jp` の契約を解約します');
      expect(message.metadata).toEqual({
        event_type: 'kigen_notice',
        event_payload: {
          notice_id: 'notice-pre_notice',
          cycle_id: 'cycle-1',
          contract_id: 'contract-1',
          kind: 'pre_notice',
        },
      });
      expect(message.text).toContain('www.example.jp');
      expect(message.text).toContain('2026年12月25日(金) 09:00');
    },
  );

  it('in English: product name, dates in JST, English buttons and confirm dialog', () => {
    const n = notice({ ca: 'globalsign', locale: 'en', kind: 'notice', dueAt: daysBefore(30) });
    const message = noticeParentMessage(n, n.notice.dueAt);
    const text = allText(message.blocks);
    expect(text).toContain('Quick SSL / GlobalSign');
    expect(text).toContain('Fri 25 Dec 2026 09:00 JST (30 days left)');
    expect(text).toContain('Sun 29 Nov 2026 09:00 JST');
    expect(text).toContain('renewed automatically');
    expect(text).toContain('notice, 30 days before');
    const buttons = actionsOf(message.blocks);
    expect(buttons.map((b) => b.text.text)).toEqual(['Renew', 'Change period', 'Opt out']);
    expect(buttons[2]?.confirm?.title.text).toBe('Opt out?');
    expect(text).not.toMatch(/[ぁ-ん]/); // no Japanese left in the English message
  });

  it('shows the period chosen for the renewal next to the current one', () => {
    const n = notice({ ca: 'cybertrust', cycle: { chosenPeriod: 6 } });
    expect(allText(noticeParentMessage(n, n.notice.dueAt).blocks)).toContain('1年 → 次回 6か月');
  });

  it('after the decision deadline: no buttons, a context line names the deadline that passed (R-AUTO-5)', () => {
    const n = notice({ kind: 'decision_deadline', thread: { channel: 'C0123ABCD', ts: '1.000100' } });
    const message = noticeParentMessage(n, DECISION);
    expect(actionsOf(message.blocks)).toEqual([]);
    expect(contextText(message.blocks)).toContain('判断の期限（2026年11月29日(日) 09:00）を過ぎたため');
    expect(noticeButtons(n, DECISION)).toEqual([]);
  });

  it('one second before the decision deadline the buttons are still there', () => {
    const n = notice({ kind: 'reminder_1', thread: { channel: 'C0123ABCD', ts: '1.000100' } });
    expect(noticeButtons(n, new Date(DECISION.getTime() - 1_000))).toHaveLength(3);
  });

  it.each([
    [
      { state: 'renewal_requested', decision: 'renew' },
      '<@U0GA1> が 2026年11月20日(金) 10:00 に更新を申し込みました。',
    ],
    [
      { state: 'opted_out', decision: 'opt_out' },
      '<@U0GA1> が 2026年11月20日(金) 10:00 に解約を選びました。',
    ],
    [{ state: 'auto_renewal_requested' }, '自動更新を申し込みました'],
    [{ state: 'cancelled' }, '契約は解約されました'],
  ] as const)('a decided or closed cycle (%j): no buttons, the decision instead', (patch, line) => {
    const n = notice({
      kind: 'notice',
      cycle: { ...patch, decidedBy: 'U0GA1', decidedAt: new Date('2026-11-20T01:00:00Z') },
      thread: { channel: 'C0123ABCD', ts: '1.000100' },
    });
    const message = noticeParentMessage(n, daysBefore(30));
    // R-AUTO-1: an opt-out offers Undo until the decision deadline; nothing else is offered.
    expect(actionsOf(message.blocks).map((b) => b.action_id)).toEqual(
      patch.state === 'opted_out' ? [NOTICE_ACTIONS.undoOptOut] : [],
    );
    expect(contextText(message.blocks)).toContain(line);
  });

  it('a re-render says the thread holds the history and keeps the first notice out of it', () => {
    const n = notice({
      kind: 'notice',
      dueAt: daysBefore(30),
      thread: { channel: 'C0123ABCD', ts: '1.000100' },
    });
    const text = allText(noticeParentMessage(n, daysBefore(30)).blocks);
    expect(text).toContain('経過はこのスレッドに記録されます');
    expect(text).not.toContain('35日前の事前通知');
  });
});

describe('notice parent message (BYO)', () => {
  it('in Japanese: no deadlines, nothing renewed, the contract stays, Register and Opt out', () => {
    const n = notice({ category: 'byo', dueAt: daysBefore(90) });
    const message = noticeParentMessage(n, n.notice.dueAt);
    const text = allText(message.blocks);
    expect(text).toContain('持ち込み証明書の有効期限のお知らせ');
    expect(text).toContain('あと90日');
    expect(text).toContain('なし（持ち込み証明書には期限はありません）');
    expect(text).toContain('自動では更新されず、契約はそのまま継続します');
    expect(text).not.toContain('自動更新されます');
    const buttons = actionsOf(message.blocks);
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      ['renewal.byo_register', 'cycle-1'],
      ['renewal.opt_out', 'cycle-1'],
    ]);
    expect(buttons[1]?.confirm).toBeDefined();
  });

  it('in English', () => {
    const n = notice({ category: 'byo', locale: 'en', dueAt: daysBefore(90) });
    const message = noticeParentMessage(n, n.notice.dueAt);
    const text = allText(message.blocks);
    expect(text).toContain('nothing is renewed automatically and the contract stays');
    expect(actionsOf(message.blocks).map((b) => b.text.text)).toEqual([
      'Register renewed certificate',
      'Opt out',
    ]);
  });

  it('after expiry the contract stays, so only registering a renewed certificate is offered (R-AUTO-4)', () => {
    const n = notice({
      category: 'byo',
      kind: 'byo_expiry',
      cycle: { state: 'expired_registered' },
      thread: { channel: 'C0123ABCD', ts: '1.000100' },
      dueAt: EXPIRES,
    });
    const message = noticeParentMessage(n, EXPIRES);
    expect(actionsOf(message.blocks).map((b) => b.action_id)).toEqual([NOTICE_ACTIONS.byoRegister]);
    expect(allText(message.blocks)).toContain('期限切れ');
  });
});

describe('thread replies', () => {
  const thread = { channel: 'C0123ABCD', ts: '1.000100' };

  it('the 30-day notice after the pre-notice is broadcast to the channel', () => {
    const n = notice({ kind: 'notice', thread, dueAt: daysBefore(30) });
    const reply = noticeThreadReply(n, daysBefore(30));
    expect(reply.broadcast).toBe(true);
    expect(allText(reply.blocks)).toContain('有効期限（2026年12月25日(金) 09:00）まであと30日です');
    expect(allText(reply.blocks)).toContain('<@U0GA1>');
    expect(reply.metadata.event_payload).toMatchObject({ notice_id: 'notice-notice', kind: 'notice' });
  });

  it('a reminder counts down to the decision deadline and stays in the thread', () => {
    const reply = noticeThreadReply(notice({ kind: 'reminder_7', thread }), daysBefore(33));
    expect(reply.broadcast).toBe(false);
    expect(allText(reply.blocks)).toContain('判断の期限（2026年11月29日(日) 09:00）まであと7日です');
  });

  it('a BYO reminder counts down to the expiry', () => {
    const n = notice({ category: 'byo', kind: 'reminder_14', thread, locale: 'en' });
    const reply = noticeThreadReply(n, daysBefore(14));
    expect(allText(reply.blocks)).toContain('expires on Fri 25 Dec 2026 09:00 JST, in 14 days');
  });

  it.each([
    [{}, '前回と同じ申請情報で自動更新されます'],
    [{ decision: 'renew', state: 'renewal_requested' }, '更新の申し込みは受け付け済みです'],
    [
      { decision: 'opt_out', state: 'opted_out' },
      '解約が確定しました。契約は 2026年12月25日(金) 09:00 に終了します。',
    ],
  ] as const)('decision deadline (%j): broadcast, names the deadline and what follows', (patch, line) => {
    const reply = noticeThreadReply(notice({ kind: 'decision_deadline', thread, cycle: patch }), DECISION);
    expect(reply.broadcast).toBe(true);
    const text = allText(reply.blocks);
    expect(text).toContain('判断の期限（2026年11月29日(日) 09:00）を過ぎました');
    expect(text).toContain(line);
  });

  it('data deadline with auto-renewal: same DN, period shortened and CSR method switched, explained (R-AUTO-2, R-AUTO-3)', () => {
    const n = notice({
      kind: 'data_deadline',
      thread,
      cycle: { state: 'auto_renewal_requested' },
      autoRenewal: {
        periodMonths: 12,
        previousPeriodMonths: 24,
        periodShortened: true,
        csrMethodSwitchedFromCustomer: true,
      },
    });
    const reply = noticeThreadReply(n, DATA);
    expect(reply.broadcast).toBe(true);
    const text = allText(reply.blocks);
    expect(text).toContain('申請情報の期限（2026年12月4日(金) 09:00）を過ぎたため、自動更新を申し込みました');
    expect(text).toContain('前回と同じ申請情報（DN）で、期間は 1年 です');
    expect(text).toContain('前回の期間（2年）は認証局が販売を終了したため、1年 に短縮しました');
    expect(text).toContain('「お客様」から「プロバイダ」に切り替え');
  });

  it('data deadline in English, with the same period and no CSR switch, says neither', () => {
    const n = notice({
      kind: 'data_deadline',
      locale: 'en',
      thread,
      cycle: { state: 'auto_renewal_requested' },
      autoRenewal: {
        periodMonths: 12,
        previousPeriodMonths: 12,
        periodShortened: false,
        csrMethodSwitchedFromCustomer: false,
      },
    });
    const text = allText(noticeThreadReply(n, DATA).blocks);
    expect(text).toContain('automatic renewal was applied for');
    expect(text).toContain('a period of 1 year');
    expect(text).not.toContain('shortened');
    expect(text).not.toContain('CSR method');
  });

  it('BYO expiry: nothing is renewed, the contract stays (R-AUTO-4)', () => {
    const n = notice({ category: 'byo', kind: 'byo_expiry', thread, cycle: { state: 'expired_registered' } });
    const reply = noticeThreadReply(n, EXPIRES);
    expect(reply.broadcast).toBe(true);
    expect(allText(reply.blocks)).toContain('自動では何も更新されません。契約はそのまま継続します');
  });

  it('term end of an opted-out contract: cancelled, not renewed', () => {
    const n = notice({ kind: 'term_end', thread, cycle: { state: 'opted_out', decision: 'opt_out' } });
    const reply = noticeThreadReply(n, EXPIRES);
    expect(reply.broadcast).toBe(true);
    expect(allText(reply.blocks)).toContain('この契約は解約されました');
  });

  it('a late delivery says so, with the time it was due (R-NOTICE-4)', () => {
    const n = notice({ kind: 'reminder_3', thread, late: 'delivered_after_due', dueAt: daysBefore(29) });
    const reply = noticeThreadReply(n, daysBefore(28));
    expect(contextText(reply.blocks)).toContain(
      'この通知は予定（2026年11月26日(木) 09:00）より遅れて配信されました',
    );
    const onTime = noticeThreadReply(notice({ kind: 'reminder_3', thread }), daysBefore(29));
    expect(contextText(onTime.blocks)).toBe('');
  });

  it('a late first notice says so in the parent', () => {
    const n = notice({ late: 'delivered_after_due', locale: 'en' });
    expect(contextText(noticeParentMessage(n, daysBefore(34)).blocks)).toContain(
      'delivered later than planned',
    );
  });

  describe('R-NOTICE-4: the late line gives the reason the notice is late', () => {
    // Due 30 days before expiry (2026-11-25 09:00 JST); an import planned it 3 days later.
    const dueAt = daysBefore(30);
    const plannedAt = new Date(daysBefore(27).getTime() + 90 * 60_000);
    const cases = [
      {
        locale: 'ja',
        late: 'planned_after_due',
        says: '予定日時を過ぎた後（2026年11月28日(土) 10:30）に通知が登録されたためです（予定日時より後に取り込まれた契約など）',
        never: 'ボットが停止',
      },
      {
        locale: 'en',
        late: 'planned_after_due',
        says: 'it was only planned after that, on Sat 28 Nov 2026 10:30 JST (for example, a contract imported after the date)',
        never: 'the bot was stopped',
      },
      {
        locale: 'ja',
        late: 'delivered_after_due',
        says: 'ボットが停止していた間に予定時刻を過ぎたためです',
        never: 'に通知が登録された',
      },
      {
        locale: 'en',
        late: 'delivered_after_due',
        says: 'the bot was stopped when it was due',
        never: 'only planned after',
      },
    ] as const;
    it.each(cases)('$locale, $late', ({ locale, late, says, never }) => {
      const n = notice({ kind: 'notice', locale, late, dueAt, plannedAt });
      const now = new Date(plannedAt.getTime() + 60_000);
      for (const blocks of [
        noticeParentMessage(n, now).blocks,
        noticeThreadReply({ ...n, thread }, now).blocks,
      ]) {
        const line = contextText(blocks);
        expect(line).toContain(
          locale === 'ja'
            ? '予定（2026年11月25日(水) 09:00）'
            : 'later than planned (Wed 25 Nov 2026 09:00 JST)',
        );
        expect(line).toContain(says);
        expect(line).not.toContain(never);
      }
    });
  });
});

describe('re-issue notice (R-CABF-2)', () => {
  it('has no buttons and says a re-issue is due', () => {
    const n = notice({ kind: 'reissue_due', cycle: null, dueAt: daysBefore(30) });
    const message = noticeParentMessage(n, daysBefore(30));
    expect(actionsOf(message.blocks)).toEqual([]);
    expect(message.blocks[0]).toMatchObject({ text: { text: 'サーバー証明書の再発行のお知らせ' } });
    expect(message.metadata.event_payload).toMatchObject({ kind: 'reissue_due', cycle_id: '' });
    expect(allText(noticeThreadReply(n, daysBefore(30)).blocks)).toContain('証明書の再発行が必要です');
  });
});

describe('hostile data and limits', () => {
  it('a CN like <@U123>*x* is shown escaped, as code, never as a live mention or markup', () => {
    const cn = '<@U123>*x*`\n<!channel>';
    for (const locale of ['ja', 'en'] as const) {
      const n = notice({ cn, locale });
      const message = noticeParentMessage(n, n.notice.dueAt);
      const reply = noticeThreadReply(
        notice({ cn, locale, kind: 'notice', thread: { channel: 'C1', ts: '1.1' } }),
        daysBefore(30),
      );
      for (const json of [allText(message.blocks), message.text, allText(reply.blocks), reply.text]) {
        expect(json).not.toContain('<@U123>');
        expect(json).not.toContain('<!channel>');
      }
      expect(allText(message.blocks)).toContain('`&lt;@U123&gt;*x*ˋ &lt;!channel&gt;`');
      const confirm = actionsOf(message.blocks)[2]?.confirm;
      expect(confirm?.text.text).toContain('`&lt;@U123&gt;*x*ˋ &lt;!channel&gt;`');
    }
  });

  it('recipients that are not user ids are never mentioned (no <!channel>, no text)', () => {
    const n = notice({
      groupAdmins: ['U0GA1', '!channel', '<!here>'],
      serviceAdmins: ['U0GA1', 'not a user'],
    });
    const text = allText(noticeParentMessage(n, n.notice.dueAt).blocks);
    expect(text).toContain('<@U0GA1>');
    expect(text.match(/<@U0GA1>/g)).toHaveLength(1);
    expect(text).not.toContain('channel>');
    expect(text).not.toContain('here');
    expect(text).not.toContain('not a user');
  });

  it('stays inside Block Kit limits with 400 recipients and a 3,000-character CN', () => {
    const many = Array.from({ length: 400 }, (_, i) => `U${String(i).padStart(9, '0')}`);
    for (const locale of ['ja', 'en'] as const) {
      for (const category of ['proxy', 'byo'] as const) {
        const n = notice({ category, locale, cn: 'a'.repeat(3_000), groupAdmins: many, serviceAdmins: many });
        const reply = noticeThreadReply({ ...n, thread: { channel: 'C1', ts: '1.1' } }, n.notice.dueAt);
        for (const message of [noticeParentMessage(n, n.notice.dueAt), reply]) {
          expect(message.blocks.length).toBeLessThanOrEqual(50);
          for (const block of message.blocks as AnyBlock[]) {
            if (block.type === 'section') {
              const text = (block.text as { text: string } | undefined)?.text ?? '';
              expect([...text].length).toBeLessThanOrEqual(3_000);
              for (const f of (block.fields as { text: string }[] | undefined) ?? []) {
                expect([...f.text].length).toBeLessThanOrEqual(2_000);
              }
              expect(((block.fields as unknown[]) ?? []).length).toBeLessThanOrEqual(10);
            }
          }
          for (const b of actionsOf(message.blocks)) {
            expect([...b.text.text].length).toBeLessThanOrEqual(75);
            expect((b.confirm?.text.text.length ?? 0) <= 300).toBe(true);
          }
        }
      }
    }
  });

  it('every button label fits 75 characters in both languages', () => {
    for (const t of [noticeText.ja, noticeText.en]) {
      for (const label of [t.buttonRenew, t.buttonChangePeriod, t.buttonOptOut, t.buttonByoRegister]) {
        expect(label.length).toBeLessThanOrEqual(75);
      }
    }
  });
});
