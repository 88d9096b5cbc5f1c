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
  | 'notice.reissued';

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
};

const ANNOUNCEMENTS: readonly NoticeKind[] = [
  'pre_notice',
  'notice',
  'reminder_14',
  'reminder_7',
  'reminder_3',
  'reminder_1',
];

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

  if (ANNOUNCEMENTS.includes(kind) || kind === 'byo_notice') {
    // R-NOTICE-5: never after a decision was taken.
    if (cycle.decision !== null) return skip('notice.cycle_decided');
    if (cycle.state !== 'scheduled' && cycle.state !== 'noticed') return skip('notice.cycle_closed');
    if (kind === 'byo_notice') return now < cycle.expiresAt ? deliver : skip('notice.expired');
    const deadline = cycle.decisionDeadline ?? cycle.expiresAt;
    return now < deadline ? deliver : skip('notice.decision_deadline_passed');
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
