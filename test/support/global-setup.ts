import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDatabase } from '../../db/server/database-server.ts';
import { startEmbeddedPostgres } from '../../db/server/embedded-postgres.ts';
import { migrateDatabase } from '../../db/server/migrate.ts';
import { TEMPLATE_DATABASE } from './test-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test server's maintenance database (to create per-file databases from). */
    postgresServerUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run (DATABASE_URL when given, else embedded in a temporary
 * directory), with a migrated template database that every test file clones.
 */
export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let teardown = async () => {};
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'kigen-test-'));
    // As root, PostgreSQL runs as another user: a searchable directory keeps its data here (under a
    // private TMPDIR it is placed elsewhere, and removed below all the same).
    await chmod(dir, 0o755);
    const server = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      // Durability is worth nothing in a throw-away test cluster.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    serverUrl = server.url;
    teardown = async () => {
      await server.stop();
      if (server.clusterDir !== server.dataDir) {
        await rm(path.dirname(server.clusterDir), { recursive: true, force: true });
      }
      await rm(dir, { recursive: true, force: true });
    };
  }
  const templateUrl = await ensureDatabase(serverUrl, TEMPLATE_DATABASE);
  await migrateDatabase(templateUrl);
  project.provide('postgresServerUrl', serverUrl);
  return teardown;
}
