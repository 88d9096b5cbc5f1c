import type { Ca, Category, Locale, PeriodMonths } from '../rules/contract-terms.ts';
import type { NoticeKind, NoticeStatus } from '../rules/cycle-vocabulary.ts';
import type { NoticeLateness } from '../rules/notice-relevance.ts';
import type { RenewalCycle } from '../rules/renewal-cycle.ts';
import type { Claim } from './outbox.ts';
import type { ContractFacts, MessageLookup, PostedMessage, Recipients } from './read-models.ts';

export type { PostedMessage } from './read-models.ts';

/**
 * Where notices are shown: Slack (bot/slack/notice-board.ts) or the dry-run printer. The use-case
 * `deliverNotice` owns *whether* and *when* (relevance, the cycle's transitions, exactly once); the
 * board owns *how* it looks and where it goes.
 */
export interface NoticeBoard {
  /** Posts or edits the message(s) of one notice. Never throws: every failure is a value. */
  deliver(notice: NoticeToDeliver, now: Date, signal?: AbortSignal): Promise<DeliveryResult>;
  /**
   * R-NOTICE-4: the message an earlier attempt may have posted for this notice, looked for by its
   * metadata (`notice_id`) among the messages written between `since` and `until` (bounded: Slack
   * limits history reads for distributed apps). `unknown` when it cannot tell: never "absent" then.
   */
  findPosted(
    notice: NoticeToDeliver,
    window: { readonly since: Date; readonly until: Date },
    signal?: AbortSignal,
  ): Promise<MessageLookup>;
}

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
      /** 5xx, timeouts, 429: try again later. Channel errors are not retryable. */
      readonly retryable: boolean;
      /**
       * The post may have reached Slack although no answer says so (a time-out, a transport error, a
       * 5xx): the next attempt looks for it first. False when Slack refused it (429, channel errors).
       */
      readonly uncertain: boolean;
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
    /** When the notice was planned (its outbox row created): after `dueAt` for a contract imported late. */
    readonly plannedAt: Date;
    /** Delivery attempts so far, this one included. */
    readonly attempts: number;
    /**
     * Set when the notice is delivered later than due, with the reason the message gives: planned only
     * after it was due (imported late), or planned in time and delivered late (the bot was stopped).
     */
    readonly late: NoticeLateness;
  };
  readonly contract: Pick<
    ContractFacts,
    'id' | 'cn' | 'category' | 'ca' | 'productId' | 'periodMonths' | 'slackChannelId'
  >;
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

/** Everything the delivery of one notice needs, read in one query. */
export type NoticeContext = {
  readonly id: string;
  readonly kind: NoticeKind;
  readonly status: NoticeStatus;
  readonly dueAt: Date;
  /** When the notice was planned (its row created): a notice planned after it was due says so. */
  readonly plannedAt: Date;
  readonly attempts: number;
  readonly contract: ContractFacts;
  readonly certificate: { readonly id: string; readonly notAfter: Date };
  /** Null for a re-issue notice, which belongs to no cycle (R-CABF-2). */
  readonly cycle: RenewalCycle | null;
  /** The cycle's parent message, once its first notice was posted. */
  readonly thread: PostedMessage | null;
  readonly recipients: Recipients;
  /**
   * R-NOTICE-4, R-NOTICE-1: a later announcement of the same cycle is also due at the time the
   * context was read (pending, waiting for a retry, claimed, sent or skipped — not failed): this one
   * is superseded.
   */
  readonly laterAnnouncementDue: boolean;
};

/** What an auto-renewal applied (R-AUTO-2, R-AUTO-3), shown in the data-deadline notice. */
export type AutoRenewalSummary = NonNullable<NoticeToDeliver['autoRenewal']>;

export type NoticeRepositories = {
  readonly notices: {
    /** The notice as it is at `now`, in one query. */
    context(noticeId: string, now: Date): Promise<NoticeContext | null>;
    /** Records the posted message, only while the claim is still ours. */
    markSent(
      claim: Claim,
      sent: { readonly message: PostedMessage; readonly threadTs: string | null; readonly now: Date },
    ): Promise<boolean>;
    /** Due notices, without claiming them (dry-run prints, changes nothing). */
    dueIds(now: Date, limit: number): Promise<string[]>;
  };
};

export type { Ca, Category, Locale, PeriodMonths };
