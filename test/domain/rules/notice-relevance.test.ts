import { describe, expect, it } from 'vitest';
import { newRenewalCycle, type RenewalCycle } from '../../../domain/index.ts';
import type { NoticeKind } from '../../../domain/rules/cycle-vocabulary.ts';
import {
  NOTICE_LATE_AFTER_MS,
  type NoticeLateness,
  type NoticeRelevance,
  noticeLateness,
  noticeRelevance,
} from '../../../domain/rules/notice-relevance.ts';

const expiresAt = new Date('2026-09-30T03:00:00Z');
const decisionDeadline = new Date('2026-09-04T03:00:00Z');
const base = newRenewalCycle({
  id: 'c1',
  contractId: 'k1',
  category: 'proxy',
  expiresAt,
  decisionDeadline,
  dataDeadline: new Date('2026-09-09T03:00:00Z'),
});
const cycle = (patch: Partial<RenewalCycle>): RenewalCycle => ({ ...base, ...patch });
const dueAt = new Date('2026-08-31T00:00:00Z');
// Planned with the contract, months before any of its notices fall due.
const plannedAt = new Date('2026-03-01T00:00:00Z');
const MINUTE = 60_000;

describe('notice relevance', () => {
  it('R-NOTICE-4: a notice delivered on time is not late; one delivered after downtime says it is late', () => {
    const input = {
      kind: 'notice' as const,
      dueAt,
      plannedAt,
      cycle: base,
      certificateNotAfter: expiresAt,
      laterAnnouncementDue: false,
    };
    expect(noticeRelevance({ ...input, now: new Date(dueAt.getTime() + 60_000) })).toEqual({
      deliver: true,
      late: null,
    });
    expect(noticeRelevance({ ...input, now: new Date('2026-09-02T00:00:00Z') })).toEqual({
      deliver: true,
      late: 'delivered_after_due',
    });
  });

  describe('R-NOTICE-4: a late notice says why: planned after it was due, or delivered after it', () => {
    const at = (minutesAfterDue: number) => new Date(dueAt.getTime() + minutesAfterDue * MINUTE);
    const margin = NOTICE_LATE_AFTER_MS / MINUTE;
    const cases: readonly { planned: number; now: number; late: NoticeLateness; situation: string }[] = [
      { planned: -90 * 24 * 60, now: 1, late: null, situation: 'planned long before, posted on time' },
      { planned: -90 * 24 * 60, now: margin, late: null, situation: 'posted at the margin' },
      {
        planned: -90 * 24 * 60,
        now: margin + 1,
        late: 'delivered_after_due',
        situation: 'planned in time, posted after downtime',
      },
      {
        planned: -1,
        now: 3 * 24 * 60,
        late: 'delivered_after_due',
        situation: 'planned just before it was due, posted days later',
      },
      {
        planned: margin,
        now: margin + 5,
        late: 'delivered_after_due',
        situation: 'planned within the margin, posted after it',
      },
      {
        planned: margin + 1,
        now: margin + 2,
        late: 'planned_after_due',
        situation: 'planned just after the margin',
      },
      {
        planned: 3 * 24 * 60,
        now: 3 * 24 * 60 + 1,
        late: 'planned_after_due',
        situation: 'imported 3 days after it was due, posted at once',
      },
      {
        planned: 24 * 60,
        now: 3 * 24 * 60,
        late: 'planned_after_due',
        situation: 'planned after it was due, and the bot stopped since',
      },
      // Planned late but posted within the margin of its due instant: on time after all.
      { planned: 10, now: 20, late: null, situation: 'planned and posted within the margin' },
    ];
    it.each(cases)('$situation: $late', ({ planned, now, late }) => {
      expect(noticeLateness({ dueAt, plannedAt: at(planned), now: at(now) })).toBe(late);
      // The relevance of a deliverable notice carries the same answer.
      expect(
        noticeRelevance({
          kind: 'notice',
          dueAt,
          plannedAt: at(planned),
          cycle: base,
          certificateNotAfter: expiresAt,
          now: at(now),
          laterAnnouncementDue: false,
        }),
      ).toEqual({ deliver: true, late });
    });
  });

  it('R-NOTICE-5: a decided cycle gets no further reminder, but still its deadline messages', () => {
    const now = new Date('2026-09-01T00:00:00Z');
    for (const decided of [
      cycle({ state: 'opted_out', decision: 'opt_out' }),
      cycle({ state: 'renewal_requested', decision: 'renew' }),
    ]) {
      const input = {
        dueAt,
        plannedAt,
        cycle: decided,
        certificateNotAfter: expiresAt,
        now,
        laterAnnouncementDue: false,
      };
      expect(noticeRelevance({ ...input, kind: 'reminder_3' })).toEqual({
        deliver: false,
        reason: 'notice.cycle_decided',
      });
      expect(noticeRelevance({ ...input, kind: 'decision_deadline' }).deliver).toBe(true);
    }
  });

  it('R-AUTO-5: an announcement found after the decision deadline is skipped, never posted', () => {
    expect(
      noticeRelevance({
        kind: 'pre_notice',
        dueAt,
        plannedAt,
        cycle: base,
        certificateNotAfter: expiresAt,
        now: decisionDeadline,
        laterAnnouncementDue: false,
      }),
    ).toEqual({ deliver: false, reason: 'notice.decision_deadline_passed' });
  });

  it('R-AUTO-1: the term end is delivered only for an opted-out cycle', () => {
    const input = {
      kind: 'term_end' as const,
      dueAt: expiresAt,
      plannedAt,
      certificateNotAfter: expiresAt,
      now: expiresAt,
      laterAnnouncementDue: false,
    };
    expect(noticeRelevance({ ...input, cycle: base })).toEqual({
      deliver: false,
      reason: 'notice.not_opted_out',
    });
    expect(
      noticeRelevance({ ...input, cycle: cycle({ state: 'opted_out', decision: 'opt_out' }) }).deliver,
    ).toBe(true);
  });

  it('R-CABF-2: a re-issue notice is skipped once its certificate expired', () => {
    const notAfter = new Date('2026-05-01T00:00:00Z');
    const input = {
      kind: 'reissue_due' as const,
      dueAt,
      plannedAt,
      cycle: null,
      certificateNotAfter: notAfter,
      laterAnnouncementDue: false,
    };
    expect(noticeRelevance({ ...input, now: new Date('2026-04-01T00:00:00Z') }).deliver).toBe(true);
    expect(noticeRelevance({ ...input, now: notAfter })).toEqual({
      deliver: false,
      reason: 'notice.expired',
    });
  });

  it('a completed or cancelled cycle gets nothing more', () => {
    const input = {
      dueAt,
      plannedAt,
      certificateNotAfter: expiresAt,
      now: dueAt,
      laterAnnouncementDue: false,
    };
    expect(
      noticeRelevance({ ...input, kind: 'decision_deadline', cycle: cycle({ state: 'completed' }) }),
    ).toEqual({
      deliver: false,
      reason: 'notice.cycle_closed',
    });
  });

  describe('R-NOTICE-4, R-NOTICE-1: only the latest due announcement of a cycle is posted', () => {
    // After downtime the 35-day pre-notice and the 30-day notice (or a notice and its reminders) can
    // be due at once: the earlier ones are recorded as superseded, never posted late.
    const now = new Date('2026-09-01T00:00:00Z');
    const byo = cycle({ category: 'byo', decisionDeadline: null, dataDeadline: null });
    const cases: readonly {
      kind: NoticeKind;
      cycle?: RenewalCycle | null;
      later: boolean;
      expected: NoticeRelevance;
    }[] = [
      { kind: 'pre_notice', later: true, expected: { deliver: false, reason: 'notice.superseded_by_later' } },
      { kind: 'pre_notice', later: false, expected: { deliver: true, late: 'delivered_after_due' } },
      { kind: 'notice', later: true, expected: { deliver: false, reason: 'notice.superseded_by_later' } },
      { kind: 'notice', later: false, expected: { deliver: true, late: 'delivered_after_due' } },
      {
        kind: 'reminder_14',
        later: true,
        expected: { deliver: false, reason: 'notice.superseded_by_later' },
      },
      { kind: 'reminder_1', later: false, expected: { deliver: true, late: 'delivered_after_due' } },
      {
        kind: 'byo_notice',
        cycle: byo,
        later: true,
        expected: { deliver: false, reason: 'notice.superseded_by_later' },
      },
      {
        kind: 'byo_notice',
        cycle: byo,
        later: false,
        expected: { deliver: true, late: 'delivered_after_due' },
      },
      // Deadline, expiry, term-end and re-issue messages are never superseded.
      { kind: 'decision_deadline', later: true, expected: { deliver: true, late: 'delivered_after_due' } },
      { kind: 'data_deadline', later: true, expected: { deliver: true, late: 'delivered_after_due' } },
      {
        kind: 'byo_expiry',
        cycle: byo,
        later: true,
        expected: { deliver: true, late: 'delivered_after_due' },
      },
      {
        kind: 'term_end',
        cycle: cycle({ state: 'opted_out', decision: 'opt_out' }),
        later: true,
        expected: { deliver: true, late: 'delivered_after_due' },
      },
      {
        kind: 'reissue_due',
        cycle: null,
        later: true,
        expected: { deliver: true, late: 'delivered_after_due' },
      },
    ];
    it.each(cases)('$kind with a later announcement due: $later', ({ kind, later, expected, ...c }) => {
      expect(
        noticeRelevance({
          kind,
          dueAt,
          plannedAt,
          cycle: c.cycle === undefined ? base : c.cycle,
          certificateNotAfter: expiresAt,
          now,
          laterAnnouncementDue: later,
        }),
      ).toEqual(expected);
    });

    it('a reason that applies to every announcement of the cycle wins over superseded', () => {
      const input = { kind: 'pre_notice' as const, dueAt, plannedAt, certificateNotAfter: expiresAt };
      expect(
        noticeRelevance({ ...input, cycle: base, now: decisionDeadline, laterAnnouncementDue: true }),
      ).toEqual({ deliver: false, reason: 'notice.decision_deadline_passed' });
      expect(
        noticeRelevance({
          ...input,
          cycle: cycle({ state: 'renewal_requested', decision: 'renew' }),
          now,
          laterAnnouncementDue: true,
        }),
      ).toEqual({ deliver: false, reason: 'notice.cycle_decided' });
    });
  });
});
