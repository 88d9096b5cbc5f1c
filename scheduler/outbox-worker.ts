import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type {
  Claim,
  LaneId,
  LaneLeases,
  OutboxHandler,
  OutboxQueue,
  Outcome,
  QueueName,
} from '../domain/ports/outbox.ts';
import { isSlackLane } from '../domain/ports/outbox.ts';
import { briefError, databaseAway } from './database-away.ts';

type Log = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export type OutboxWorkerOptions = {
  /** Queues in the order a lane's holder serves them. */
  readonly queues: readonly { readonly queue: OutboxQueue; readonly handle: OutboxHandler }[];
  readonly leases: LaneLeases;
  readonly logger: Log;
  readonly workerId?: string;
  readonly clock?: () => Date;
  /** How long a lane lease lasts without renewal: after a kill -9, its items are back in play after this. */
  readonly leaseMs?: number;
  /** An attempt is aborted after this; its outcome is then unknown (looked up before writing again). */
  readonly attemptTimeoutMs?: number;
  /** Time between two writes in one lane: Slack allows about one message per second per channel. */
  readonly paceMs?: (lane: LaneId) => number;
  /** A paced lane is kept (not released) when its next write is at most this far away. */
  readonly holdWhilePacedMs?: number;
  /** Lanes held at once by this replica. */
  readonly maxLanes?: number;
  /** Lanes leased per round, so that replicas polling together share the work. */
  readonly lanesPerRound?: number;
  /** How often an idle worker looks for ready lanes. */
  readonly pollMs?: number;
  /** Attempts (that count) before a retryable error becomes a failure. */
  readonly maxAttempts?: number;
  readonly backoff?: (attempts: number, retryAfterMs: number | undefined) => number;
  readonly random?: () => number;
  /** Every recorded outcome (metrics). */
  readonly onOutcome?: (queue: QueueName, claim: Claim, outcome: Outcome) => void;
};

export type OutboxSummary = {
  claimed: number;
  done: number;
  skipped: number;
  failed: number;
  retried: number;
  /** Outcomes not recorded because the claim was no longer ours. */
  lost: number;
};

export type OutboxHealth = {
  readonly running: boolean;
  readonly startedAt: Date;
  readonly lanesHeld: number;
  /** End of the last successful look for work (null before the first): a stuck loop shows here. */
  readonly lastPollAt: Date | null;
  /** The database did not answer the last look for work. */
  readonly storeFailing: boolean;
};

export type OutboxWorker = {
  readonly workerId: string;
  /** Runs in the background until `stop`. */
  start(): void;
  /**
   * Graceful: leases no more lanes and starts no more attempts; attempts in flight get `timeoutMs` to
   * finish (then they are aborted); every lease is released at once so another replica carries on.
   */
  stop(timeoutMs?: number): Promise<void>;
  /**
   * Tests and benchmarks: works every lane ready at `now` until nothing is ready at `now` (a paced
   * lane is released with its pace, not waited for). Not to be mixed with `start`.
   */
  runUntilIdle(now?: Date): Promise<OutboxSummary>;
  /** New work was enqueued in this process: look for it now rather than at the next poll. */
  wake(): void;
  health(): OutboxHealth;
};

export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 20_000;
export const SLACK_PACE_MS = 1_100;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 15 * 60_000;
const STORE_BACKOFF_MAX_MS = 10_000;
const QUIET_RECHECK_MS = 3_000;
/** The abort reason of the attempts still in flight when `stop`'s grace is over. */
const SHUTDOWN = new Error('shutdown');

/** Exponential backoff with jitter (half fixed, half random), never sooner than a Retry-After. */
export const outboxBackoffMs = (attempts: number, retryAfterMs: number | undefined, random: () => number) => {
  const exponential = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential / 2 + (random() * exponential) / 2;
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, Math.min(jittered, retryAfterMs * 2)) : jittered;
};

/** How a failure's log line names an item of each queue. */
const ITEM_NOUN: Record<QueueName, string> = {
  notices: 'notice',
  messages: 'message',
  handover: 'hand-over event',
};
const aboutOf = (outcome: Outcome) =>
  outcome.kind !== 'done' && outcome.kind !== 'skipped' && outcome.about ? { about: outcome.about } : {};

const defaultPace = (lane: LaneId) => (isSlackLane(lane) ? SLACK_PACE_MS : 0);

const emptySummary = (): OutboxSummary => ({
  claimed: 0,
  done: 0,
  skipped: 0,
  failed: 0,
  retried: 0,
  lost: 0,
});

type HeldLane = {
  readonly lane: LaneId;
  /** Until when the lease is surely ours: the start of the last successful renewal plus the lease. */
  leaseUntil: number;
  /** No write in this lane before this (Slack's pace, a Retry-After). */
  pacedUntil: number;
  /** Queues found empty for this lane, not asked again before then (see `claimNext`). */
  readonly quietUntil: Map<QueueName, number>;
  lost: boolean;
};

/**
 * The one outbox engine: every replica leases lanes with SKIP LOCKED, works each of its lanes in
 * order and paced, renews its leases by heartbeat, and records every outcome only while the claim is
 * still its own. Exactly once comes from the lane lease (one writer per lane), the claim token (a late
 * writer changes nothing) and the look-up before a write whose earlier attempt may have landed
 * (`Claim.uncertainSince`); at least once from retries that never give up on rate limits.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { leases, logger } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const clock = options.clock ?? (() => new Date());
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const paceMs = options.paceMs ?? defaultPace;
  const holdWhilePacedMs = options.holdWhilePacedMs ?? 5_000;
  const maxLanes = options.maxLanes ?? 256;
  const lanesPerRound = options.lanesPerRound ?? 32;
  const pollMs = options.pollMs ?? 500;
  const maxAttempts = options.maxAttempts ?? 8;
  const random = options.random ?? Math.random;
  const backoff =
    options.backoff ?? ((attempts, retryAfter) => outboxBackoffMs(attempts, retryAfter, random));
  // A new attempt starts only when the lease surely outlives it.
  const fenceMs = Math.min(attemptTimeoutMs + 2_000, leaseMs / 2);

  const held = new Map<LaneId, HeldLane>();
  const laneLoops = new Set<Promise<void>>();
  const inFlight = new Set<AbortController>();
  let running = false;
  let stopping = false;
  let lastPollAt: Date | null = null;
  let startedAt = clock();
  let storeFailing = false;
  let storeFailures = 0;
  let wakeUp: (() => void) | null = null;
  let mainLoop: Promise<void> | null = null;
  let heartbeat: NodeJS.Timeout | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        if (wakeUp === done) wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  const settle = async (
    queue: OutboxQueue,
    claim: Claim,
    outcome: Outcome,
    now: Date,
    summary: OutboxSummary,
    interrupted = false,
  ): Promise<Outcome> => {
    if (outcome.kind === 'done') {
      if (outcome.recorded) summary.done++;
      else summary.lost++;
      options.onOutcome?.(queue.name, claim, outcome);
      return outcome;
    }
    let final: Exclude<Outcome, { kind: 'done' }> =
      // A queue whose items are never given up (the hand-over) retries what would fail elsewhere.
      outcome.kind === 'failed' && !queue.canFail
        ? { kind: 'retry', error: outcome.error, uncertain: false, ...aboutOf(outcome) }
        : outcome;
    let nextAttemptAt: Date | null = null;
    if (final.kind === 'retry' && interrupted) {
      // Our shutdown stopped the attempt, not the item: no attempt of its, and no backoff, so that
      // another replica carries on at once (looking first, when the attempt may have landed).
      final = { ...final, countsAsAttempt: false };
      nextAttemptAt = now;
    } else if (final.kind === 'retry') {
      const counts = final.countsAsAttempt ?? true;
      // Rate limits and look-ups are waited out, never held against the item (nothing is dropped), and
      // an item that may have landed is never given up before it is found or known absent.
      const givesUp = counts && final.retryAfterMs === undefined && !final.uncertain;
      if (queue.canFail && givesUp && claim.attempts >= maxAttempts) {
        final = {
          kind: 'failed',
          error: `${final.error} (after ${claim.attempts} attempts)`,
          ...aboutOf(final),
        };
      } else {
        nextAttemptAt = new Date(now.getTime() + backoff(counts ? claim.attempts : 1, final.retryAfterMs));
      }
    }
    const recorded = await queue.settle(claim, final, now, nextAttemptAt);
    if (!recorded) summary.lost++;
    else if (final.kind === 'skipped') summary.skipped++;
    else if (final.kind === 'failed') summary.failed++;
    else summary.retried++;
    options.onOutcome?.(queue.name, claim, final);
    if (final.kind === 'failed') {
      // One line that names the item (a notice: its CN, kind and channel) when the handler said which.
      logger.warn(
        { queue: queue.name, id: claim.id, lane: claim.lane, ...final.about?.fields, error: final.error },
        final.about
          ? `${ITEM_NOUN[queue.name]} failed: ${final.about.label}: ${final.error}`
          : 'outbox item failed',
      );
    } else if (final.kind === 'retry') {
      logger.info(
        {
          queue: queue.name,
          id: claim.id,
          lane: claim.lane,
          ...final.about?.fields,
          error: final.error,
          nextAttemptAt,
          uncertain: final.uncertain,
        },
        'outbox item will be retried',
      );
    }
    return final;
  };

  /**
   * One attempt, aborted after the timeout; a handler that throws has an unknown outcome.
   * `interrupted`: aborted by our shutdown.
   */
  const attempt = async (
    handle: OutboxHandler,
    claim: Claim,
    now: Date,
  ): Promise<{ outcome: Outcome; interrupted: boolean }> => {
    const controller = new AbortController();
    inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error('attempt_timeout')), attemptTimeoutMs);
    try {
      const outcome = await Promise.race([
        handle(claim, { now, signal: controller.signal }),
        // A handler that ignores its signal is abandoned a little after the time-out.
        new Promise<Outcome>((resolve) => {
          const onAbort = () =>
            setTimeout(
              () => resolve({ kind: 'retry', error: 'attempt_timeout', uncertain: true }),
              1_000,
            ).unref();
          controller.signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
      return { outcome, interrupted: controller.signal.reason === SHUTDOWN };
    } catch (error) {
      if (databaseAway(error)) {
        // PostgreSQL restarting under the attempt: routine; the item is retried (looked up first).
        logger.warn(
          { error: briefError(error), id: claim.id, lane: claim.lane },
          'outbox attempt interrupted: the database does not answer',
        );
      } else logger.error({ err: error, id: claim.id, lane: claim.lane }, 'outbox handler threw');
      return {
        outcome: {
          kind: 'retry',
          error: `handler_error: ${(error as Error)?.message ?? error}`,
          uncertain: true,
        },
        interrupted: controller.signal.reason === SHUTDOWN,
      };
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
    }
  };

  /**
   * The next item of the lane, from the first queue that has one. A queue found empty for the lane is
   * asked again only after QUIET_RECHECK_MS while the lane keeps working (a busy channel's notices
   * would otherwise pay one empty claim per other queue), or at once after `wake()`.
   */
  const claimNext = async (state: HeldLane, now: Date, live: boolean) => {
    const nowMs = now.getTime();
    for (const entry of options.queues) {
      if (live && (state.quietUntil.get(entry.queue.name) ?? 0) > nowMs) continue;
      const claim = await entry.queue.claimNext(state.lane, workerId, now);
      if (claim) return { entry, claim };
      if (live) state.quietUntil.set(entry.queue.name, nowMs + QUIET_RECHECK_MS);
    }
    // Nothing anywhere: the lane is given up, so the next holder asks every queue afresh.
    return null;
  };

  /** Works one held lane until it has nothing ready, is paced for long, or is lost. */
  const workLane = async (state: HeldLane, summary: OutboxSummary, once: { now: Date } | null) => {
    let releasePace: Date | null = null;
    try {
      for (;;) {
        if (stopping || state.lost) return;
        const nowMs = once ? once.now.getTime() : clock().getTime();
        if (state.pacedUntil > nowMs) {
          const wait = state.pacedUntil - nowMs;
          if (once || wait > holdWhilePacedMs) {
            releasePace = new Date(state.pacedUntil);
            return;
          }
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        if (!once && state.leaseUntil - nowMs < fenceMs) return; // the heartbeat is late: do not risk a write
        const now = once ? once.now : new Date(nowMs);
        const next = await claimNext(state, now, !once);
        if (!next) return;
        summary.claimed++;
        if (stopping) {
          await next.entry.queue.release(next.claim, now);
          return;
        }
        const { outcome, interrupted } = await attempt(next.entry.handle, next.claim, now);
        const settledAt = once ? once.now : clock();
        const final = await settle(next.entry.queue, next.claim, outcome, settledAt, summary, interrupted);
        const pace = wrotePace(state.lane, final);
        const retryAfter = final.kind === 'retry' ? (final.retryAfterMs ?? 0) : 0;
        state.pacedUntil = settledAt.getTime() + Math.max(pace, retryAfter);
      }
    } catch (error) {
      // Mostly the database being away: leave the lane; it is taken again once the store answers.
      logger.warn({ err: error, lane: state.lane }, 'outbox lane stopped on an error');
      releasePace = new Date((once ? once.now : clock()).getTime() + 1_000);
    } finally {
      held.delete(state.lane);
      if (!state.lost) {
        await leases
          .release(
            state.lane,
            workerId,
            releasePace ?? (state.pacedUntil > 0 ? new Date(state.pacedUntil) : null),
          )
          .catch((error) =>
            logger.warn({ err: error, lane: state.lane }, 'outbox lane not released (its lease will end)'),
          );
      }
    }
  };

  // A skip wrote nothing: the lane may go on at once. Everything else may have written.
  const wrotePace = (lane: LaneId, outcome: Outcome) => (outcome.kind === 'skipped' ? 0 : paceMs(lane));

  const readyLanes = async (now: Date): Promise<LaneId[]> => {
    const lanes = new Set<LaneId>();
    for (const { queue } of options.queues) {
      for (const lane of await queue.readyLanes(now, Math.max(lanesPerRound * 4, 64), workerId)) {
        if (!held.has(lane)) lanes.add(lane);
      }
    }
    return [...lanes];
  };

  const acquire = async (now: Date, limit: number): Promise<HeldLane[]> => {
    if (limit <= 0) return [];
    const candidates = await readyLanes(now);
    if (candidates.length === 0) return [];
    const taken = await leases.acquire(candidates, workerId, now, leaseMs, limit);
    return taken
      .filter((lane) => !held.has(lane))
      .map((lane) => {
        const state: HeldLane = {
          lane,
          leaseUntil: now.getTime() + leaseMs,
          pacedUntil: 0,
          lost: false,
          quietUntil: new Map(),
        };
        held.set(lane, state);
        return state;
      });
  };

  const renewLeases = async () => {
    if (held.size === 0) return;
    const started = clock().getTime();
    const lanes = [...held.keys()];
    try {
      const kept = new Set(await leases.renew(lanes, workerId, clock(), leaseMs));
      for (const lane of lanes) {
        const state = held.get(lane);
        if (!state) continue;
        if (kept.has(lane)) state.leaseUntil = started + leaseMs;
        else {
          state.lost = true;
          logger.warn({ lane }, 'outbox lane lease lost to another replica');
        }
      }
    } catch (error) {
      // The loops stop by themselves when their leases run out (fencing); nothing else to do.
      logger.warn({ err: error }, 'outbox lane leases not renewed');
    }
  };

  const poll = async (summary: OutboxSummary) => {
    const now = clock();
    const taken = await acquire(now, Math.min(lanesPerRound, maxLanes - held.size));
    lastPollAt = clock();
    if (storeFailing) logger.info({}, 'outbox: the database answers again');
    storeFailing = false;
    storeFailures = 0;
    for (const state of taken) {
      const loop = workLane(state, summary, null).finally(() => laneLoops.delete(loop));
      laneLoops.add(loop);
    }
    return taken.length;
  };

  const run = async () => {
    const summary = emptySummary();
    while (!stopping) {
      let delay = pollMs;
      try {
        const taken = await poll(summary);
        // More ready lanes than one round takes: come back at once (the replicas take turns).
        if (taken === lanesPerRound && held.size < maxLanes) delay = 0;
      } catch (error) {
        storeFailures++;
        if (!storeFailing)
          logger.warn({ err: error }, 'outbox: cannot look for work (the database does not answer)');
        storeFailing = true;
        delay = Math.min(STORE_BACKOFF_MAX_MS, pollMs * 2 ** Math.min(storeFailures, 5));
      }
      if (!stopping) await sleep(delay);
    }
  };

  return {
    workerId,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      startedAt = clock();
      mainLoop = run();
      heartbeat = setInterval(() => void renewLeases(), Math.max(1_000, Math.floor(leaseMs / 4)));
      heartbeat.unref();
    },
    async stop(timeoutMs = 25_000) {
      stopping = true;
      wakeUp?.();
      await mainLoop;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled([...laneLoops]).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        logger.warn({ inFlight: inFlight.size }, 'outbox: attempts still running at shutdown; aborting them');
        for (const controller of inFlight) controller.abort(SHUTDOWN);
        await Promise.allSettled([...laneLoops]);
      }
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      running = false;
    },
    async runUntilIdle(at) {
      const now = at ?? clock();
      const summary = emptySummary();
      for (;;) {
        const taken = await acquire(now, maxLanes - held.size);
        if (taken.length === 0) return summary;
        await Promise.all(taken.map((state) => workLane(state, summary, { now })));
      }
    },
    wake() {
      // Something was enqueued here: every held lane asks every queue again.
      for (const state of held.values()) state.quietUntil.clear();
      wakeUp?.();
    },
    health: () => ({ running, startedAt, lanesHeld: held.size, lastPollAt, storeFailing }),
  };
}
