import pino from 'pino';
import { connect } from '../../db/server/connection.ts';
import { DataDirBusyError } from '../../db/server/data-dir-lock.ts';
import {
  DatabaseStartError,
  embeddedClusterDir,
  openDatabaseServer,
} from '../../db/server/database-server.ts';
import { EmbeddedPostgresError } from '../../db/server/embedded-postgres.ts';
import { createNodeDnsResolver } from '../dns/node-dns-resolver.ts';
import { type Config, loadConfig } from './config.ts';
import { loadDemoIfFresh } from './demo.ts';
import { countProxyContracts, createHealthCheck, masterKeyMissingReason } from './health.ts';
import {
  HttpPortInUseError,
  type ObservabilityServer,
  observabilityRoutes,
  startObservabilityServer,
} from './http-server.ts';
import { createLogger, type Logger, secretsOf } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { type BackgroundWork, startBackgroundWork } from './outbox.ts';
import { createSlackApp, type SlackApp, SlackTokenRefusedError } from './slack-app.ts';

const modeText: Record<Config['slack']['kind'], string> = {
  socket: 'Slack Socket Mode',
  http: 'Slack HTTP receiver',
  'dry-run': 'dry-run (no Slack credentials: notices are printed, nothing is posted)',
};

/** `npm start`: runs until SIGINT/SIGTERM, then shuts down cleanly. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    for (const problem of loaded.problems) process.stderr.write(`kigen: configuration: ${problem}\n`);
    return 2;
  }
  const config = loaded.value;
  // Synchronous: pino's default writes asynchronously and flushes what is left at exit, so under load
  // the last lines ("Stopped", the line of a fatal error) came out before earlier ones.
  const log = createLogger(config.logLevel, pino.destination({ dest: 1, sync: true }), {
    secrets: secretsOf(env),
  });
  const database = config.databaseUrl
    ? `external PostgreSQL at ${new URL(config.databaseUrl).host}`
    : `embedded PostgreSQL at ${embeddedClusterDir(config.dataDir)}`;
  log.info(
    { mode: config.slack.kind, database },
    `Kigen starting: ${modeText[config.slack.kind]}; database: ${database}`,
  );

  // Before anything that can wait: a stop is honoured at every phase of the start-up.
  const stop = stopSignal(log);
  let server: Awaited<ReturnType<typeof openDatabaseServer>>;
  try {
    server = await openDatabaseServer({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      onLog: (line) => log.debug({ postgres: line }, 'postgres'),
      onNotice: (message) => log.info(message),
    });
  } catch (error) {
    return startFailed(log, error);
  }

  // postgres.js emits no 'error' events: a lost connection fails the queries on it, and the next query
  // connects again. Agenda's own pg pool has its listeners in scheduler/jobs/agenda.ts.
  const connection = connect(server.url);
  const masterKeyMissing = config.slack.kind !== 'dry-run' && config.masterKey === undefined;
  let background: BackgroundWork | undefined;
  let slackApp: SlackApp | undefined;
  let observability: ObservabilityServer | undefined;
  // Health and metrics: on the HTTP receiver's PORT in HTTP mode, else on KIGEN_HTTP_PORT.
  const metrics = createMetrics({
    db: connection.db,
    outbox: () => background?.worker ?? undefined,
    logger: log,
  });
  const endpoints = {
    health: createHealthCheck({
      db: connection.db,
      scheduler: () => background?.worker ?? undefined,
      masterKeyMissing,
      ...(config.slack.kind === 'socket' ? { slack: () => slackApp?.connection() ?? null } : {}),
    }),
    metrics,
    logger: log,
  };
  try {
    if (!stop.requested) {
      if (masterKeyMissing) {
        const proxyContracts = await countProxyContracts(connection.db);
        if (proxyContracts > 0) log.warn({ proxyContracts }, masterKeyMissingReason(proxyContracts));
      }
      const demo = await loadDemoIfFresh(connection.db, { server, config, now: new Date() });
      if (demo) log.info({ demo }, `Empty embedded database in dry-run: loaded the demo (${demo.summary})`);
      background = await startBackgroundWork({
        config,
        db: connection.db,
        databaseUrl: server.url,
        logger: log,
        metrics,
      });
      if (config.slack.kind !== 'http' && config.httpPort !== null) {
        observability = await startObservabilityServer(endpoints, { port: config.httpPort });
        log.info(
          { port: observability.port },
          `Health and metrics on :${observability.port} (/healthz, /metrics)`,
        );
      }
      if (config.slack.kind !== 'dry-run') {
        // Commands and buttons: after the database, stopped before it closes.
        const resolver = createNodeDnsResolver({ timeoutMs: 2000 });
        slackApp = createSlackApp({
          config,
          logger: log,
          db: connection.db,
          resolver,
          routes: observabilityRoutes(endpoints),
          metrics,
          wakeOutbox: () => background?.worker?.wake(),
          ...(background
            ? { ports: { store: background.outbox.store, keys: background.outbox.keys, dns: resolver } }
            : {}),
        });
        // Socket Mode waits here as long as Slack cannot be reached: a stop ends the wait.
        const starting = slackApp.start();
        starting.catch(() => undefined); // when a stop came first, its outcome no longer matters
        await Promise.race([starting, stop.wait]);
      }
      if (!stop.requested) log.info('Kigen is running; stop it with Ctrl-C or SIGTERM');
      await stop.wait;
    }
    if (stop.failure) return 1;
    log.info({ signal: stop.signal }, 'Shutting down');
    return 0;
  } catch (error) {
    if (error instanceof HttpPortInUseError || error instanceof SlackTokenRefusedError)
      log.error(error.message);
    else log.error({ err: error }, 'Kigen stopped on an unexpected error');
    return 1;
  } finally {
    await slackApp?.stop().catch((error) => log.error({ err: error }, 'Slack app did not stop cleanly'));
    // Attempts in flight finish and leases are released before the pool and the database go away.
    await background?.stop().catch((error) => log.error({ err: error }, 'scheduler did not stop cleanly'));
    await observability
      ?.close()
      .catch((error) => log.error({ err: error }, 'health server did not stop cleanly'));
    await connection.close().catch(() => undefined);
    await server.shutdown();
    log.info('Stopped');
  }
}

function startFailed(log: Logger, error: unknown): number {
  if (
    error instanceof DatabaseStartError ||
    error instanceof DataDirBusyError ||
    error instanceof EmbeddedPostgresError
  ) {
    log.error(error.message);
  } else {
    log.error({ err: error }, 'Kigen could not start');
  }
  return 1;
}

type StopState = {
  requested: boolean;
  signal?: NodeJS.Signals;
  /** Set when an error nobody handled ended the run: exit 1 after the same clean stop. */
  failure?: unknown;
  wait: Promise<void>;
};

/**
 * SIGINT and SIGTERM, and errors that nothing handled (a rejected promise, an exception thrown from a
 * callback): each ends the run the same way, the drain and "Stopped", rather than a crash with a
 * stack trace. An error is one log line (its message and code; the stack at debug).
 */
function stopSignal(log: Logger): StopState {
  const state: StopState = { requested: false, wait: Promise.resolve() };
  state.wait = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (state.requested) return; // a second Ctrl-C while we drain changes nothing
      state.requested = true;
      state.signal = signal;
      resolve();
    };
    const onError = (kind: string) => (error: unknown) => {
      const { message, code } = describeError(error);
      log.error({ code }, `Kigen stops: ${kind}: ${message}`);
      log.debug({ stack: (error as Error | undefined)?.stack }, 'stack of the error that stopped Kigen');
      if (state.requested) return;
      state.requested = true;
      state.failure = error;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('unhandledRejection', onError('unhandled rejection'));
    process.on('uncaughtException', onError('uncaught exception'));
  });
  return state;
}

function describeError(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const code = errorCode(error);
    const slackError = (error as { data?: { error?: unknown } }).data?.error;
    return {
      message: `${error.message}${typeof slackError === 'string' && !error.message.includes(slackError) ? ` (${slackError})` : ''}`,
      ...(code ? { code } : {}),
    };
  }
  return { message: String(error) };
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
