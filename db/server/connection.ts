import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '../schema.ts';

export type Database = ReturnType<typeof drizzle<typeof schema>>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** A pool or a transaction: repositories take either, so callers choose the transaction's extent. */
export type Executor = Database | Transaction;

export interface Connection {
  readonly db: Database;
  readonly sql: postgres.Sql;
  close(): Promise<void>;
}

/** Opens a pool on `url`; bigint and numeric stay strings (postgres.js default). */
export function connect(url: string, options: { max?: number } = {}): Connection {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => undefined,
    connection: { application_name: 'kigen' },
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/** Where a database URL points, without its credentials: safe to log. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
