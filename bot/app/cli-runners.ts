import { formatInTimeZone } from 'date-fns-tz';
import { z } from 'zod';
import { importData } from '../../db/import/import-data.ts';
import { formatImportProblems } from '../../db/import/import-report.ts';
import { readImportFile } from '../../db/import/read-import-file.ts';
import { connect } from '../../db/server/connection.ts';
import { DataDirBusyError } from '../../db/server/data-dir-lock.ts';
import { DatabaseStartError, openDatabaseForCommand } from '../../db/server/database-server.ts';
import { EmbeddedPostgresError } from '../../db/server/embedded-postgres.ts';
import { listNotices, requeueFailedNotices } from '../../db/stores/notices-outbox.ts';
import { DEFAULT_NOTICE_SETTINGS, type NoticeStatus } from '../../domain/index.ts';
import { loadConfig } from './config.ts';
import { certificateAdd } from './ops-certificate-add.ts';

// The commands of bot/app/cli.ts that need the database, loaded only when one of them runs.

/** `kigen migrate`: opening the database applies the migrations. */
export const migrate = (env: NodeJS.ProcessEnv) =>
  withDatabase(env, async () => {
    process.stdout.write('Migrations applied.\n');
    return 0;
  });

/** `kigen certificate add CN FILE.pem`. */
export async function addCertificate(env: NodeJS.ProcessEnv, cn: string, file: string): Promise<number> {
  const config = loadConfig(env);
  if (!config.ok) return withDatabase(env, async () => 2);
  return withDatabase(env, (url) => certificateAdd(url, { cn, file, config: config.value }));
}

async function withDatabase(env: NodeJS.ProcessEnv, work: (url: string) => Promise<number>): Promise<number> {
  const config = loadConfig(env);
  if (!config.ok) {
    for (const p of config.problems) process.stderr.write(`kigen: configuration: ${p}\n`);
    return 2;
  }
  let server: Awaited<ReturnType<typeof openDatabaseForCommand>>;
  try {
    server = await openDatabaseForCommand(config.value);
  } catch (error) {
    if (
      error instanceof DatabaseStartError ||
      error instanceof EmbeddedPostgresError ||
      error instanceof DataDirBusyError
    ) {
      process.stderr.write(`kigen: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  try {
    return await work(server.url);
  } finally {
    await server.shutdown();
  }
}

/** `kigen import FILE`. */
export const importFile = (env: NodeJS.ProcessEnv, file: string) =>
  withDatabase(env, (url) => importInto(url, file, env));

async function importInto(url: string, file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const source = await readImportFile(file);
  const connection = connect(url, { max: 2 });
  try {
    const config = loadConfig(env);
    const noticeSettings = config.ok ? config.value.notices : DEFAULT_NOTICE_SETTINGS;
    const result = source.ok
      ? await importData(connection.db, source.value, new Date(), { noticeSettings })
      : source;
    if (!result.ok) {
      process.stderr.write(formatImportProblems(file, result.problems));
      return 1;
    }
    const lines = Object.entries(result.value).map(
      ([what, n]) => `  ${what}: ${n.created} created, ${n.updated} updated, ${n.unchanged} unchanged`,
    );
    process.stdout.write(`Imported ${file}:\n${lines.join('\n')}\n`);
    return 0;
  } finally {
    await connection.close();
  }
}

const NOTICE_LIMIT = 10_000;

/** `kigen notices`: the outbox for operators (R-NOTICE-4), due instants in Japan time. */
export const printNotices = (
  env: NodeJS.ProcessEnv,
  statuses: readonly NoticeStatus[] | 'all',
  json: boolean,
) => withDatabase(env, (url) => listInto(url, statuses, json));

async function listInto(
  url: string,
  statuses: readonly NoticeStatus[] | 'all',
  json: boolean,
): Promise<number> {
  const connection = connect(url, { max: 1 });
  try {
    const rows = await listNotices(connection.db, { statuses, limit: NOTICE_LIMIT });
    if (json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const table = [
      ['CN', 'kind', 'due (JST)', 'status', 'attempts', 'last error'],
      ...rows.map((r) => [
        r.cn,
        r.kind,
        formatInTimeZone(r.dueAt, 'Asia/Tokyo', 'yyyy-MM-dd HH:mm'),
        r.status,
        String(r.attempts),
        r.lastError ?? (r.skipReason ? `(${r.skipReason})` : ''),
      ]),
    ];
    const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
    for (const row of table) {
      process.stdout.write(
        `${row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
      );
    }
    process.stdout.write(
      `${rows.length} notice(s)${rows.length === NOTICE_LIMIT ? ' (limit reached)' : ''}\n`,
    );
    return 0;
  } finally {
    await connection.close();
  }
}

/** `kigen notices retry`: failed notices back to pending, recorded as the CLI's doing. */
export async function retryNotices(
  env: NodeJS.ProcessEnv,
  target: { id: string } | 'all-failed',
): Promise<number> {
  if (target !== 'all-failed' && !z.guid().safeParse(target.id).success) {
    process.stderr.write(
      `kigen notices retry: '${target.id}' is not a notice id (a UUID, as kigen notices --json prints it)\n`,
    );
    return 1;
  }
  return withDatabase(env, (url) => requeue(url, target));
}

async function requeue(url: string, target: { id: string } | 'all-failed'): Promise<number> {
  const connection = connect(url, { max: 1 });
  try {
    const outcome = await requeueFailedNotices(connection.db, { target, actor: 'cli', now: new Date() });
    if (!outcome.ok) {
      const id = target === 'all-failed' ? '' : target.id;
      process.stderr.write(
        outcome.reason === 'notice.not_found'
          ? `kigen notices retry: no notice has the id ${id} (see kigen notices --all --json); nothing changed\n`
          : `kigen notices retry: the notice ${id} (${outcome.params.cn}, ${outcome.params.kind}) is ` +
              `${outcome.params.status}, not failed; nothing changed\n`,
      );
      return 1;
    }
    for (const n of outcome.requeued) {
      process.stdout.write(`${n.cn}  ${n.kind}  (previous error: ${n.previousError ?? 'none'})\n`);
    }
    const count = outcome.requeued.length;
    process.stdout.write(
      count === 0
        ? 'No failed notice: nothing requeued.\n'
        : `${count} notice(s) requeued: pending and due now; the bot posts them at its next sweep.\n`,
    );
    return 0;
  } finally {
    await connection.close();
  }
}
