import type { Database } from '../../db/server/connection.ts';
import { createLaneLeases } from '../../db/stores/outbox-lanes.ts';
import { createOutboxQueue } from '../../db/stores/outbox-queues.ts';
import { createStore, type Repositories } from '../../db/stores/store.ts';
import type { HandoverChannel, HandoverWebhook, OpsBoard } from '../../domain/ports/handover.ts';
import type { KeyMaker } from '../../domain/ports/keys.ts';
import type { MessageBoard } from '../../domain/ports/messages.ts';
import type { NoticeBoard } from '../../domain/ports/notices.ts';
import type { Store } from '../../domain/ports/store.ts';
import { deliverMessage } from '../../domain/use-cases/deliver-message.ts';
import { createDryRun, deliverNotice } from '../../domain/use-cases/deliver-notice.ts';
import { handOverEvent } from '../../domain/use-cases/hand-over-event.ts';
import { reconcilePlans } from '../../domain/use-cases/reconcile-plans.ts';
import { type RecurringJob, startScheduler } from '../../scheduler/jobs/agenda.ts';
import {
  createOutboxWorker,
  type OutboxWorker,
  type OutboxWorkerOptions,
} from '../../scheduler/outbox-worker.ts';
import { createKeyMaker } from '../keys/provider-keys.ts';
import { observedSlackFetch } from '../slack/api-errors.ts';
import { createDryRunNoticeBoard } from '../slack/dry-run-notices.ts';
import { createSlackMessageBoard } from '../slack/message-board.ts';
import { createSlackNoticeBoard } from '../slack/notice-board.ts';
import { createSlackOpsBoard } from '../slack/ops-board.ts';
import { createOutboxSlackClient } from '../slack/web-client.ts';
import { createWebhookSender } from '../webhook/webhook-sender.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

export type Outbox = {
  readonly store: Store<Repositories>;
  readonly keys: KeyMaker;
  /** Deliver mode: the worker of this replica (not started). Dry-run: none. */
  readonly worker: OutboxWorker | null;
  /** Dry-run: prints the due notices once per process. */
  readonly dryRun: ((now: Date) => Promise<number>) | null;
};

export type OutboxSetup = {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Tests: the notice board instead of Slack's. */
  readonly noticeBoard?: NoticeBoard;
  /** Tests and benchmarks: the engine's timing. */
  readonly worker?: Partial<OutboxWorkerOptions>;
  /** Dry-run print-out (tests); stdout by default. */
  readonly write?: (text: string) => void;
};

/** The channels this deployment hands events over to: the operations channel (needs Slack), the webhook. */
export function handoverChannelsOf(config: Config): HandoverChannel[] {
  return [
    ...(config.slack.kind !== 'dry-run' && config.operations.channel ? (['ops_channel'] as const) : []),
    ...(config.operations.webhook ? (['webhook'] as const) : []),
  ];
}

/**
 * The composition of the outbox: the store, the boards (Slack, the operations channel, the webhook)
 * as configured, and the one worker that delivers notices, messages and hand-over events.
 */
export function createOutbox(setup: OutboxSetup): Outbox {
  const { config, db, logger } = setup;
  const slack = config.slack;
  const opsChannel = slack.kind !== 'dry-run' ? config.operations.channel : undefined;
  const webhook = config.operations.webhook;
  const handoverChannels = handoverChannelsOf(config);
  let worker: OutboxWorker | null = null;
  const store = createStore(db, { handoverChannels, onEnqueued: () => worker?.wake() });
  const keys = createKeyMaker(config.masterKey);

  if (slack.kind === 'dry-run') {
    const board =
      setup.noticeBoard ??
      createDryRunNoticeBoard({
        printBlocks: config.dryRunBlocks,
        ...(setup.write ? { write: setup.write } : {}),
      });
    return {
      store,
      keys,
      worker: null,
      dryRun: createDryRun({ store, board, defaultLocale: config.locale }),
    };
  }

  const client = createOutboxSlackClient({
    token: slack.botToken,
    slackApiUrl: config.slackApiUrl,
    logger,
    ...(setup.metrics ? { fetch: observedSlackFetch(setup.metrics) } : {}),
  });
  const noticeBoard = setup.noticeBoard ?? createSlackNoticeBoard({ client, logger });
  const messageBoard = createSlackMessageBoard({ client, logger, opsLocale: config.locale });
  const ops = opsChannel ? createSlackOpsBoard({ client, channel: opsChannel, locale: config.locale }) : null;
  const sender = webhook ? createWebhookSender(webhook) : null;
  const hook = sender
    ? {
        async send(...args: Parameters<typeof sender.send>) {
          const result = await sender.send(...args);
          setup.metrics?.webhookDeliveries.inc({ outcome: result.ok ? 'delivered' : 'retry' });
          return result;
        },
      }
    : null;
  worker = wireOutboxWorker({
    db,
    store,
    keys,
    defaultLocale: config.locale,
    boards: { notices: noticeBoard, messages: messageBoard, ops, webhook: hook },
    logger,
    worker: { leaseMs: config.outbox.leaseMs, ...setup.worker },
  });
  return { store, keys, worker, dryRun: null };
}

export type BackgroundWork = {
  readonly outbox: Outbox;
  /** For /healthz and /metrics: this replica's outbox worker (none in dry-run). */
  readonly worker: OutboxWorker | null;
  /** Graceful: the scheduler's jobs and the outbox's attempts in flight finish (bounded), leases are released. */
  stop(timeoutMs?: number): Promise<void>;
};

/**
 * What runs besides Slack's requests: planning what was missed (at start-up, then every 10 minutes),
 * and the outbox worker (deliver mode), or the dry-run print-out of due notices.
 */
export async function startBackgroundWork(
  setup: OutboxSetup & { readonly databaseUrl: string; readonly clock?: () => Date },
): Promise<BackgroundWork> {
  const clock = setup.clock ?? (() => new Date());
  const outbox = createOutbox(setup);
  const log = setup.logger;
  const reconcile = async (now: Date) => {
    const planned = await reconcilePlans(outbox, { now, settings: setup.config.notices });
    if (planned > 0)
      log.info({ contracts: planned }, `reconcile: planned ${planned} contract(s) that had no cycle`);
  };
  const dryRun = outbox.dryRun;
  // Planning at start-up catches what was missed while the bot was down; dry-run writes nothing.
  if (!dryRun) await reconcile(clock());
  const jobs: RecurringJob[] = dryRun
    ? [{ name: 'kigen:dry-run', every: '10 seconds', run: async (now) => void (await dryRun(now)) }]
    : [{ name: 'kigen:reconcile', every: '10 minutes', run: reconcile }];
  const scheduler = await startScheduler({
    databaseUrl: setup.databaseUrl,
    name: outbox.worker?.workerId ?? `dry-run:${process.pid}`,
    jobs,
    logger: log,
    clock,
  });
  if (dryRun) await dryRun(clock());
  outbox.worker?.start();
  return {
    outbox,
    worker: outbox.worker,
    async stop(timeoutMs = 25_000) {
      await Promise.all([outbox.worker?.stop(timeoutMs), scheduler.stop(timeoutMs)]);
    },
  };
}

/**
 * The one outbox worker, its three queues each handled by its use-case: hand-over events first, then
 * messages, then notices (a lane's holder serves them in this order).
 */
export function wireOutboxWorker(parts: {
  readonly db: Database;
  readonly store: Store<Repositories>;
  readonly keys: KeyMaker;
  readonly defaultLocale: Config['locale'];
  readonly boards: {
    readonly notices: NoticeBoard;
    readonly messages: MessageBoard;
    readonly ops: OpsBoard | null;
    readonly webhook: HandoverWebhook | null;
  };
  readonly logger: Logger;
  readonly worker?: Partial<OutboxWorkerOptions>;
}): OutboxWorker {
  const { db, store, keys, defaultLocale, boards } = parts;
  return createOutboxWorker({
    queues: [
      {
        queue: createOutboxQueue(db, 'handover'),
        handle: (claim, at) => handOverEvent({ store, ops: boards.ops, webhook: boards.webhook }, claim, at),
      },
      {
        queue: createOutboxQueue(db, 'messages'),
        handle: (claim, at) => deliverMessage({ store, board: boards.messages, defaultLocale }, claim, at),
      },
      {
        queue: createOutboxQueue(db, 'notices'),
        handle: (claim, at) =>
          deliverNotice({ store, board: boards.notices, keys, defaultLocale }, claim, at),
      },
    ],
    leases: createLaneLeases(db),
    logger: parts.logger.child({ component: 'outbox' }),
    ...parts.worker,
  });
}
