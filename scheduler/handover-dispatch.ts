import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Database } from '../db/server/connection.ts';
import {
  type ClaimedDelivery,
  claimHandoverDeliveries,
  markHandoverDelivered,
  markHandoverRetry,
  releaseHandoverClaim,
} from '../db/stores/handover-outbox.ts';
import type { HandoverChannel, HandoverDelivery, HandoverMessage } from '../domain/ports/handover.ts';

export type HandoverDispatcherOptions = {
  readonly db: Database;
  readonly delivery: HandoverDelivery;
  readonly logger: Logger;
  readonly workerId?: string;
  /** Deliveries claimed per round; a sweep takes rounds until none is due or its time is up. */
  readonly batchSize?: number;
  /** Deliveries in flight at once. */
  readonly concurrency?: number;
  /** A sweep stops claiming after this long, so one Agenda run stays bounded. */
  readonly sweepBudgetMs?: number;
  /** A claim older than this belongs to a dispatcher that died; above the delivery timeout. */
  readonly leaseMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly random?: () => number;
};

export type HandoverSummary = {
  claimed: number;
  delivered: number;
  retried: number;
  /** Stale claims whose message was found already posted: recorded, not posted again. */
  recovered: number;
};

export type HandoverDispatcher = {
  readonly workerId: string;
  /** The channels this process delivers to (the scheduler enables them for new events). */
  readonly channels: readonly HandoverChannel[];
  /** One bounded sweep of due deliveries. */
  dispatchDue(now: () => Date): Promise<HandoverSummary>;
  /** Aborts deliveries in flight and gives their claims back (shutdown): another process takes them at once. */
  abort(): void;
};

export const HANDOVER_LEASE_MS = 2 * 60_000;

/** Exponential backoff with jitter (half fixed, half random), capped; never sooner than Retry-After. */
export const handoverRetryDelayMs = (
  attempt: number,
  options: { baseMs: number; maxMs: number; random: () => number; retryAfterMs?: number | undefined },
): number => {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + (options.random() * exponential) / 2;
  return options.retryAfterMs !== undefined ? Math.max(jittered, options.retryAfterMs) : jittered;
};

/**
 * Hands events to the back office from the outbox that the triggers fill: at least once per channel,
 * retried with backoff until the receiver acknowledges (a 2xx, or Slack's ok), never dropped. The
 * webhook receiver deduplicates by `X-Kigen-Event-Id`; the claim (SKIP LOCKED, status 'sending' with
 * our worker id) keeps concurrent replicas from sending the same delivery at the same time. The one
 * window for a second ops-channel post, a crash between the post and its record, is closed by
 * `findPosted` before a stale claim is delivered again.
 */
export function createHandoverDispatcher(options: HandoverDispatcherOptions): HandoverDispatcher {
  const { db, delivery, logger } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:handover:${randomUUID().slice(0, 8)}`;
  const batchSize = options.batchSize ?? 20;
  const concurrency = options.concurrency ?? 4;
  const sweepBudgetMs = options.sweepBudgetMs ?? 60_000;
  const leaseMs = options.leaseMs ?? HANDOVER_LEASE_MS;
  const baseMs = options.backoffBaseMs ?? 10_000;
  const maxMs = options.backoffMaxMs ?? 60 * 60_000;
  const random = options.random ?? Math.random;
  const controller = new AbortController();
  const inFlight = new Set<string>();

  /**
   * The previous claimer may have posted before it died: look before posting again. True when the
   * message was found (and recorded, unless another dispatcher got there first).
   */
  const recoverPosted = async (claimed: ClaimedDelivery, now: () => Date, summary: HandoverSummary) => {
    if (!delivery.findPosted) return false;
    const { deliveryId, channel, event } = claimed;
    let posted: HandoverMessage | null = null;
    try {
      posted = await delivery.findPosted(channel, event);
    } catch (error) {
      // Cannot tell: deliver again (at least once) rather than risk never delivering.
      logger.warn(
        { err: error, eventId: event.id, channel },
        'could not look for an already posted hand-over',
      );
    }
    if (!posted) return false;
    if (await markHandoverDelivered(db, deliveryId, workerId, { now: now(), message: posted })) {
      summary.recovered++;
      logger.info(
        { eventId: event.id, kind: event.kind, channel, cn: event.contract.cn, message: posted },
        'hand-over found already posted; recorded without posting again',
      );
    }
    return true;
  };

  const deliverOne = async (claimed: ClaimedDelivery, now: () => Date, summary: HandoverSummary) => {
    const { deliveryId, channel, event } = claimed;
    inFlight.add(deliveryId);
    try {
      if (claimed.stale && (await recoverPosted(claimed, now, summary))) return;
      const result = await delivery.deliver(channel, event, controller.signal);
      // Shutdown cut the attempt short: give the claim back, another process sends it at once.
      if (!result.ok && controller.signal.aborted) {
        await releaseHandoverClaim(db, deliveryId, workerId);
        return;
      }
      const at = now();
      if (result.ok) {
        if (await markHandoverDelivered(db, deliveryId, workerId, { now: at, message: result.message })) {
          summary.delivered++;
          logger.info({ eventId: event.id, kind: event.kind, channel, cn: event.contract.cn }, 'handed over');
        }
        return;
      }
      const delayMs = handoverRetryDelayMs(claimed.attempts, {
        baseMs,
        maxMs,
        random,
        retryAfterMs: result.retryAfterMs,
      });
      const nextAttemptAt = new Date(at.getTime() + delayMs);
      if (
        await markHandoverRetry(db, deliveryId, workerId, { error: result.error, nextAttemptAt, now: at })
      ) {
        summary.retried++;
      }
      logger.warn(
        {
          eventId: event.id,
          channel,
          cn: event.contract.cn,
          attempts: claimed.attempts,
          error: result.error,
          nextAttemptAt,
        },
        'hand-over not acknowledged; will retry',
      );
    } finally {
      inFlight.delete(deliveryId);
    }
  };

  return {
    workerId,
    channels: delivery.channels,
    abort: () => controller.abort(),
    async dispatchDue(now) {
      const summary: HandoverSummary = { claimed: 0, delivered: 0, retried: 0, recovered: 0 };
      const started = Date.now();
      while (!controller.signal.aborted && Date.now() - started < sweepBudgetMs) {
        const claimed = await claimHandoverDeliveries(db, {
          workerId,
          channels: delivery.channels,
          now: now(),
          leaseMs,
          limit: batchSize,
        });
        if (claimed.length === 0) break;
        summary.claimed += claimed.length;
        let next = 0;
        const worker = async () => {
          while (next < claimed.length) {
            const item = claimed[next++] as ClaimedDelivery;
            if (controller.signal.aborted) {
              await releaseHandoverClaim(db, item.deliveryId, workerId);
              continue;
            }
            try {
              await deliverOne(item, now, summary);
            } catch (error) {
              // A database error while recording: the claim goes stale and is retried after the lease.
              logger.error({ err: error, deliveryId: item.deliveryId }, 'hand-over dispatch error');
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
        // A round where nothing was acknowledged: the receiver is down; wait for the backoff.
        if (summary.delivered + summary.recovered === 0 && summary.retried > 0) break;
      }
      return summary;
    },
  };
}
