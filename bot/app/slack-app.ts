import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AnyMiddlewareArgs,
  App,
  type Context,
  type CustomRoute,
  HTTPReceiver,
  LogLevel,
  type Logger as SlackLogger,
  SocketModeReceiver,
} from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/server/connection.ts';
import { createStore } from '../../db/stores/store.ts';
import type { DnsResolver } from '../../domain/index.ts';
import type { KigenPorts } from '../../domain/ports/index.ts';
import { registerHandlers } from '../../handlers/index.ts';
import type { Locale } from '../i18n/locale.ts';
import { lookupText } from '../i18n/lookups.ts';
import { createKeyMaker } from '../keys/provider-keys.ts';
import { observedSlackFetch } from '../slack/api-errors.ts';
import { createOpsStaff } from '../slack/ops-staff.ts';
import { guardEventRequests } from '../slack/request-guard.ts';
import { createUserLocales, type UserLocales } from '../slack/user-locale.ts';
import type { Config } from './config.ts';
import { instrumentInteractions } from './interaction-log.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { handoverChannelsOf } from './outbox.ts';

export type SlackAppOptions = {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  readonly resolver: DnsResolver;
  readonly now?: () => Date;
  /** Web API retries (tests: `{ retries: 0 }`); the Web API's default otherwise. */
  readonly retryConfig?: RetryOptions;
  /** HTTP mode: the receiver's routes besides `/slack/events` (main: `/healthz`, `/metrics`); default `/healthz` (database only). */
  readonly routes?: CustomRoute[];
  /** Acks, interactions and Slack API errors are counted here. */
  readonly metrics?: Metrics;
  /** Wakes the outbox worker after a listener enqueued work. */
  readonly wakeOutbox?: () => void;
  /** The use-cases' ports; by default a store on `db` (tests), with keys from KIGEN_MASTER_KEY. */
  readonly ports?: KigenPorts;
};

/** The Socket Mode connection as /healthz reports it. */
export type SlackConnection = 'ok' | 'connecting' | 'disconnected';

/** Slack refused a token at start: one line for the operator, naming the variable. */
export class SlackTokenRefusedError extends Error {
  override name = 'SlackTokenRefusedError';
}

export type SlackApp = {
  readonly app: App;
  readonly userLocales: UserLocales;
  /**
   * Connects (Socket Mode) or listens (HTTP); resolves with the HTTP port, null in Socket Mode. In
   * Socket Mode it waits for Slack as long as Slack cannot be reached (race it with a stop signal);
   * a refused app-level token rejects with SlackTokenRefusedError.
   */
  start(): Promise<{ readonly port: number | null }>;
  /** Socket Mode: the WebSocket's state (connected, connecting or reconnecting, closed); null in HTTP mode. */
  connection(): SlackConnection | null;
  /** Stops receiving; call before the database closes. */
  stop(): Promise<void>;
};

/** What Bolt hands a global error handler with `extendedErrorHandler: true`. */
type ErrorHandlerArgs = {
  error: Error;
  logger: SlackLogger;
  body: AnyMiddlewareArgs['body'];
  context: Context;
};

export const EVENTS_PATH = '/slack/events';
export const HEALTH_PATH = '/healthz';
const HEALTH_DB_TIMEOUT_MS = 1000;

/**
 * The Bolt app: Socket Mode with SLACK_APP_TOKEN, else the HTTP receiver (`POST /slack/events`, Slack's
 * signature and 5-minute window checked by Bolt, `GET /healthz`). Listeners come from `handlers/`.
 */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config, db } = options;
  const slack = config.slack;
  if (slack.kind === 'dry-run') throw new Error('createSlackApp needs Slack credentials (dry-run has none)');
  const log = options.logger.child({ component: 'slack' });
  const boltLogger = toBoltLogger(log);
  const clientOptions = {
    ...(config.slackApiUrl ? { slackApiUrl: withTrailingSlash(config.slackApiUrl) } : {}),
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
    ...(options.metrics ? { fetch: observedSlackFetch(options.metrics) } : {}),
  };
  const common = {
    token: slack.botToken,
    logger: boltLogger,
    clientOptions,
    extendedErrorHandler: true,
    // Long-running server: ack first, work after (processBeforeResponse is for FaaS).
    processBeforeResponse: false,
  } as const;

  let receiver: HTTPReceiver | undefined;
  let app: App;
  let socket: SocketModeReceiver | undefined;
  let connection: SlackConnection = 'connecting';
  let stopping = false;
  if (slack.kind === 'socket') {
    // Our own receiver: Bolt passes the App's clientOptions to the HTTP client of the bot, not to the
    // Socket Mode client, which would call apps.connections.open on slack.com whatever SLACK_API_URL says.
    socket = new SocketModeReceiver({
      appToken: slack.appToken,
      logger: toBoltLogger(log, { errorAs: 'warn' }),
      installerOptions: {
        clientOptions: {
          ...(config.slackApiUrl ? { slackApiUrl: withTrailingSlash(config.slackApiUrl) } : {}),
          // While Slack cannot be reached, keep asking (at most every 30 s): /healthz says so meanwhile.
          retryConfig: options.retryConfig ?? { forever: true, factor: 1.5, maxTimeout: 30_000 },
        },
      },
    });
    const client = socket.client;
    let connectedBefore = false;
    const become = (next: SlackConnection, message: string) => {
      if (stopping || next === connection) return;
      const was = connection;
      connection = next;
      if (next === 'ok') {
        log.info(connectedBefore ? `${message} again` : message);
        connectedBefore = true;
      } else if (was === 'ok') log.warn(message);
    };
    client.on('connecting', () => become('connecting', 'Slack Socket Mode connecting'));
    client.on('reconnecting', () => become('connecting', 'Slack Socket Mode reconnecting'));
    client.on('connected', () => become('ok', 'Slack Socket Mode connected'));
    client.on('close', () => become('disconnected', 'Slack Socket Mode disconnected; reconnecting'));
    client.on('disconnected', () => become('disconnected', 'Slack Socket Mode disconnected'));
    app = new App({ ...common, receiver: socket });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: slack.signingSecret,
      endpoints: EVENTS_PATH,
      port: slack.port,
      processBeforeResponse: false,
      logger: boltLogger,
      customRoutes: options.routes ?? [healthRoute(db, log)],
    });
    guardEventRequests(receiver, {
      signingSecret: slack.signingSecret,
      eventsPath: EVENTS_PATH,
      logger: log,
    });
    app = new App({ ...common, receiver });
  }

  const userLocales = createUserLocales({
    fallback: config.locale,
    onError: (error, userId) => log.warn({ err: error, userId }, 'users.info failed; using KIGEN_LOCALE'),
  });

  // One log line per request with its outcome and latency; acks timed into the metrics.
  instrumentInteractions(app, { logger: log, ...(options.metrics ? { metrics: options.metrics } : {}) });

  app.error(async ({ error, context, body }: ErrorHandlerArgs) => {
    const payload = (body ?? {}) as Record<string, unknown>;
    const userId = userOf(payload);
    log.error(
      {
        err: error,
        code: (error as { code?: string }).code,
        slackError: (error as { data?: { error?: string } }).data?.error,
        request: describeRequest(payload),
        userId,
        teamId: context?.teamId,
        retryNum: context?.retryNum,
      },
      'Slack listener failed',
    );
    const responseUrl = responseUrlOf(payload);
    if (!responseUrl) return;
    const locale: Locale = (userId ? userLocales.peek(userId) : null) ?? config.locale;
    try {
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          response_type: 'ephemeral',
          replace_original: false,
          text: lookupText[locale].apology,
        }),
      });
      if (!response.ok) log.warn({ status: response.status }, 'The apology could not be posted');
    } catch (apologyError) {
      log.warn({ err: apologyError }, 'The apology could not be posted');
    }
  });

  const ports: KigenPorts = options.ports ?? {
    store: createStore(db, {
      handoverChannels: handoverChannelsOf(config),
      ...(options.wakeOutbox ? { onEnqueued: options.wakeOutbox } : {}),
    }),
    keys: createKeyMaker(config.masterKey),
    dns: options.resolver,
  };
  registerHandlers(app, {
    ports,
    resolver: options.resolver,
    now: options.now ?? (() => new Date()),
    userLocale: (client, userId) => userLocales.of(client, userId),
    locale: config.locale,
    masterKey: config.masterKey,
    noticeSettings: config.notices,
    handoverChannels: handoverChannelsOf(config),
    ...(options.wakeOutbox ? { wakeOutbox: options.wakeOutbox } : {}),
    ...(config.operations.channel || config.operations.users.length > 0
      ? {
          operations: {
            staff: createOpsStaff({
              channel: config.operations.channel,
              users: config.operations.users,
              onError: (error) =>
                log.warn({ err: error }, 'conversations.members failed: only KIGEN_OPS_USERS count'),
            }),
            locale: config.locale,
          },
        }
      : {}),
  });

  return {
    app,
    userLocales,
    async start() {
      if (slack.kind === 'socket') {
        try {
          await app.start();
        } catch (error) {
          throw refusedToken(error) ?? error;
        }
        return { port: null };
      }
      const server = await app.start(slack.port);
      const port = (server.address() as AddressInfo).port;
      log.info({ port }, `Slack HTTP receiver listening on :${port} (${EVENTS_PATH}, ${HEALTH_PATH})`);
      return { port };
    },
    connection: () => (socket ? connection : null),
    async stop() {
      stopping = true;
      await app.stop();
      log.info('Slack app stopped');
    },
  };
}

/** Slack's answers to apps.connections.open that no retry changes (@slack/socket-mode gives up on them). */
const REFUSED = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'user_removed_from_team',
  'team_disabled',
]);

function refusedToken(error: unknown): SlackTokenRefusedError | undefined {
  const { code, data } = (error ?? {}) as { code?: unknown; data?: { error?: unknown } };
  const slackError = data?.error;
  if (code !== 'slack_webapi_platform_error' || typeof slackError !== 'string') return undefined;
  if (!REFUSED.has(slackError)) return undefined;
  return new SlackTokenRefusedError(
    `SLACK_APP_TOKEN: Slack refused the app-level token (${slackError}); check the token (xapp-…, scope connections:write) of this app`,
  );
}

/** `GET /healthz`: 200 when the database answers, 503 otherwise; no details beyond that. */
function healthRoute(db: Database, log: Logger): CustomRoute {
  return {
    path: HEALTH_PATH,
    method: ['GET'],
    handler: (_req, res) => {
      void databaseAnswers(db).then((ok) => {
        if (!ok) log.warn('Health check: the database does not answer');
        sendJson(res, ok ? 200 : 503, ok ? { status: 'ok' } : { status: 'unavailable', database: 'down' });
      });
    },
  };
}

async function databaseAnswers(db: Database): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), HEALTH_DB_TIMEOUT_MS);
    });
    return await Promise.race([db.execute(sql`select 1`).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const withTrailingSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

function userOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.user_id === 'string') return body.user_id;
  const user = body.user as { id?: unknown } | undefined;
  return typeof user?.id === 'string' ? user.id : undefined;
}

function responseUrlOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.response_url === 'string') return body.response_url;
  const urls = body.response_urls as { response_url?: unknown }[] | undefined;
  const first = Array.isArray(urls) ? urls[0]?.response_url : undefined;
  return typeof first === 'string' ? first : undefined;
}

/** What the failed request was, without its text (which may hold user data) or tokens. */
function describeRequest(body: Record<string, unknown>): Record<string, unknown> {
  const actions = body.actions as { action_id?: unknown }[] | undefined;
  return {
    type: body.type ?? (typeof body.command === 'string' ? 'slash_command' : undefined),
    command: body.command,
    actionId: Array.isArray(actions) ? actions[0]?.action_id : undefined,
    callbackId: (body.view as { callback_id?: unknown } | undefined)?.callback_id,
    channelId: body.channel_id ?? (body.channel as { id?: unknown } | undefined)?.id,
  };
}

/** Bolt's logger interface on top of pino. */
function toBoltLogger(log: Logger, options: { errorAs?: 'warn' } = {}): SlackLogger {
  const line = (parts: unknown[]) =>
    parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: (...m) => log.debug(line(m)),
    info: (...m) => log.info(line(m)),
    warn: (...m) => log.warn(line(m)),
    // The Socket Mode client reports every failed connection attempt as an error; what ends the
    // start-up is reported once, by Kigen.
    error: (...m) => (options.errorAs === 'warn' ? log.warn(line(m)) : log.error(line(m))),
    setLevel: () => undefined,
    getLevel: () => (log.isLevelEnabled('debug') ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => undefined,
  };
}
