import { LogLevel, type RetryOptions, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import type { Logger } from '../app/logger.ts';

export type SlackWebClientOptions = {
  readonly token: string;
  /** SLACK_API_URL: base URL of the Web API (staging, tests); Slack's own when undefined. */
  readonly slackApiUrl?: string | undefined;
  readonly logger: Logger;
  /** Retries of 5xx, network errors and 429s inside one call; tests pass `{ retries: 0 }`. */
  readonly retryConfig?: RetryOptions;
  /** Per HTTP request, in milliseconds. */
  readonly timeoutMs?: number;
  /** The client's fetch: `observedSlackFetch` counts failed calls in the metrics. */
  readonly fetch?: typeof fetch;
};

/**
 * A few quick retries inside one call (about 1 + 2 + 4 s, plus any Retry-After waits); beyond that the
 * call fails and the scheduler retries the notice later, so one stuck notice never holds the others.
 */
export const DEFAULT_RETRY_CONFIG: RetryOptions = {
  retries: 3,
  factor: 2,
  minTimeout: 1_000,
  maxTimeout: 10_000,
  randomize: true,
};

export const DEFAULT_TIMEOUT_MS = 10_000;

/** The Web API client of Kigen: logs through pino, waits out 429s (never drops), bounded retries. */
export function createSlackWebClient(options: SlackWebClientOptions): WebClient {
  const logger = options.logger.child({ component: 'slack-web-api' });
  return new WebClient(options.token, {
    ...(options.slackApiUrl ? { slackApiUrl: withTrailingSlash(options.slackApiUrl) } : {}),
    logger: pinoAdapter(logger),
    // Rate-limited calls wait Retry-After and are retried by the client, not rejected.
    rejectRateLimitedCalls: false,
    retryConfig: options.retryConfig ?? DEFAULT_RETRY_CONFIG,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** The Web API client appends method names to its base URL, which must end with '/'. */
export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function levelOf(pinoLevel: string): LogLevel {
  switch (pinoLevel) {
    case 'trace':
    case 'debug':
      return LogLevel.DEBUG;
    case 'info':
      return LogLevel.INFO;
    case 'warn':
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}

/** @slack/logger's interface on top of pino; the level stays pino's (LOG_LEVEL). */
export function pinoAdapter(logger: Logger): SlackLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) =>
      logger[level](msg.map(describe).join(' '));
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    // LOG_LEVEL stays in charge: a library's own default level does not override it.
    setLevel: () => {},
    getLevel: () => levelOf(logger.level),
    setName: () => {},
  };
}

function describe(m: unknown): string {
  if (typeof m === 'string') return m;
  if (m instanceof Error) return m.message;
  try {
    return JSON.stringify(m);
  } catch {
    return String(m);
  }
}
