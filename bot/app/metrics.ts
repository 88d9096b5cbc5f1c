import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { decisionCounts, type NoticeFigures, noticeFigures } from '../../db/queries/operational-counts.ts';
import type { Database } from '../../db/server/connection.ts';
import type { OutboxHealth } from '../../scheduler/outbox-worker.ts';
import type { Logger } from './logger.ts';

/** Kinds of Slack interaction, as labelled in metrics and logs. */
export type InteractionType = 'command' | 'action' | 'view' | 'shortcut' | 'options' | 'event' | 'other';

/**
 * The metrics of one process, on a registry of its own (never prom-client's global one), so that
 * tests and several apps in one process stay independent.
 */
export type Metrics = {
  readonly registry: Registry;
  /** Time from receipt of a Slack request to its ack (observed by `instrumentInteractions`). */
  readonly slackAckSeconds: Histogram<'type'>;
  readonly slackInteractions: Counter<'type' | 'outcome'>;
  /** Failed Slack HTTP calls (Web API and response_url), by method and code (`observedSlackFetch`). */
  readonly slackApiErrors: Counter<'method' | 'code'>;
  /**
   * Webhook deliveries to the back office, for the hand-over: `outcome` is one of 'delivered',
   * 'retry' (failed, will be retried) or 'failed' (given up).
   */
  readonly webhookDeliveries: Counter<'outcome'>;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
};

export type MetricsOptions = {
  /** Source of the notice and decision figures; without it those series are absent. */
  readonly db?: Database;
  /** This process's outbox worker, once started. */
  readonly outbox?: () => { health(): OutboxHealth } | undefined;
  readonly logger?: Logger;
  /** How long figures read from the database are reused between scrapes. */
  readonly cacheMs?: number;
  /** A scrape never waits longer than this for the database: the previous figures are served. */
  readonly queryTimeoutMs?: number;
  /** Node.js process metrics (`process_*`, `nodejs_*`); on by default. */
  readonly processMetrics?: boolean;
  readonly now?: () => Date;
};

const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const now = options.now ?? (() => new Date());
  const cacheMs = options.cacheMs ?? 15_000;
  const queryTimeoutMs = options.queryTimeoutMs ?? 2_000;
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const figures = options.db
    ? cachedFigures(options.db, { now, cacheMs, queryTimeoutMs, logger: options.logger })
    : null;

  if (figures) {
    new Gauge({
      name: 'kigen_notices',
      help: 'Notices in the outbox by status (pending, sending, sent, skipped, failed); read from the database.',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const f = await figures.notices();
        if (f) for (const [status, n] of Object.entries(f.byStatus)) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'kigen_notices_due',
      help: 'Pending notices due now (retries whose next attempt time has come included).',
      registers: [registry],
      async collect() {
        const f = await figures.notices();
        if (f) this.set(f.due);
      },
    });
    new Gauge({
      name: 'kigen_notices_oldest_due_age_seconds',
      help: 'How long the oldest due notice has been waiting (0 when none is due): alert when it grows.',
      registers: [registry],
      async collect() {
        const f = await figures.notices();
        if (f) this.set(f.oldestDueAt ? Math.max(0, (now().getTime() - f.oldestDueAt.getTime()) / 1000) : 0);
      },
    });
    new Counter({
      name: 'kigen_decisions_total',
      help: 'Decisions recorded in the audit trail by kind (requestRenewal, changePeriod, optOut, undoOptOut, refused, …).',
      labelNames: ['decision'],
      registers: [registry],
      async collect() {
        const counts = await figures.decisions();
        if (!counts) return;
        this.reset();
        for (const [decision, n] of Object.entries(counts)) this.inc({ decision }, n);
      },
    });
  }

  if (options.outbox) {
    const outbox = options.outbox;
    new Gauge({
      name: 'kigen_outbox_last_poll_timestamp_seconds',
      help: "End of this process's last look for outbox work (Unix time; 0 before the first).",
      registers: [registry],
      collect() {
        const at = outbox()?.health().lastPollAt;
        this.set(at ? at.getTime() / 1000 : 0);
      },
    });
    new Gauge({
      name: 'kigen_outbox_lanes_held',
      help: 'Outbox lanes (Slack channels, the webhook) this process works now.',
      registers: [registry],
      collect() {
        this.set(outbox()?.health().lanesHeld ?? 0);
      },
    });
  }

  return {
    registry,
    slackAckSeconds: new Histogram({
      name: 'kigen_slack_ack_duration_seconds',
      help: 'Time from receipt of a Slack request to its ack, by type (command, action, view, …). Slack gives up after 3 s.',
      labelNames: ['type'],
      buckets: ACK_BUCKETS,
      registers: [registry],
    }),
    slackInteractions: new Counter({
      name: 'kigen_slack_interactions_total',
      help: 'Slack requests handled, by type and outcome (ok, error, unhandled: nothing listens for it, acknowledged empty).',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    slackApiErrors: new Counter({
      name: 'kigen_slack_api_errors_total',
      help: 'Failed Slack HTTP calls (each attempt), by Web API method (or response_url) and error code.',
      labelNames: ['method', 'code'],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'kigen_webhook_deliveries_total',
      help: 'Webhook deliveries to the back office by outcome (delivered, retry, failed).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

type Cache<T> = { value: T | null; at: number; pending: Promise<T | null> | null };

/** Figures from the database, read at most once per `cacheMs`, never blocking a scrape for long. */
function cachedFigures(
  db: Database,
  o: { now: () => Date; cacheMs: number; queryTimeoutMs: number; logger: Logger | undefined },
) {
  const cached = <T>(name: string, read: () => Promise<T>) => {
    const cache: Cache<T> = { value: null, at: Number.NEGATIVE_INFINITY, pending: null };
    return (): Promise<T | null> => {
      if (Date.now() - cache.at < o.cacheMs) return Promise.resolve(cache.value);
      cache.pending ??= withTimeout(read(), o.queryTimeoutMs)
        .then((value) => {
          cache.value = value;
          cache.at = Date.now();
          return value;
        })
        .catch((error: unknown) => {
          o.logger?.warn(
            { err: error, figures: name },
            'metrics: the database did not answer; serving the last figures',
          );
          return cache.value;
        })
        .finally(() => {
          cache.pending = null;
        });
      return cache.pending;
    };
  };
  return {
    notices: cached<NoticeFigures>('notices', () => noticeFigures(db, o.now())),
    decisions: cached<Record<string, number>>('decisions', () => decisionCounts(db)),
  };
}

/** Rejects when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
