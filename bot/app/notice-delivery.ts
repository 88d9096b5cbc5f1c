import type { RetryOptions } from '@slack/web-api';
import type { NoticeDelivery } from '../../domain/ports/notices.ts';
import { createDryRunNoticeDelivery } from '../slack/dry-run-notices.ts';
import { createSlackNoticeDelivery } from '../slack/notice-board.ts';
import { createSlackWebClient } from '../slack/web-client.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

export type NoticeDeliveryMode = 'slack' | 'dry-run';

/**
 * The notice delivery of this process: to Slack when a bot token is configured, printed otherwise
 * (dry-run). `retryConfig` and `write` are for tests.
 */
export function createNoticeDelivery(options: {
  config: Config;
  logger: Logger;
  retryConfig?: RetryOptions;
  write?: (text: string) => void;
  /** The Web API client's fetch (`observedSlackFetch`: Slack API errors in the metrics). */
  fetch?: typeof fetch;
}): NoticeDelivery & { mode: NoticeDeliveryMode } {
  const { config, logger } = options;
  if (config.slack.kind === 'dry-run') {
    const delivery = createDryRunNoticeDelivery({
      printBlocks: config.dryRunBlocks,
      ...(options.write ? { write: options.write } : {}),
    });
    return { mode: 'dry-run', deliver: delivery.deliver, findPosted: delivery.findPosted };
  }
  const client = createSlackWebClient({
    token: config.slack.botToken,
    slackApiUrl: config.slackApiUrl,
    logger,
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const delivery = createSlackNoticeDelivery({ client, logger });
  return { mode: 'slack', deliver: delivery.deliver, findPosted: delivery.findPosted };
}
