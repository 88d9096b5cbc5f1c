import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Connection, connect } from '../../db/server/connection.ts';

/** Migrated once per run by the global set-up; every test file clones it. */
export const TEMPLATE_DATABASE = 'kigen_test_template';

export interface TestDatabase extends Connection {
  readonly url: string;
}

/** A database of its own for this test file, cloned from the migrated template and dropped after. */
export function useTestDatabase(): { readonly current: TestDatabase } {
  const holder: { current: TestDatabase } = { current: undefined as unknown as TestDatabase };
  const serverUrl = inject('postgresServerUrl');
  const name = `kigen_test_${randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
    try {
      await admin.unsafe(`create database "${name}" template "${TEMPLATE_DATABASE}"`);
    } finally {
      await admin.end();
    }
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    holder.current = { ...connect(u.toString(), { max: 5 }), url: u.toString() };
  });
  afterAll(async () => {
    await holder.current?.close();
    const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
    try {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await admin.end();
    }
  });
  return holder;
}
