/**
 * The outbox: every effect on Slack or the back office is a row, delivered by one engine
 * (`scheduler/outbox-worker.ts`). These are the engine's ports; `db/stores/outbox-*.ts` implement them.
 *
 * A **lane** is where an item writes: a Slack channel (`slack:<channel>`) or the webhook. Slack allows
 * about one message per second per channel, so the lane is the unit of pacing, of order and of
 * ownership: one replica at a time holds a lane (a lease), works its items one after the other, and
 * paces them; other lanes never wait for it.
 */

export type QueueName = 'notices' | 'messages' | 'handover';

/** A Slack channel's lane (`slack:<channel>`), the operations channel's (`ops`) or the webhook's. */
export type LaneId = string;

export const slackLane = (channel: string): LaneId => `slack:${channel}`;
/** The provider's operations channel (hand-over posts). */
export const OPS_LANE: LaneId = 'ops';
export const WEBHOOK_LANE: LaneId = 'webhook';
/** Lanes that write to a Slack channel, paced at Slack's one message per second per channel. */
export const isSlackLane = (lane: LaneId): boolean => lane.startsWith('slack:') || lane === OPS_LANE;

/** One claimed item: ours while `token` is still the item's. */
export type Claim = {
  readonly queue: QueueName;
  readonly id: string;
  readonly lane: LaneId;
  readonly token: string;
  /** Delivery attempts so far, this one included. */
  readonly attempts: number;
  /**
   * Start of the earliest attempt whose outcome is unknown (a time-out, a transport error, a 5xx, or a
   * holder that died mid-attempt): the item may already have reached its destination, so the handler
   * looks for it before writing again. Null when no attempt can have landed.
   */
  readonly uncertainSince: Date | null;
};

/**
 * What an item is about, for the engine's log lines of its failure and retries, so that an operator
 * reads which one it was without a query: `label` names it in words (a notice: "<CN> <kind> in
 * <channel>"), `fields` are added to the line for search.
 */
export type ItemAbout = {
  readonly label: string;
  readonly fields: Readonly<Record<string, string>>;
};

/** How one attempt ended, as the handler tells the engine. */
export type Outcome =
  /** Delivered and recorded by the handler itself (with its domain writes, only while still ours). */
  | { readonly kind: 'done'; readonly recorded: boolean }
  /** Nothing to deliver any more: recorded as skipped with a stable reason code. */
  | { readonly kind: 'skipped'; readonly reason: string }
  /** A permanent error (`channel_not_found`, `not_in_channel`, …): recorded as failed. */
  | { readonly kind: 'failed'; readonly error: string; readonly about?: ItemAbout }
  /**
   * Try again later. `uncertain`: the item may have reached its destination by now (this attempt timed
   * out, or an earlier one is still unaccounted for): look before writing again. False only when the
   * handler knows that nothing landed (its look-up found nothing and its write was refused). `retryAfterMs`: the destination asked to wait (Slack's Retry-After); the lane waits too.
   * `countsAsAttempt: false` for waits that are not the item's fault (rate limits, a look-up).
   */
  | {
      readonly kind: 'retry';
      readonly error: string;
      readonly uncertain: boolean;
      readonly retryAfterMs?: number | undefined;
      readonly countsAsAttempt?: boolean;
      readonly about?: ItemAbout;
    };

/** One queue of the outbox, as the engine sees it. */
export interface OutboxQueue {
  readonly name: QueueName;
  /** False for a queue whose items are never given up (the hand-over): failures are retried forever. */
  readonly canFail: boolean;
  /**
   * Lanes with an item ready at `now` (due, not waiting for a retry), or one left claimed by a dead
   * holder, that `workerId` could lease now: not held by another replica, not paced into the future.
   */
  readyLanes(now: Date, limit: number, workerId: string): Promise<LaneId[]>;
  /**
   * The next item of `lane` ready at `now`, claimed with a fresh token: first one left claimed by an
   * earlier holder (taken over as uncertain), then the oldest ready one in the queue's order. Only
   * the lane's holder calls this.
   */
  claimNext(lane: LaneId, workerId: string, now: Date): Promise<Claim | null>;
  /** Records a skip, a failure or a retry, only while `claim.token` is still the item's. */
  settle(
    claim: Claim,
    outcome: Exclude<Outcome, { kind: 'done' }>,
    now: Date,
    nextAttemptAt: Date | null,
  ): Promise<boolean>;
  /** Gives a claim back untouched (shutdown before the attempt began). */
  release(claim: Claim, now: Date): Promise<void>;
}

/** Leases of lanes (`outbox_lanes`), shared by every queue: one holder per lane at a time. */
export interface LaneLeases {
  /**
   * Leases up to `limit` of `candidates` that nobody holds and whose pacing allows work at `now`
   * (SKIP LOCKED: concurrent replicas take disjoint lanes). Returns the lanes now held.
   */
  acquire(
    candidates: readonly LaneId[],
    workerId: string,
    now: Date,
    leaseMs: number,
    limit: number,
  ): Promise<LaneId[]>;
  /** Extends the leases still held by `workerId`; returns those (a lane missing from it was lost). */
  renew(lanes: readonly LaneId[], workerId: string, now: Date, leaseMs: number): Promise<LaneId[]>;
  /** Ends the lease; the lane accepts no work before `pacedUntil` (Slack's pace, a Retry-After). */
  release(lane: LaneId, workerId: string, pacedUntil: Date | null): Promise<void>;
}

/** Handles one claimed item of a queue; `signal` aborts the attempt (time-out, shutdown). */
export type OutboxHandler = (
  claim: Claim,
  context: { readonly now: Date; readonly signal: AbortSignal },
) => Promise<Outcome>;
