import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { contracts } from '../db/schema.ts';
import type { Database } from '../db/server/connection.ts';
import {
  claimDueNotices,
  claimStaleNotices,
  loadNoticeContexts,
  markFailed,
  markRetry,
  markSent,
  markSkipped,
  type NoticeContext,
  noteUncertain,
  selectDueNotices,
  setCycleParentMessage,
  withLaterAnnouncementDue,
} from '../db/stores/notices-outbox.ts';
import { recordAudit, saveTransition, toRenewalCycle, updateCycle } from '../db/stores/renewal-cycles.ts';
import {
  ANNOUNCEMENT_KINDS,
  applyCycleCommand,
  type Locale,
  type NoticeRelevance,
  noticeRelevance,
  type RenewalCycle,
} from '../domain/index.ts';
import type {
  DeliveryResult,
  NoticeDelivery,
  NoticeToDeliver,
  PostedMessage,
} from '../domain/ports/notices.ts';
import { autoRenewAtDataDeadline } from './auto-renewal.ts';

export type DispatchMode = 'deliver' | 'dry-run';

export type DispatcherOptions = {
  readonly db: Database;
  readonly delivery: NoticeDelivery;
  readonly logger: Logger;
  /** 'dry-run' claims and marks nothing: due notices are handed to the delivery once per process. */
  readonly mode: DispatchMode;
  /** KIGEN_MASTER_KEY, for the keys of auto-renewals (R-CSR-3). */
  readonly masterKey: string | undefined;
  /** KIGEN_LOCALE: the language when the service group has none. */
  readonly defaultLocale: Locale;
  /** Unique per dispatcher; defaults to host, pid and a random suffix. */
  readonly workerId?: string;
  readonly batchSize?: number;
  /** Deliveries in flight at once (Slack's per-channel limit is answered by 429 and Retry-After). */
  readonly concurrency?: number;
  /** Attempts before a retryable failure (5xx, time-out) becomes 'failed'. Rate limits never fail. */
  readonly maxAttempts?: number;
  /** A claim older than this is taken to be abandoned by a dead process. */
  readonly leaseMs?: number;
  /** A post that takes longer is treated as of unknown outcome: recovered after the lease with findPosted. */
  readonly deliverTimeoutMs?: number;
  readonly random?: () => number;
};

export type DispatchSummary = {
  claimed: number;
  sent: number;
  skipped: number;
  retried: number;
  failed: number;
  /** Stale claims whose message was found already posted: recorded, not posted again. */
  recovered: number;
  /** Dry-run: notices printed for the first time by this process. */
  printed: number;
};

export const DEFAULT_LEASE_MS = 2 * 60_000;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 15 * 60_000;

/** Exponential backoff with jitter (half fixed, half random), never sooner than Slack's Retry-After. */
export const retryDelayMs = (
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number => {
  const exponential = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + (random() * exponential) / 2;
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, Math.min(jittered, retryAfterMs * 2)) : jittered;
};

const emptySummary = (): DispatchSummary => ({
  claimed: 0,
  sent: 0,
  skipped: 0,
  retried: 0,
  failed: 0,
  recovered: 0,
  printed: 0,
});

class DeliveryTimeout extends Error {}

export type NoticeDispatcher = {
  readonly workerId: string;
  /** One sweep: recovers stale claims, then claims and delivers due notices until none is left. */
  dispatchDue(now: Date): Promise<DispatchSummary>;
  /** Only the stale claims (reconcile). */
  recoverStale(now: Date): Promise<DispatchSummary>;
  /** Shutdown: claims no more notices and starts no more deliveries; running ones finish. */
  halt(): void;
  /** Notices claimed fresh (not stale) whose processing never began: safe to put back to 'pending'. */
  claimsNotStarted(): string[];
};

/**
 * R-NOTICE-4: delivers each notice once per certificate and kind, across replicas and restarts.
 * Exactly-once comes from the claim in our own table (status 'sending' + claimed_by), not from the
 * job scheduler; the only window for a duplicate, a crash between post and record, is closed by
 * `findPosted` before a stale claim is delivered again.
 */
export function createNoticeDispatcher(options: DispatcherOptions): NoticeDispatcher {
  const { db, delivery, logger, mode } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 8;
  const maxAttempts = options.maxAttempts ?? 8;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const deliverTimeoutMs = options.deliverTimeoutMs ?? 30_000;
  const random = options.random ?? Math.random;
  const printed = new Set<string>();
  const notStarted = new Set<string>();
  let halted = false;

  const toNotice = (ctx: NoticeContext, cycle: RenewalCycle | null, late: boolean): NoticeToDeliver => ({
    notice: { id: ctx.id, kind: ctx.kind, dueAt: ctx.dueAt, attempts: ctx.attempts, late },
    contract: {
      id: ctx.contract.id,
      cn: ctx.contract.cn,
      category: ctx.contract.category,
      ca: ctx.contract.ca,
      productId: ctx.contract.productId,
      periodMonths: ctx.contract.periodMonths,
      slackChannelId: ctx.contract.slackChannelId,
    },
    certificate: ctx.certificate,
    cycle,
    recipients: { groupAdmins: ctx.groupAdmins, serviceAdmins: ctx.serviceAdmins },
    locale: ctx.groupLocale ?? options.defaultLocale,
    thread:
      ctx.cycle?.slackChannelId && ctx.cycle.slackTs
        ? { channel: ctx.cycle.slackChannelId, ts: ctx.cycle.slackTs }
        : null,
  });

  const cycleOf = (ctx: NoticeContext): RenewalCycle | null =>
    ctx.cycle ? toRenewalCycle(ctx.cycle, ctx.contract.category) : null;

  /** A batch's contexts, and which of them a later announcement of their cycle supersedes (one query). */
  const loadBatch = async (ids: readonly string[], now: Date) => {
    const [contexts, superseded] = await Promise.all([
      loadNoticeContexts(db, ids),
      withLaterAnnouncementDue(db, ids, { now, kinds: ANNOUNCEMENT_KINDS }),
    ]);
    return { contexts, superseded };
  };

  const relevanceOf = (
    ctx: NoticeContext,
    cycle: RenewalCycle | null,
    superseded: ReadonlySet<string>,
    now: Date,
  ): NoticeRelevance =>
    noticeRelevance({
      kind: ctx.kind,
      dueAt: ctx.dueAt,
      cycle,
      certificateNotAfter: ctx.certificate.notAfter,
      now,
      laterAnnouncementDue: superseded.has(ctx.id),
    });

  const deliverWithTimeout = async (notice: NoticeToDeliver, now: Date): Promise<DeliveryResult> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeliveryTimeout()), deliverTimeoutMs);
    });
    try {
      return await Promise.race([delivery.deliver(notice, now), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const recordSent = async (
    ctx: NoticeContext,
    cycle: RenewalCycle | null,
    message: PostedMessage,
    threadTs: string | null,
    now: Date,
  ): Promise<boolean> => {
    const recorded = await db.transaction(async (tx) => {
      if (!(await markSent(tx, ctx.id, workerId, { ...message, threadTs, now }))) return false;
      if (cycle) {
        if (threadTs === null) await setCycleParentMessage(tx, cycle.id, message);
        // scheduled → noticed on the first announcement; the domain ignores other kinds. Applied to
        // the cycle read with the batch; only a concurrent change costs a re-read (optimistic lock).
        const command = { type: 'noticeDelivered', kind: ctx.kind } as const;
        const result = applyCycleCommand(cycle, command, now);
        if (result.ok && result.value.changed && !(await saveTransition(tx, cycle.version, result.value))) {
          await updateCycle(tx, cycle.id, command, now);
        }
      }
      return true;
    });
    if (!recorded) logger.warn({ noticeId: ctx.id }, 'notice posted, but its claim was taken over meanwhile');
    return recorded;
  };

  const fail = async (ctx: NoticeContext, error: string, now: Date, summary: DispatchSummary) => {
    if (await markFailed(db, ctx.id, workerId, error, now)) summary.failed++;
    logger.warn(
      { noticeId: ctx.id, cn: ctx.contract.cn, kind: ctx.kind, channel: ctx.contract.slackChannelId, error },
      `notice failed: ${ctx.contract.cn} ${ctx.kind} in ${ctx.contract.slackChannelId}: ${error}`,
    );
  };

  const retry = async (
    ctx: NoticeContext,
    error: string,
    retryAfterMs: number | undefined,
    now: Date,
    summary: DispatchSummary,
  ) => {
    // Rate limits are waited out, never counted against the notice (the issue: "never drop").
    if (retryAfterMs === undefined && ctx.attempts >= maxAttempts) {
      await fail(ctx, `${error} (after ${ctx.attempts} attempts)`, now, summary);
      return;
    }
    const next = new Date(now.getTime() + retryDelayMs(ctx.attempts, retryAfterMs, random));
    if (await markRetry(db, ctx.id, workerId, error, next, now)) summary.retried++;
    logger.info(
      { noticeId: ctx.id, cn: ctx.contract.cn, kind: ctx.kind, error, nextAttemptAt: next },
      'notice delivery will be retried',
    );
  };

  /** The cycle transitions that happen at a notice's instant, before its message (deliver mode only). */
  const applyDueTransitions = async (
    ctx: NoticeContext,
    cycle: RenewalCycle,
    now: Date,
  ): Promise<
    | { ok: true; cycle: RenewalCycle; autoRenewal?: NoticeToDeliver['autoRenewal'] }
    | { ok: false; retryable: boolean; error: string }
  > => {
    switch (ctx.kind) {
      case 'data_deadline': {
        if (cycle.category !== 'proxy') return { ok: true, cycle };
        const outcome = await autoRenewAtDataDeadline(db, {
          cycle,
          contract: ctx.contract,
          masterKey: options.masterKey,
          now,
        });
        if (!outcome.ok) return outcome;
        return outcome.summary
          ? { ok: true, cycle: outcome.cycle, autoRenewal: outcome.summary }
          : { ok: true, cycle: outcome.cycle };
      }
      case 'byo_expiry':
      case 'term_end': {
        // R-AUTO-4: an expired BYO certificate leaves the contract as it is; R-AUTO-1: an opted-out
        // proxy cycle is cancelled at the end of its term, and the contract with it.
        const moved = await db.transaction(async (tx) => {
          const result = await updateCycle(tx, cycle.id, { type: 'certificateExpired' }, now);
          if (result.ok && result.transition.changed && result.transition.cycle.state === 'cancelled') {
            await tx
              .update(contracts)
              .set({ status: 'cancelled', updatedAt: now })
              .where(eq(contracts.id, ctx.contract.id));
            await recordAudit(tx, {
              actor: 'system:expiry',
              action: 'contract.cancelled',
              at: now,
              contractId: ctx.contract.id,
              cycleId: cycle.id,
              before: { status: ctx.contract.status },
              after: { status: 'cancelled' },
              detail: { reason: 'opted_out' },
            });
          }
          return result;
        });
        return { ok: true, cycle: moved.ok ? moved.transition.cycle : cycle };
      }
      default:
        return { ok: true, cycle };
    }
  };

  const processClaimed = async (
    ctx: NoticeContext,
    superseded: ReadonlySet<string>,
    stale: boolean,
    now: Date,
    summary: DispatchSummary,
  ): Promise<void> => {
    let cycle = cycleOf(ctx);
    if (stale) {
      // The previous claimer may have posted before it died: look before posting again.
      const posted = await delivery.findPosted(toNotice(ctx, cycle, false));
      if (posted) {
        const parent = ctx.cycle?.slackTs ?? null;
        const threadTs = parent !== null && parent !== posted.ts ? parent : null;
        if (await recordSent(ctx, cycle, posted, threadTs, now)) summary.recovered++;
        return;
      }
    }
    // R-NOTICE-4: a superseded announcement is recorded as skipped, never posted, so it never becomes
    // the cycle's parent message: the latest due announcement does.
    const relevance = relevanceOf(ctx, cycle, superseded, now);
    if (!relevance.deliver) {
      if (await markSkipped(db, ctx.id, workerId, relevance.reason, now)) summary.skipped++;
      logger.info(
        { noticeId: ctx.id, cn: ctx.contract.cn, kind: ctx.kind, reason: relevance.reason },
        'notice skipped',
      );
      return;
    }
    let autoRenewal: NoticeToDeliver['autoRenewal'];
    if (cycle) {
      const transitions = await applyDueTransitions(ctx, cycle, now);
      if (!transitions.ok) {
        if (transitions.retryable) await retry(ctx, transitions.error, undefined, now, summary);
        else await fail(ctx, transitions.error, now, summary);
        return;
      }
      cycle = transitions.cycle;
      autoRenewal = transitions.autoRenewal;
    }
    const notice = { ...toNotice(ctx, cycle, relevance.late), ...(autoRenewal ? { autoRenewal } : {}) };
    let result: DeliveryResult;
    try {
      result = await deliverWithTimeout(notice, now);
    } catch (error) {
      if (error instanceof DeliveryTimeout) {
        // Unknown outcome: keep the claim; after the lease, findPosted decides.
        await noteUncertain(db, ctx.id, workerId, 'timeout');
        logger.warn({ noticeId: ctx.id, cn: ctx.contract.cn, kind: ctx.kind }, 'notice delivery timed out');
        return;
      }
      result = { ok: false, retryable: true, error: (error as Error).message ?? 'delivery_threw' };
    }
    if (result.ok) {
      if (await recordSent(ctx, cycle, result.message, result.threadTs, now)) summary.sent++;
    } else if (result.retryable) {
      await retry(ctx, result.error, result.retryAfterMs, now, summary);
    } else {
      await fail(ctx, result.error, now, summary);
    }
  };

  const runPool = async <T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (!halted && next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  };

  const processBatch = async (ids: string[], stale: boolean, now: Date, summary: DispatchSummary) => {
    summary.claimed += ids.length;
    if (!stale) for (const id of ids) notStarted.add(id);
    const { contexts, superseded } = await loadBatch(ids, now);
    // Notices of one cycle go one after the other, in due order, each re-read after the one before:
    // the first posted becomes the cycle's parent message and the next must see it (and the cycle's
    // new version), or two top-level messages would open the same cycle.
    await runPool(byCycle(contexts), async (group) => {
      for (const [i, loaded] of group.entries()) {
        if (halted) return;
        const ctx = i === 0 ? loaded : ((await loadNoticeContexts(db, [loaded.id]))[0] ?? loaded);
        notStarted.delete(ctx.id);
        try {
          await processClaimed(ctx, superseded, stale, now, summary);
        } catch (error) {
          // One broken notice never stops the others; its claim goes stale and is retried.
          logger.error(
            { err: error, noticeId: ctx.id, cn: ctx.contract.cn, kind: ctx.kind },
            'notice dispatch error',
          );
        }
      }
    });
  };

  const recoverStale = async (now: Date, summary = emptySummary()): Promise<DispatchSummary> => {
    if (mode === 'dry-run') return summary;
    for (;;) {
      if (halted) return summary;
      const ids = await claimStaleNotices(db, { workerId, now, leaseMs, limit: batchSize });
      if (ids.length === 0) return summary;
      logger.warn({ count: ids.length }, 'recovering notices abandoned between claim and record');
      await processBatch(ids, true, now, summary);
    }
  };

  const dryRun = async (now: Date): Promise<DispatchSummary> => {
    const summary = emptySummary();
    const ids = (await selectDueNotices(db, { now, limit: 10_000 })).filter((id) => !printed.has(id));
    const { contexts, superseded } = await loadBatch(ids, now);
    for (const ctx of contexts) {
      printed.add(ctx.id);
      const cycle = cycleOf(ctx);
      // Dry-run prints what deliver mode would post: only the latest due announcement of a cycle.
      const relevance = relevanceOf(ctx, cycle, superseded, now);
      if (!relevance.deliver) {
        logger.info(
          { noticeId: ctx.id, cn: ctx.contract.cn, kind: ctx.kind, reason: relevance.reason },
          'dry-run: this notice would be skipped',
        );
        continue;
      }
      await delivery.deliver(toNotice(ctx, cycle, relevance.late), now);
      summary.printed++;
    }
    return summary;
  };

  return {
    workerId,
    recoverStale: (now) => recoverStale(now),
    halt: () => {
      halted = true;
    },
    claimsNotStarted: () => [...notStarted],
    async dispatchDue(now) {
      if (mode === 'dry-run') return dryRun(now);
      const summary = await recoverStale(now);
      for (;;) {
        if (halted) return summary;
        const ids = await claimDueNotices(db, { workerId, now, limit: batchSize });
        if (ids.length === 0) return summary;
        await processBatch(ids, false, now, summary);
      }
    },
  };
}

/** For tests and operators: counts of notices by status. */
/** Contexts grouped by their cycle (a notice without one stands alone), each group in due order. */
function byCycle(contexts: readonly NoticeContext[]): NoticeContext[][] {
  const groups = new Map<string, NoticeContext[]>();
  for (const ctx of contexts) {
    const key = ctx.cycle?.id ?? `notice:${ctx.id}`;
    groups.set(key, [...(groups.get(key) ?? []), ctx]);
  }
  return [...groups.values()].map((g) => g.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()));
}

export async function noticeStatusCounts(db: Database): Promise<Record<string, number>> {
  const rows = (await db.execute(
    sql`select status, count(*)::int as n from notices group by status`,
  )) as unknown as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
