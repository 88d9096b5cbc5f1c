import { describe, expect, it } from 'vitest';
import { newRenewalCycle, type RenewalCycle } from '../../../domain/index.ts';
import type { NoticeKind } from '../../../domain/rules/cycle-vocabulary.ts';
import { type NoticeRelevance, noticeRelevance } from '../../../domain/rules/notice-relevance.ts';

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

describe('notice relevance', () => {
  it('R-NOTICE-4: a notice delivered on time is not late; one delivered after downtime says it is late', () => {
    const input = {
      kind: 'notice' as const,
      dueAt,
      cycle: base,
      certificateNotAfter: expiresAt,
      laterAnnouncementDue: false,
    };
    expect(noticeRelevance({ ...input, now: new Date(dueAt.getTime() + 60_000) })).toEqual({
      deliver: true,
      late: false,
    });
    expect(noticeRelevance({ ...input, now: new Date('2026-09-02T00:00:00Z') })).toEqual({
      deliver: true,
      late: true,
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
    const input = { dueAt, certificateNotAfter: expiresAt, now: dueAt, laterAnnouncementDue: false };
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
      { kind: 'pre_notice', later: false, expected: { deliver: true, late: true } },
      { kind: 'notice', later: true, expected: { deliver: false, reason: 'notice.superseded_by_later' } },
      { kind: 'notice', later: false, expected: { deliver: true, late: true } },
      {
        kind: 'reminder_14',
        later: true,
        expected: { deliver: false, reason: 'notice.superseded_by_later' },
      },
      { kind: 'reminder_1', later: false, expected: { deliver: true, late: true } },
      {
        kind: 'byo_notice',
        cycle: byo,
        later: true,
        expected: { deliver: false, reason: 'notice.superseded_by_later' },
      },
      { kind: 'byo_notice', cycle: byo, later: false, expected: { deliver: true, late: true } },
      // Deadline, expiry, term-end and re-issue messages are never superseded.
      { kind: 'decision_deadline', later: true, expected: { deliver: true, late: true } },
      { kind: 'data_deadline', later: true, expected: { deliver: true, late: true } },
      { kind: 'byo_expiry', cycle: byo, later: true, expected: { deliver: true, late: true } },
      {
        kind: 'term_end',
        cycle: cycle({ state: 'opted_out', decision: 'opt_out' }),
        later: true,
        expected: { deliver: true, late: true },
      },
      { kind: 'reissue_due', cycle: null, later: true, expected: { deliver: true, late: true } },
    ];
    it.each(cases)('$kind with a later announcement due: $later', ({ kind, later, expected, ...c }) => {
      expect(
        noticeRelevance({
          kind,
          dueAt,
          cycle: c.cycle === undefined ? base : c.cycle,
          certificateNotAfter: expiresAt,
          now,
          laterAnnouncementDue: later,
        }),
      ).toEqual(expected);
    });

    it('a reason that applies to every announcement of the cycle wins over superseded', () => {
      const input = { kind: 'pre_notice' as const, dueAt, certificateNotAfter: expiresAt };
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
