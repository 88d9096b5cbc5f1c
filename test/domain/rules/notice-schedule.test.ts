import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOTICE_SETTINGS,
  latestDeliveryAtOrBefore,
  type NoticeSettings,
  noticeSchedule,
  parseNoticeSettings,
} from '../../../domain/rules/notice-schedule.ts';

/** A Tokyo wall-clock time written out by hand, as an instant. */
const jst = (local: string): Date => new Date(`${local}+09:00`);
const iso = (local: string): string => jst(local).toISOString();

const settings = (patch: Partial<NoticeSettings> = {}): NoticeSettings => ({
  ...DEFAULT_NOTICE_SETTINGS,
  ...patch,
});

const dueOf = (schedule: ReturnType<typeof noticeSchedule>, kind: string): string[] =>
  schedule.notices.filter((n) => n.kind === kind).map((n) => n.dueAt.toISOString());

describe('proxy notices', () => {
  it.each([
    // expiry (JST)            pre-notice (JST)          notice (JST)
    ['2026-09-30T12:00:00', '2026-08-26T09:00:00', '2026-08-31T09:00:00'],
    ['2026-07-31T00:00:00', '2026-06-25T09:00:00', '2026-06-30T09:00:00'],
    ['2026-07-31T23:59:59', '2026-06-26T09:00:00', '2026-07-01T09:00:00'],
    ['2028-03-30T10:00:00', '2028-02-24T09:00:00', '2028-02-29T09:00:00'], // notice on the leap day
    ['2028-02-29T15:00:00', '2028-01-25T09:00:00', '2028-01-30T09:00:00'], // expiry on the leap day
    ['2027-01-03T08:00:00', '2026-11-28T09:00:00', '2026-12-03T09:00:00'],
  ])('R-NOTICE-1: expiry %s JST gets a pre-notice at %s and a notice at %s', (expiry, pre, notice) => {
    const s = noticeSchedule({ category: 'proxy', certificateNotAfter: jst(expiry) });
    expect(dueOf(s, 'pre_notice')).toEqual([iso(pre)]);
    expect(dueOf(s, 'notice')).toEqual([iso(notice)]);
    expect(s.expiresAt.toISOString()).toBe(iso(expiry));
  });

  it.each([
    // The exact 30-days-before instant of the notice, and where 09:00 delivery puts it.
    ['2026-07-31T08:59:00', '2026-06-30T09:00:00'],
    ['2026-07-31T09:00:00', '2026-07-01T09:00:00'],
    ['2026-07-31T09:01:00', '2026-07-01T09:00:00'],
    ['2026-07-31T08:59:59.999', '2026-06-30T09:00:00'],
  ])(
    'R-NOTICE-4: expiry %s JST (30 days before at that time of day): notice at %s, never later',
    (expiry, notice) => {
      const s = noticeSchedule({ category: 'proxy', certificateNotAfter: jst(expiry) });
      expect(dueOf(s, 'notice')).toEqual([iso(notice)]);
      const lead = jst(expiry).getTime() - jst(notice).getTime();
      expect(lead).toBeGreaterThanOrEqual(30 * 86_400_000);
      expect(lead).toBeLessThan(31 * 86_400_000);
    },
  );

  it.each([
    [null, '2026-07-01T12:34:56', '2026-06-26T12:34:56'],
    ['18:30', '2026-06-30T18:30:00', '2026-06-25T18:30:00'],
    ['00:00', '2026-07-01T00:00:00', '2026-06-26T00:00:00'],
    ['12:34', '2026-07-01T12:34:00', '2026-06-26T12:34:00'], // 56 s early keeps the full 30 days
    ['12:35', '2026-06-30T12:35:00', '2026-06-25T12:35:00'], // 12:35 that day would be 4 s late
  ])('R-NOTICE-4: with delivery time %s the notice is due at %s', (deliveryTime, notice, pre) => {
    const s = noticeSchedule({
      category: 'proxy',
      certificateNotAfter: jst('2026-07-31T12:34:56'),
      settings: settings({ deliveryTime }),
    });
    expect(dueOf(s, 'notice')).toEqual([iso(notice)]);
    expect(dueOf(s, 'pre_notice')).toEqual([iso(pre)]);
  });

  it('R-NOTICE-4: delivery time 12:34 on an exact 12:34:00 target keeps the same day', () => {
    expect(latestDeliveryAtOrBefore(jst('2026-07-01T12:34:00'), '12:34').toISOString()).toBe(
      iso('2026-07-01T12:34:00'),
    );
    expect(latestDeliveryAtOrBefore(jst('2026-07-01T12:33:59'), '12:34').toISOString()).toBe(
      iso('2026-06-30T12:34:00'),
    );
  });

  it('R-AUTO-5: decision deadline 26 days and data deadline 21 days before the expiry date-time, not moved', () => {
    const s = noticeSchedule({ category: 'proxy', certificateNotAfter: jst('2026-09-30T12:00:00') });
    expect(s.decisionDeadline?.toISOString()).toBe(iso('2026-09-04T12:00:00'));
    expect(s.dataDeadline?.toISOString()).toBe(iso('2026-09-09T12:00:00'));
    expect(s.notices.map((n) => [n.kind, n.dueAt.toISOString()])).toEqual([
      ['pre_notice', iso('2026-08-26T09:00:00')],
      ['notice', iso('2026-08-31T09:00:00')],
      ['decision_deadline', iso('2026-09-04T12:00:00')],
      ['data_deadline', iso('2026-09-09T12:00:00')],
      ['term_end', iso('2026-09-30T12:00:00')],
    ]);
  });

  it('R-AUTO-5: deadlines follow the configured days', () => {
    const s = noticeSchedule({
      category: 'proxy',
      certificateNotAfter: jst('2026-09-30T12:00:00'),
      settings: settings({ decisionDeadlineDays: 10, dataDeadlineDays: 7 }),
    });
    expect(s.decisionDeadline?.toISOString()).toBe(iso('2026-09-20T12:00:00'));
    expect(s.dataDeadline?.toISOString()).toBe(iso('2026-09-23T12:00:00'));
  });

  it('R-NOTICE-5: reminders before the decision deadline move earlier to 09:00; those before the notice are dropped', () => {
    const s = noticeSchedule({
      category: 'proxy',
      certificateNotAfter: jst('2026-09-30T12:00:00'),
      settings: settings({ reminderDays: [14, 7, 3, 1] }),
    });
    // decision deadline 2026-09-04 12:00: 14 and 7 days before fall before the notice of 08-31 09:00
    expect(dueOf(s, 'reminder_14')).toEqual([]);
    expect(dueOf(s, 'reminder_7')).toEqual([]);
    expect(dueOf(s, 'reminder_3')).toEqual([iso('2026-09-01T09:00:00')]);
    expect(dueOf(s, 'reminder_1')).toEqual([iso('2026-09-03T09:00:00')]);
  });

  it('R-NOTICE-5: with a late decision deadline every reminder is kept', () => {
    const s = noticeSchedule({
      category: 'proxy',
      certificateNotAfter: jst('2026-09-30T08:00:00'),
      settings: settings({ decisionDeadlineDays: 10, dataDeadlineDays: 5, reminderDays: [14, 7, 3, 1] }),
    });
    // decision deadline 2026-09-20 08:00 JST
    expect(s.notices.map((n) => n.kind)).toEqual([
      'pre_notice',
      'notice',
      'reminder_14',
      'reminder_7',
      'reminder_3',
      'reminder_1',
      'decision_deadline',
      'data_deadline',
      'term_end',
    ]);
    expect(dueOf(s, 'reminder_14')).toEqual([iso('2026-09-05T09:00:00')]);
    expect(dueOf(s, 'reminder_1')).toEqual([iso('2026-09-18T09:00:00')]);
  });

  it('R-CABF-2: a short certificate inside the contract period gets one re-issue notice; renewal notices follow the period end', () => {
    const s = noticeSchedule({
      category: 'proxy',
      certificateNotAfter: jst('2026-10-16T12:00:00'),
      contractPeriodEnd: jst('2027-04-30T12:00:00'),
    });
    expect(dueOf(s, 'reissue_due')).toEqual([iso('2026-09-16T09:00:00')]);
    expect(dueOf(s, 'pre_notice')).toEqual([iso('2027-03-26T09:00:00')]);
    expect(dueOf(s, 'notice')).toEqual([iso('2027-03-31T09:00:00')]);
    expect(s.decisionDeadline?.toISOString()).toBe(iso('2027-04-04T12:00:00'));
    expect(s.expiresAt.toISOString()).toBe(iso('2027-04-30T12:00:00'));
    expect(s.notices.find((n) => n.kind === 'reissue_due')?.about.toISOString()).toBe(
      iso('2026-10-16T12:00:00'),
    );
  });

  it('R-CABF-2: the last certificate of the period gets no re-issue notice', () => {
    const end = jst('2027-04-30T12:00:00');
    const s = noticeSchedule({ category: 'proxy', certificateNotAfter: end, contractPeriodEnd: end });
    expect(dueOf(s, 'reissue_due')).toEqual([]);
  });
});

describe('BYO notices', () => {
  it.each([
    // expiry (JST)                byo_notice (JST), 90 days before the expiry date at 09:00
    ['2026-07-31T00:00:00', '2026-05-02T09:00:00'],
    ['2026-07-31T23:59:59', '2026-05-02T09:00:00'],
    ['2026-07-31T05:00:00', '2026-05-02T09:00:00'], // still 30 July in UTC
    ['2028-05-29T12:00:00', '2028-02-29T09:00:00'], // lands on the leap day
    ['2029-05-29T12:00:00', '2029-02-28T09:00:00'],
  ])('R-NOTICE-2: expiry %s JST: notice at %s JST', (expiry, notice) => {
    const s = noticeSchedule({ category: 'byo', certificateNotAfter: jst(expiry) });
    expect(dueOf(s, 'byo_notice')).toEqual([iso(notice)]);
    expect(s.decisionDeadline).toBeNull();
    expect(s.dataDeadline).toBeNull();
  });

  it('R-NOTICE-4: a BYO notice without delivery time is due at the start of its date', () => {
    const s = noticeSchedule({
      category: 'byo',
      certificateNotAfter: jst('2028-05-29T12:00:00'),
      settings: settings({ deliveryTime: null }),
    });
    expect(dueOf(s, 'byo_notice')).toEqual([iso('2028-02-29T00:00:00')]);
  });

  it('R-AUTO-4: a BYO reminder is posted at expiry; no deadlines, no pre-notice', () => {
    const s = noticeSchedule({
      category: 'byo',
      certificateNotAfter: jst('2026-07-31T00:00:00'),
      settings: settings({ reminderDays: [14, 7] }),
    });
    expect(s.notices.map((n) => [n.kind, n.dueAt.toISOString()])).toEqual([
      ['byo_notice', iso('2026-05-02T09:00:00')],
      ['reminder_14', iso('2026-07-16T09:00:00')],
      ['reminder_7', iso('2026-07-23T09:00:00')],
      ['byo_expiry', iso('2026-07-31T00:00:00')],
    ]);
  });
});

describe('notice settings', () => {
  it('defaults: 09:00, 26 and 21 days, no reminders', () => {
    expect(parseNoticeSettings(undefined)).toEqual({
      ok: true,
      value: {
        deliveryTime: '09:00',
        decisionDeadlineDays: 26,
        dataDeadlineDays: 21,
        reminderDays: [],
        reissueLeadDays: 30,
      },
    });
  });

  it.each([
    [{ deliveryTime: '9:00' }, 'settings.invalid_delivery_time'],
    [{ deliveryTime: '24:00' }, 'settings.invalid_delivery_time'],
    [{ deliveryTime: '09:60' }, 'settings.invalid_delivery_time'],
    [{ decisionDeadlineDays: 30 }, 'settings.deadline_out_of_range'],
    [{ decisionDeadlineDays: 0 }, 'settings.deadline_out_of_range'],
    [{ dataDeadlineDays: 2.5 }, 'settings.deadline_out_of_range'],
    [{ decisionDeadlineDays: 20, dataDeadlineDays: 21 }, 'settings.data_deadline_before_decision_deadline'],
    [{ reminderDays: [5] }, 'settings.invalid_reminder_days'],
    [{ reissueLeadDays: 0 }, 'settings.invalid_reissue_lead_days'],
  ])('R-AUTO-5: %j is refused with %s', (input, reason) => {
    const result = parseNoticeSettings(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });

  it.each([
    [{ deliveryTime: null }, { deliveryTime: null }],
    [{ deliveryTime: '23:59' }, { deliveryTime: '23:59' }],
    [
      { decisionDeadlineDays: 21, dataDeadlineDays: 21 },
      { decisionDeadlineDays: 21, dataDeadlineDays: 21 },
    ],
    [{ decisionDeadlineDays: 29 }, { decisionDeadlineDays: 29, dataDeadlineDays: 21 }],
    [{ reminderDays: [1, 14, 1, 7] }, { reminderDays: [14, 7, 1] }],
  ])('R-NOTICE-5: %j is accepted as %j', (input, expected) => {
    const result = parseNoticeSettings(input);
    expect(result.ok && result.value).toMatchObject(expected);
  });
});
