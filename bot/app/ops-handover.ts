import type { WebClient } from '@slack/web-api';
import type { Database } from '../../db/server/connection.ts';
import type { HandoverChannel } from '../../db/stores/handover-outbox.ts';
import type { HandoverDelivery } from '../../domain/ports/handover.ts';
import { createHandoverDispatcher, type HandoverDispatcher } from '../../scheduler/handover-dispatch.ts';
import type { Locale } from '../i18n/locale.ts';
import { observedSlackFetch } from '../slack/api-errors.ts';
import { findOpsPost, postToOpsChannel } from '../slack/ops-board.ts';
import { createSlackWebClient } from '../slack/web-client.ts';
import { createWebhookSender } from '../webhook/webhook-sender.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

export type HandoverSetup = {
  readonly db: Database;
  readonly locale: Locale;
  /** KIGEN_OPS_CHANNEL with a Web API client (not in dry-run). */
  readonly ops?: { readonly channel: string; readonly client: WebClient } | undefined;
  /** KIGEN_WEBHOOK_URL and KIGEN_WEBHOOK_SECRET. */
  readonly webhook?:
    | { readonly url: string; readonly secret: string; readonly timeoutMs?: number }
    | undefined;
  /** Counts webhook attempts by outcome (`kigen_webhook_deliveries_total`). */
  readonly metrics?: Pick<Metrics, 'webhookDeliveries'>;
};

/** The scheduler's hand-over port: the operations channel and the webhook, as configured. */
export function createHandoverDelivery(setup: HandoverSetup): HandoverDelivery {
  const webhook = setup.webhook ? createWebhookSender(setup.webhook) : null;
  const ops = setup.ops;
  const channels: HandoverChannel[] = [
    ...(ops ? (['ops_channel'] as const) : []),
    ...(webhook ? (['webhook'] as const) : []),
  ];
  return {
    channels,
    async deliver(channel, event, signal) {
      if (channel === 'webhook' && webhook) {
        const result = await webhook.send(event, signal);
        setup.metrics?.webhookDeliveries.inc({ outcome: result.ok ? 'delivered' : 'failed' });
        return result;
      }
      if (channel === 'ops_channel' && ops) {
        return postToOpsChannel(
          { client: ops.client, db: setup.db, channel: ops.channel, locale: setup.locale },
          event,
        );
      }
      return { ok: false, error: `channel_not_configured: ${channel}` };
    },
    // Only the operations channel can look; webhook receivers deduplicate by the event id.
    async findPosted(channel, event) {
      if (channel === 'ops_channel' && ops)
        return findOpsPost({ client: ops.client, channel: ops.channel }, event);
      return null;
    },
  };
}

/**
 * The hand-over dispatcher as configured (KIGEN_OPS_CHANNEL needs Slack credentials, KIGEN_WEBHOOK_URL
 * its secret); undefined when neither is set. The scheduler runs it and enables its channels.
 */
export function createHandoverFromConfig(input: {
  config: Config;
  db: Database;
  logger: Logger;
  metrics?: Metrics;
}): HandoverDispatcher | undefined {
  const { config } = input;
  const slack = config.slack;
  const ops =
    config.operations.channel && slack.kind !== 'dry-run'
      ? {
          channel: config.operations.channel,
          client: createSlackWebClient({
            token: slack.botToken,
            slackApiUrl: config.slackApiUrl,
            logger: input.logger,
            ...(input.metrics ? { fetch: observedSlackFetch(input.metrics) } : {}),
          }),
        }
      : undefined;
  if (!ops && !config.operations.webhook) return undefined;
  return createHandoverDispatcher({
    db: input.db,
    logger: input.logger.child({ component: 'handover' }),
    delivery: createHandoverDelivery({
      db: input.db,
      locale: config.locale,
      ops,
      webhook: config.operations.webhook,
      ...(input.metrics ? { metrics: input.metrics } : {}),
    }),
  });
}
