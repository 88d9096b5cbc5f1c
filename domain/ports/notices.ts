import type { Ca, Category, Locale, NoticeKind, PeriodMonths, RenewalCycle } from '../index.ts';

/**
 * The port through which the scheduler delivers a notice. The scheduler owns *when* and *whether*
 * (claiming, skipping, retrying, exactly-once); the implementation (Slack, or dry-run printing) owns
 * *how* it looks and where it goes. Implemented in bot/, injected by the composition root.
 */
export interface NoticeDelivery {
  /** Posts or edits the message(s) of one notice. Never throws: every failure is a value. */
  deliver(notice: NoticeToDeliver, now: Date): Promise<DeliveryResult>;
  /**
   * After a crash between claim and record: the message already posted for this notice, found by
   * its message metadata (`notice_id`), so that a retry never posts a second one.
   */
  findPosted(notice: NoticeToDeliver): Promise<PostedMessage | null>;
}

export type PostedMessage = { readonly channel: string; readonly ts: string };

export type DeliveryResult =
  | {
      readonly ok: true;
      /** The message this notice created: the cycle's parent message, or a reply in its thread. */
      readonly message: PostedMessage;
      /** Set when `message` is a thread reply: the parent's ts. */
      readonly threadTs: string | null;
    }
  | {
      readonly ok: false;
      /** 5xx, timeouts, 429 after waiting: try again later. Channel errors are not retryable. */
      readonly retryable: boolean;
      /** Slack's error code (`channel_not_found`, `not_in_channel`, `is_archived`, …) or a short reason. */
      readonly error: string;
      readonly retryAfterMs?: number;
    };

/** Everything a notice message shows; plain data read from the database by the scheduler. */
export type NoticeToDeliver = {
  readonly notice: {
    readonly id: string;
    readonly kind: NoticeKind;
    readonly dueAt: Date;
    /** Delivery attempts so far, this one included. */
    readonly attempts: number;
    /** Set when the notice is delivered later than due (after downtime): the message says so. */
    readonly late: boolean;
  };
  readonly contract: {
    readonly id: string;
    readonly cn: string;
    readonly category: Category;
    readonly ca: Ca | null;
    readonly productId: string | null;
    readonly periodMonths: PeriodMonths | null;
    readonly slackChannelId: string;
  };
  readonly certificate: { readonly id: string; readonly notAfter: Date };
  /** Null for a re-issue notice, which belongs to no cycle (R-CABF-2). */
  readonly cycle: RenewalCycle | null;
  /** R-NOTICE-3: both roles are mentioned. */
  readonly recipients: { readonly groupAdmins: readonly string[]; readonly serviceAdmins: readonly string[] };
  readonly locale: Locale;
  /** The cycle's parent message once one was posted: later notices edit it and reply in its thread. */
  readonly thread: PostedMessage | null;
  /** For a data-deadline notice: the auto-renewal that was applied (R-AUTO-2, R-AUTO-3). */
  readonly autoRenewal?: {
    readonly periodMonths: PeriodMonths;
    readonly previousPeriodMonths: PeriodMonths;
    readonly periodShortened: boolean;
    readonly csrMethodSwitchedFromCustomer: boolean;
  };
};
