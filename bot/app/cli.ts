import { formatInTimeZone } from 'date-fns-tz';
import { importData } from '../../db/import/import-data.ts';
import { readImportFile } from '../../db/import/read-import-file.ts';
import { connect } from '../../db/server/connection.ts';
import { DataDirBusyError } from '../../db/server/data-dir-lock.ts';
import { DatabaseStartError, openDatabaseForCommand } from '../../db/server/database-server.ts';
import { EmbeddedPostgresError } from '../../db/server/embedded-postgres.ts';
import { listNotices } from '../../db/stores/notices-outbox.ts';
import { DEFAULT_NOTICE_SETTINGS, type NoticeStatus } from '../../domain/index.ts';
import { loadConfig } from './config.ts';
import { main } from './main.ts';
import { certificateAdd } from './ops-certificate-add.ts';

const USAGE = `Usage: kigen <command>

  start              run the bot (same as npm start)
  import FILE        load service groups, members, contracts, applications and certificates
                     from a YAML or JSON file (all or nothing; re-importing changes nothing)
  migrate            apply database migrations and exit
  notices [--failed|--pending|--all] [--json]
                     list notices (default: pending, sending and failed), read-only
  certificate add CN FILE.pem
                     register the certificate the CA issued for the open application of CN
                     (or the renewed certificate of a BYO contract): completes the renewal and
                     plans the next one; exit 1 with the reason when it does not match
  help               this text

The database is DATABASE_URL, or the embedded PostgreSQL under KIGEN_DATA_DIR (default .kigen).
`;

/** The `kigen` command line; returns the exit code. */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'start':
      return main(env);
    case 'import':
      if (args.length !== 1 || args[0]?.startsWith('-')) return usage('import takes exactly one FILE');
      return withDatabase(env, async (url) => importFile(url, args[0] as string, env));
    case 'notices': {
      const flags = new Set(args);
      const unknown = args.filter((a) => !['--failed', '--pending', '--all', '--json'].includes(a));
      if (unknown.length > 0) return usage(`notices: unknown option ${unknown[0]}`);
      const statuses: NoticeStatus[] | 'all' = flags.has('--all')
        ? 'all'
        : flags.has('--failed') || flags.has('--pending')
          ? [
              ...(flags.has('--failed') ? (['failed'] as const) : []),
              ...(flags.has('--pending') ? (['pending', 'sending'] as const) : []),
            ]
          : ['pending', 'sending', 'failed'];
      return withDatabase(env, async (url) => printNotices(url, statuses, flags.has('--json')));
    }
    case 'certificate': {
      if (args[0] !== 'add' || args.length !== 3 || args.some((a) => a.startsWith('-'))) {
        return usage('usage: certificate add CN FILE.pem');
      }
      const config = loadConfig(env);
      if (!config.ok) return withDatabase(env, async () => 2);
      return withDatabase(env, (url) =>
        certificateAdd(url, { cn: args[1] as string, file: args[2] as string, config: config.value }),
      );
    }
    case 'migrate':
      if (args.length > 0) return usage('migrate takes no arguments');
      return withDatabase(env, async () => {
        process.stdout.write('Migrations applied.\n');
        return 0;
      });
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      return usage(`unknown command '${command}'`);
  }
}

function usage(problem: string): number {
  process.stderr.write(`kigen: ${problem}\n\n${USAGE}`);
  return 2;
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

async function importFile(url: string, file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const source = await readImportFile(file);
  const connection = connect(url, { max: 2 });
  try {
    const config = loadConfig(env);
    const noticeSettings = config.ok ? config.value.notices : DEFAULT_NOTICE_SETTINGS;
    const result = source.ok
      ? await importData(connection.db, source.value, new Date(), { noticeSettings })
      : source;
    if (!result.ok) {
      process.stderr.write(`kigen: ${file}: ${result.problems.length} problem(s), nothing was imported:\n`);
      for (const p of result.problems) {
        process.stderr.write(`  ${p.path}${p.line ? ` (line ${p.line})` : ''}: ${p.message}\n`);
      }
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
async function printNotices(url: string, statuses: NoticeStatus[] | 'all', json: boolean): Promise<number> {
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
