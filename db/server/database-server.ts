import { readFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { describeDatabaseUrl } from './connection.ts';
import { DataDirBusyError, lockDataDir } from './data-dir-lock.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { migrateDatabase } from './migrate.ts';

/** A start-up failure with a message fit for one log line: names the variable and host, no stack. */
export class DatabaseStartError extends Error {
  override name = 'DatabaseStartError';
}

export interface DatabaseServer {
  readonly url: string;
  readonly embedded: boolean;
  /** For the first log line: the data path, or the external host (never credentials). */
  readonly description: string;
  /** Stops the embedded server and releases the data directory; nothing for an external one. */
  shutdown(): Promise<void>;
}

const EMBEDDED_DATABASE = 'kigen';

/** The embedded cluster's location under the data directory. */
export const embeddedClusterDir = (dataDir: string) => path.join(dataDir, 'pg');

/**
 * Opens the configured PostgreSQL (checked reachable) or starts the embedded one, and applies the
 * migrations.
 */
export async function openDatabaseServer(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  onLog?: (line: string) => void;
  /** One line for the operator when the embedded PostgreSQL's files had to be placed elsewhere. */
  onNotice?: (message: string) => void;
}): Promise<DatabaseServer> {
  if (options.databaseUrl) {
    const url = options.databaseUrl;
    await assertReachable(url);
    await migrateDatabase(url);
    return { url, embedded: false, description: describeDatabaseUrl(url), shutdown: async () => {} };
  }

  const lock = await lockDataDir(options.dataDir);
  try {
    const server = await startEmbeddedPostgres({
      dataDir: embeddedClusterDir(options.dataDir),
      onLog: options.onLog,
      onNotice: options.onNotice,
    });
    try {
      const url = await ensureDatabase(server.url, EMBEDDED_DATABASE);
      await migrateDatabase(url);
      return {
        url,
        embedded: true,
        description: server.dataDir,
        async shutdown() {
          await server.stop();
          await lock.release();
        },
      };
    } catch (error) {
      await server.stop();
      throw error;
    }
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * For one-off commands (`kigen import`, `kigen migrate`): the configured server; else the embedded
 * server of a Kigen that is running on this data directory; else the embedded server, started for
 * the command and stopped after it.
 */
export async function openDatabaseForCommand(options: {
  databaseUrl: string | undefined;
  dataDir: string;
}): Promise<DatabaseServer> {
  try {
    return await openDatabaseServer(options);
  } catch (error) {
    if (!(error instanceof DataDirBusyError)) throw error;
    const cluster = embeddedClusterDir(options.dataDir);
    const port = (await readFile(path.join(cluster, 'postmaster.pid'), 'utf8')).split('\n')[3]?.trim();
    const password = (await readFile(`${cluster}.password`, 'utf8')).trim();
    const url = `postgres://kigen:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
    await assertReachable(url);
    return {
      url,
      embedded: true,
      description: `${cluster} (running Kigen, pid ${error.pid})`,
      shutdown: async () => {},
    };
  }
}

async function assertReachable(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => undefined });
  try {
    await sql`select 1`;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code && code !== 'CONNECT_TIMEOUT' ? code : (error as Error).message;
    throw new DatabaseStartError(
      `DATABASE_URL: cannot use the server at ${describeDatabaseUrl(url)} (${reason})`,
    );
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** Creates `name` on the cluster when missing; returns the URL that points at it. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await sql`select 1 as found from pg_database where datname = ${name}`;
    if (!row) await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
