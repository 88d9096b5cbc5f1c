import { z } from 'zod';

/** States of one renewal cycle (one contract period ending at one expiry). */
export const cycleStateSchema = z.enum([
  'scheduled', // planned, no notice delivered yet
  'noticed', // a notice reached the channel; waiting for a decision
  'renewal_requested', // a group admin asked to renew (data may still be incomplete)
  'opted_out', // a group admin opted out before the decision deadline (R-AUTO-1)
  'auto_renewal_requested', // data deadline passed without complete data (R-AUTO-2)
  'completed', // the renewed certificate is registered
  'expired_registered', // BYO: the certificate expired, the contract stays (R-AUTO-4)
  'cancelled', // opted out and the term has ended
]);
export type CycleState = z.infer<typeof cycleStateSchema>;

/** Kinds of message Kigen posts about a cycle; one of each per cycle at most (R-NOTICE-4). */
export const noticeKindSchema = z.enum([
  'pre_notice', // R-NOTICE-1: 35 days before expiry
  'notice', // R-NOTICE-1: 30 days before expiry
  'byo_notice', // R-NOTICE-2: 90 days before the expiry date
  'reminder_14',
  'reminder_7',
  'reminder_3',
  'reminder_1', // R-NOTICE-5, optional per channel
  'decision_deadline', // R-AUTO-5: buttons closed
  'data_deadline', // R-AUTO-5: auto-renewal point
  'byo_expiry', // R-AUTO-4: reminder at expiry
  'reissue_due', // R-CABF-2: a short certificate ends inside the contract period
  'term_end', // R-AUTO-1: proxy expiry; an opted-out contract is cancelled then, others stay
]);
export type NoticeKind = z.infer<typeof noticeKindSchema>;

/** Delivery status of a notice in the outbox. */
export const noticeStatusSchema = z.enum(['pending', 'sending', 'sent', 'skipped', 'failed']);
export type NoticeStatus = z.infer<typeof noticeStatusSchema>;
