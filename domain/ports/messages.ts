import type { CsrMethod, PeriodMonths } from '../rules/contract-terms.ts';
import type { OpsApplication } from './handover.ts';
import type { NoticeContext, NoticeToDeliver } from './notices.ts';
import type { Claim } from './outbox.ts';
import type { ContractFacts, MessageLookup, PostedMessage } from './read-models.ts';

/**
 * What a thread reply says, as data: the view (bot/views/thread-replies.ts) renders it in the channel's
 * language when it is delivered. Instants are ISO strings (the payload is stored as JSON).
 */
export type ThreadReply =
  | {
      readonly kind: 'renewal_requested';
      readonly by: string;
      readonly at: string;
      readonly periodMonths: PeriodMonths;
      readonly csrMethod: CsrMethod;
      readonly reusedKey: boolean;
      readonly approverAddress: string | null;
      /** The expiry of the certificate being renewed, for the validity estimate (R-VALID-1). */
      readonly oldNotAfter: string;
    }
  | {
      readonly kind: 'period_changed';
      readonly by: string;
      readonly at: string;
      readonly periodMonths: PeriodMonths;
    }
  | {
      readonly kind: 'opted_out';
      readonly by: string;
      readonly at: string;
      /** End of the term, where the opt-out takes effect (R-AUTO-1). */
      readonly expiry: string;
      /** Until when it can be undone. */
      readonly deadline: string;
    }
  | { readonly kind: 'opt_out_undone'; readonly by: string; readonly at: string }
  | {
      readonly kind: 'byo_registered';
      readonly by: string;
      readonly at: string;
      readonly notAfter: string;
      readonly sansChanged: boolean;
    }
  | { readonly kind: 'certificate_issued'; readonly notAfter: string }
  | { readonly kind: 'application_rejected'; readonly reason: string };

/** A message the outbox writes besides notices; where it goes follows from what it is about. */
export type OutboxMessage =
  /** Re-renders the cycle's notice from the state of delivery, then adds `reply` to its thread. */
  | { readonly kind: 'notice_refresh'; readonly cycleId: string; readonly reply: ThreadReply | null }
  /** A reply in the contract's thread (its current cycle's parent message), else in its channel. */
  | {
      readonly kind: 'customer_reply';
      readonly contractId: string;
      readonly cycleId: string | null;
      readonly reply: ThreadReply;
    }
  /** Re-renders the operations-channel message of an application (the staff's progress). */
  | { readonly kind: 'ops_refresh'; readonly applicationId: string };

/** One message of the outbox with what its delivery needs, read when it is delivered. */
export type MessageToDeliver = {
  readonly id: string;
  readonly message: OutboxMessage;
  readonly contract: ContractFacts | null;
  /** The cycle's latest posted notice, read now (for `notice_refresh`): null when none was posted. */
  readonly notice: NoticeContext | null;
  /** Where a reply goes: the cycle's thread, or the contract's channel. */
  readonly thread: PostedMessage | null;
  /** The application and its operations message to re-render (for `ops_refresh`), once posted. */
  readonly ops: { readonly application: OpsApplication; readonly message: PostedMessage | null } | null;
};

export type MessageRepositories = {
  readonly messages: {
    /** Enqueues a message; the worker of this process is woken to deliver it soon. */
    enqueue(message: OutboxMessage): Promise<void>;
    load(messageId: string, now: Date): Promise<MessageToDeliver | null>;
    /** Records the reply posted (if any), only while the claim is still ours. */
    markSent(
      claim: Claim,
      sent: { readonly posted: PostedMessage | null; readonly now: Date },
    ): Promise<boolean>;
  };
};

export type MessageFailure = {
  readonly ok: false;
  readonly error: string;
  readonly retryable: boolean;
  readonly uncertain: boolean;
  readonly retryAfterMs?: number;
};

/** Slack, for the outbox's messages (bot/slack/message-board.ts). Never throws. */
export interface MessageBoard {
  /** chat.update of the notice (idempotent). */
  refreshNotice(
    notice: NoticeToDeliver,
    parent: PostedMessage,
    now: Date,
  ): Promise<{ ok: true } | MessageFailure>;
  postReply(
    target: { readonly channel: string; readonly threadTs: string | null },
    reply: ThreadReply,
    about: { readonly messageId: string; readonly contract: ContractFacts; readonly locale: 'ja' | 'en' },
  ): Promise<{ ok: true; posted: PostedMessage } | MessageFailure>;
  findReply(
    target: { readonly channel: string; readonly threadTs: string | null },
    messageId: string,
    window: { readonly since: Date; readonly until: Date },
  ): Promise<MessageLookup>;
  /** chat.update of an operations message from the application's current progress. */
  refreshOps(application: OpsApplication, message: PostedMessage): Promise<{ ok: true } | MessageFailure>;
}
