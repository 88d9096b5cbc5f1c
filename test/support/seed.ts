import { parse as parseYaml } from 'yaml';
import { type ImportResult, importData } from '../../db/import/import-data.ts';
import type { Database } from '../../db/server/connection.ts';

type ImportOptions = Parameters<typeof importData>[3];

/** A YAML seed imported at `now`, as `kigen import` would (no line numbers): the import's result. */
export function importYaml(
  db: Database,
  yaml: string,
  now: Date,
  options?: ImportOptions,
): Promise<ImportResult> {
  return importData(db, { data: parseYaml(yaml), baseDir: '.', lineOf: () => undefined }, now, options);
}

/** A YAML seed imported at `now`; its problems, if any, fail the set-up. */
export async function importSeed(
  db: Database,
  yaml: string,
  now: Date,
  options?: ImportOptions,
): Promise<void> {
  const imported = await importYaml(db, yaml, now, options);
  if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
}
