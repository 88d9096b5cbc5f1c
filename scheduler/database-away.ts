/**
 * Errors of a database that is away (restarting, unreachable, its connection ended): routine in
 * production, retried by whoever met them, and logged as warnings without a stack. Both clients'
 * codes: node-postgres (Agenda's backend) and postgres.js (the stores).
 */
const AWAY_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  // postgres.js
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now; connection failures
  '57P01',
  '57P02',
  '57P03',
  '08001',
  '08003',
  '08006',
]);

export function databaseAway(error: unknown): boolean {
  const { code, message, cause } = (error ?? {}) as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && AWAY_CODES.has(code)) return true;
  // drizzle wraps the driver's error ("Failed query: …") with the original as its cause.
  if (cause && cause !== error && databaseAway(cause)) return true;
  return /Connection terminated|connection timeout|Cannot use a pool after calling end/i.test(
    String(message),
  );
}

/** A log line's view of an error: never the object itself (pg's carry the client and its parameters). */
export const briefError = (error: unknown) => ({
  message: String((error as { message?: unknown } | null)?.message ?? error),
  code: (error as { code?: unknown } | null)?.code,
});
