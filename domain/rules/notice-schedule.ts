import { z } from 'zod';
import type { Category } from './contract-terms.ts';
import type { NoticeKind } from './cycle-vocabulary.ts';
import { err, ok, type Result } from './result.ts';
import { atTokyoWallTime, MS_PER_DAY, shiftTokyoDate, tokyoDateOf } from './tokyo-calendar.ts';

/** Lead times of the FAQ, in days before the expiry date-time (proxy) or date (BYO). */
export const PROXY_NOTICE_DAYS = 30;
export const PROXY_PRE_NOTICE_DAYS = 35;
export const BYO_NOTICE_DAYS = 90;

const REMINDER_KINDS = { 14: 'reminder_14', 7: 'reminder_7', 3: 'reminder_3', 1: 'reminder_1' } as const;
export type ReminderDays = keyof typeof REMINDER_KINDS;

/** Per-channel notice settings; the deployment defaults apply to anything left out. */
export const noticeSettingsSchema = z.object({
  /** Tokyo wall time 'HH:MM' at which notices are delivered, or null to deliver at the exact instant. */
  deliveryTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .nullable()
    .default('09:00'),
  /** Decision deadline (renew, change the period, opt out), in days before the expiry date-time. */
  decisionDeadlineDays: z.number().int().min(1).max(29).default(26),
  /** Data deadline (DN, CSR, approver), in days before the expiry date-time; the auto-renewal point. */
  dataDeadlineDays: z.number().int().min(1).max(29).default(21),
  /** Optional reminders, in days before the decision deadline (proxy) or the expiry (BYO). */
  reminderDays: z.array(z.union([z.literal(14), z.literal(7), z.literal(3), z.literal(1)])).default([]),
  /**
   * Days before a short certificate's expiry at which its re-issue is due. The spec leaves
   * this open; 30 days matches the renewal notice.
   */
  reissueLeadDays: z.number().int().min(1).max(365).default(30),
});
export type NoticeSettings = z.infer<typeof noticeSettingsSchema>;

export const DEFAULT_NOTICE_SETTINGS: NoticeSettings = noticeSettingsSchema.parse({});

export type NoticeSettingsReason =
  | 'settings.invalid_delivery_time'
  | 'settings.deadline_out_of_range'
  | 'settings.data_deadline_before_decision_deadline'
  | 'settings.invalid_reminder_days'
  | 'settings.invalid_reissue_lead_days'
  | 'settings.invalid';

/**
 * Parses channel or deployment settings. Both deadlines fall after the notice (< 30 days), and the
 * data deadline is not before the decision deadline: data for a renewal nobody decided is pointless.
 */
export const parseNoticeSettings = (input: unknown): Result<NoticeSettings, NoticeSettingsReason> => {
  const parsed = noticeSettingsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? '');
    switch (field) {
      case 'deliveryTime':
        return err('settings.invalid_delivery_time', { expected: 'HH:MM' });
      case 'decisionDeadlineDays':
      case 'dataDeadlineDays':
        return err('settings.deadline_out_of_range', { field, min: 1, max: PROXY_NOTICE_DAYS - 1 });
      case 'reminderDays':
        return err('settings.invalid_reminder_days', { allowed: '14,7,3,1' });
      case 'reissueLeadDays':
        return err('settings.invalid_reissue_lead_days', { min: 1, max: 365 });
      default:
        return err('settings.invalid', { field });
    }
  }
  const settings = parsed.data;
  if (settings.dataDeadlineDays > settings.decisionDeadlineDays) {
    return err('settings.data_deadline_before_decision_deadline', {
      decisionDeadlineDays: settings.decisionDeadlineDays,
      dataDeadlineDays: settings.dataDeadlineDays,
    });
  }
  return ok({ ...settings, reminderDays: [...new Set(settings.reminderDays)].sort((a, b) => b - a) });
};

/**
 * R-NOTICE-4: a notice is never delivered later than promised, so with delivery hours it moves
 * *earlier*, to the latest Tokyo delivery time at or before `target`.
 */
export const latestDeliveryAtOrBefore = (target: Date, deliveryTime: string | null): Date => {
  if (deliveryTime === null) return target;
  const date = tokyoDateOf(target);
  const sameDay = atTokyoWallTime(date, deliveryTime);
  return sameDay.getTime() <= target.getTime()
    ? sameDay
    : atTokyoWallTime(shiftTokyoDate(date, -1), deliveryTime);
};

export type ScheduledNotice = {
  readonly kind: NoticeKind;
  readonly dueAt: Date;
  /** The expiry this notice is about: the contract period end, or a short certificate's own expiry. */
  readonly about: Date;
};

export type NoticeScheduleInput = {
  readonly category: Category;
  /** notAfter of the certificate in force. */
  readonly certificateNotAfter: Date;
  /** End of the contract period (the expiry of its last certificate); defaults to certificateNotAfter. */
  readonly contractPeriodEnd?: Date;
  readonly settings?: NoticeSettings;
};

export type NoticeSchedule = {
  readonly notices: readonly ScheduledNotice[];
  /** The expiry the renewal cycle is about. */
  readonly expiresAt: Date;
  /** Null for BYO, which has no decision to take before expiry. */
  readonly decisionDeadline: Date | null;
  readonly dataDeadline: Date | null;
};

const daysBefore = (at: Date, days: number): Date => new Date(at.getTime() - days * MS_PER_DAY);

const byDueAt = (a: ScheduledNotice, b: ScheduledNotice): number => a.dueAt.getTime() - b.dueAt.getTime();

/**
 * The notices of one contract period. Deadlines and the BYO expiry reminder are delivered at their
 * exact instant: they record that something happens then (buttons close, auto-renewal starts), so
 * they can move neither earlier nor later.
 */
export const noticeSchedule = (input: NoticeScheduleInput): NoticeSchedule => {
  const settings = input.settings ?? DEFAULT_NOTICE_SETTINGS;
  const { deliveryTime } = settings;
  return input.category === 'byo'
    ? byoSchedule(input.certificateNotAfter, settings)
    : proxySchedule(
        input.certificateNotAfter,
        input.contractPeriodEnd ?? input.certificateNotAfter,
        settings,
        deliveryTime,
      );
};

// BYO certificates have no provider-managed contract period: every registered certificate is renewed
// by the customer, so its own expiry is the one that matters and contractPeriodEnd is not used.
const byoSchedule = (notAfter: Date, settings: NoticeSettings): NoticeSchedule => {
  // R-NOTICE-2: BYO notice on the Tokyo calendar date 90 days before the expiry date, at the
  // delivery time (start of that date when no delivery time is set).
  const noticeDate = shiftTokyoDate(tokyoDateOf(notAfter), -BYO_NOTICE_DAYS);
  const notice: ScheduledNotice = {
    kind: 'byo_notice',
    dueAt: atTokyoWallTime(noticeDate, settings.deliveryTime ?? '00:00'),
    about: notAfter,
  };
  const reminders = settings.reminderDays.map((days) => ({
    kind: REMINDER_KINDS[days],
    dueAt: latestDeliveryAtOrBefore(daysBefore(notAfter, days), settings.deliveryTime),
    about: notAfter,
  }));
  // R-AUTO-4: nothing is renewed automatically; a reminder is posted at expiry.
  const expiry: ScheduledNotice = { kind: 'byo_expiry', dueAt: notAfter, about: notAfter };
  return {
    notices: [notice, ...reminders.filter((r) => r.dueAt > notice.dueAt), expiry].sort(byDueAt),
    expiresAt: notAfter,
    decisionDeadline: null,
    dataDeadline: null,
  };
};

const proxySchedule = (
  certificateNotAfter: Date,
  contractPeriodEnd: Date,
  settings: NoticeSettings,
  deliveryTime: string | null,
): NoticeSchedule => {
  const end = contractPeriodEnd;
  const notices: ScheduledNotice[] = [];
  // R-CABF-2: a certificate that ends before its contract period gets one re-issue notice (no
  // decision, no cycle); the renewal notices follow the end of the contract period.
  if (certificateNotAfter.getTime() < end.getTime()) {
    notices.push({
      kind: 'reissue_due',
      dueAt: latestDeliveryAtOrBefore(
        daysBefore(certificateNotAfter, settings.reissueLeadDays),
        deliveryTime,
      ),
      about: certificateNotAfter,
    });
  }
  // R-NOTICE-1: pre-notice 35 days and notice 30 days before the expiry date-time (calendar days).
  const preNotice = latestDeliveryAtOrBefore(daysBefore(end, PROXY_PRE_NOTICE_DAYS), deliveryTime);
  const notice = latestDeliveryAtOrBefore(daysBefore(end, PROXY_NOTICE_DAYS), deliveryTime);
  notices.push(
    { kind: 'pre_notice', dueAt: preNotice, about: end },
    { kind: 'notice', dueAt: notice, about: end },
  );

  // R-AUTO-5: deadlines as instants, in days before the expiry date-time.
  const decisionDeadline = daysBefore(end, settings.decisionDeadlineDays);
  const dataDeadline = daysBefore(end, settings.dataDeadlineDays);

  // R-NOTICE-5: optional reminders before the decision deadline, moved earlier like the notices.
  // A reminder due before the notice would remind of something not yet announced, so it is dropped.
  for (const days of settings.reminderDays) {
    const dueAt = latestDeliveryAtOrBefore(daysBefore(decisionDeadline, days), deliveryTime);
    if (dueAt.getTime() > notice.getTime()) notices.push({ kind: REMINDER_KINDS[days], dueAt, about: end });
  }
  notices.push(
    { kind: 'decision_deadline', dueAt: decisionDeadline, about: end },
    { kind: 'data_deadline', dueAt: dataDeadline, about: end },
    // R-AUTO-1: the end of the term, where an opt-out takes effect (and only an opt-out).
    { kind: 'term_end', dueAt: end, about: end },
  );
  return { notices: notices.sort(byDueAt), expiresAt: end, decisionDeadline, dataDeadline };
};
