import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { count } from 'drizzle-orm';
import { importData } from '../../db/import/import-data.ts';
import { readImportFile } from '../../db/import/read-import-file.ts';
import { serviceGroups } from '../../db/schema.ts';
import type { Database } from '../../db/server/connection.ts';
import type { DatabaseServer } from '../../db/server/database-server.ts';
import type { Config } from './config.ts';

export const demoFile = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'examples',
  'demo.yaml',
);

/**
 * A first `npm start` on a fresh machine shows something: the demo is loaded into an empty embedded
 * database when no Slack credentials are set, and never otherwise (a real workspace or a real server
 * must not receive made-up contracts).
 */
export async function loadDemoIfFresh(
  db: Database,
  context: { server: DatabaseServer; config: Config; now: Date },
): Promise<{ summary: string } | undefined> {
  if (!context.server.embedded || context.config.slack.kind !== 'dry-run') return undefined;
  const [row] = await db.select({ n: count() }).from(serviceGroups);
  if ((row?.n ?? 0) > 0) return undefined;
  const source = await readImportFile(demoFile);
  if (!source.ok) throw new Error(`demo file unreadable: ${source.problems[0]?.message}`);
  const result = await importData(db, source.value, context.now, {
    noticeSettings: context.config.notices,
  });
  if (!result.ok)
    throw new Error(`demo file invalid: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const v = result.value;
  return {
    summary: `${v.serviceGroups.created} service groups, ${v.contracts.created} contracts, ${v.certificates.created} certificates from examples/demo.yaml`,
  };
}
