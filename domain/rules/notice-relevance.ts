import type { NoticeKind } from './cycle-vocabulary.ts';
import type { RenewalCycle } from './renewal-cycle.ts';

/**
 * A notice delivered more than this after its due instant says that it is late (R-NOTICE-4: never
 * posted late without saying so). Retries after a rate limit stay well inside it.
 */
export const NOTICE_LATE_AFTER_MS = 30 * 60_000;

export type NoticeSkipReason =
  /** The cycle was decided (renew or opt out): no further reminder (R-NOTICE-5). */
  | 'notice.cycle_decided'
  /** The cycle is closed (auto-renewal requested, completed, expired, cancelled). */
  | 'notice.cycle_closed'
  /** The decision deadline passed: a notice with buttons would offer what is refused (R-AUTO-5). */
  | 'notice.decision_deadline_passed'
  /** The certificate (or the term) already ended: the notice announces nothing any more. */
  | 'notice.expired'
  /** The term ended without an opt-out: nothing happens at term end (R-AUTO-1). */
  | 'notice.not_opted_out'
  /** A newer certificate started a later cycle: this cycle's notices are moot. */
  | 'notice.superseded'
  /** R-CABF-2: the short certificate was re-issued before its re-issue notice. */
  | 'notice.reissued'
  /**
   * R-NOTICE-4, R-NOTICE-1, R-NOTICE-5: a later announcement of the same cycle is due too (after
   * downtime): only the latest is posted; this one is recorded as skipped, never posted late.
   */
  | 'notice.superseded_by_later';

export type NoticeRelevance =
  | { readonly deliver: true; readonly late: boolean }
  | { readonly deliver: false; readonly reason: NoticeSkipReason };

export type NoticeRelevanceInput = {
  readonly kind: NoticeKind;
  readonly dueAt: Date;
  /** Null for a re-issue notice, which belongs to no cycle (R-CABF-2). */
  readonly cycle: RenewalCycle | null;
  /** notAfter of the certificate the notice is about. */
  readonly certificateNotAfter: Date;
  readonly now: Date;
  /**
   * Whether a later announcement (pre_notice, notice, byo_notice, reminder_*) of the same cycle is
   * also due at `now`. Only announcements are ever superseded; deadline, expiry, term-end and
   * re-issue messages ignore it.
   */
  readonly laterAnnouncementDue: boolean;
};

/** Announcements of a cycle in the order they fall due; a later one supersedes an earlier one. */
export const ANNOUNCEMENT_KINDS: readonly NoticeKind[] = [
  'pre_notice',
  'notice',
  'byo_notice',
  'reminder_14',
  'reminder_7',
  'reminder_3',
  'reminder_1',
];

export const isAnnouncement = (kind: NoticeKind): boolean => ANNOUNCEMENT_KINDS.includes(kind);

const skip = (reason: NoticeSkipReason): NoticeRelevance => ({ deliver: false, reason });

/**
 * Whether a due notice is still worth posting at `now` (after downtime, retries or a decision), and
 * whether it is late. Deadline messages of a decided cycle are still delivered: they close its buttons.
 */
export const noticeRelevance = (input: NoticeRelevanceInput): NoticeRelevance => {
  const { kind, cycle, now } = input;
  const late = now.getTime() - input.dueAt.getTime() > NOTICE_LATE_AFTER_MS;
  const deliver: NoticeRelevance = { deliver: true, late };

  // R-CABF-2: a re-issue notice is pointless once its certificate has expired.
  if (cycle === null) return now < input.certificateNotAfter ? deliver : skip('notice.expired');
  if (cycle.state === 'completed' || cycle.state === 'cancelled') return skip('notice.cycle_closed');

  if (isAnnouncement(kind)) {
    // R-NOTICE-5: never after a decision was taken.
    if (cycle.decision !== null) return skip('notice.cycle_decided');
    if (cycle.state !== 'scheduled' && cycle.state !== 'noticed') return skip('notice.cycle_closed');
    if (kind === 'byo_notice') {
      if (now >= cycle.expiresAt) return skip('notice.expired');
    } else if (now >= (cycle.decisionDeadline ?? cycle.expiresAt)) {
      return skip('notice.decision_deadline_passed');
    }
    // R-NOTICE-4 (never posted late without reason), R-NOTICE-1: when the pre-notice and the notice
    // (or a notice and reminders, R-NOTICE-5) are due at once, only the latest is posted; the earlier
    // ones are recorded as superseded, so the channel never gets a stale announcement and at once a
    // second one in its thread. Checked last: a reason that applies to every announcement wins.
    return input.laterAnnouncementDue ? skip('notice.superseded_by_later') : deliver;
  }
  switch (kind) {
    case 'decision_deadline':
    case 'data_deadline':
      // The data deadline of an auto-renewed cycle is the auto-renewal's own announcement.
      return cycle.state === 'expired_registered' ? skip('notice.cycle_closed') : deliver;
    case 'byo_expiry':
      // R-AUTO-4: the reminder at expiry, unless the renewed certificate was registered (completed).
      return deliver;
    case 'term_end':
      // R-AUTO-1: only an opt-out ends the contract; every other cycle goes on, silently.
      return cycle.state === 'opted_out' ? deliver : skip('notice.not_opted_out');
    default:
      return deliver;
  }
};
