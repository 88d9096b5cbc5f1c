import { parseArgs } from 'node:util';
import type { NoticeStatus } from '../../domain/rules/cycle-vocabulary.ts';
import packageJson from '../../package.json' with { type: 'json' };

// What a command runs is loaded when it runs: `kigen --version` and `--help` answer at once, without
// the bot, the database clients and their libraries (seconds and a few hundred MB under tsx).
const runners = () => import('./cli-runners.ts');

type Flags = Readonly<Record<string, boolean | undefined>>;
type Parsed = { readonly flags: Flags; readonly positionals: readonly string[] };
/** A mistake in the command line: reported with the command's usage, exit 2. */
type UsageError = { readonly usageError: string };

type Command = {
  /** The words after `kigen`: `notices retry`. */
  readonly name: string;
  /** The synopsis lines, after `Usage: `. */
  readonly synopsis: readonly string[];
  /** One line for the list of `kigen --help`. */
  readonly summary: string;
  readonly description: string;
  /** Boolean options only: every option of the CLI is a switch. */
  readonly options: Readonly<Record<string, { readonly short?: string; readonly description: string }>>;
  readonly run: (parsed: Parsed, env: NodeJS.ProcessEnv) => Promise<number | UsageError>;
};

const HELP_OPTION = { help: { short: 'h', description: 'show this help' } } as const;
const DATABASE_NOTE =
  'The database is DATABASE_URL, or the embedded PostgreSQL under KIGEN_DATA_DIR (default .kigen):\n' +
  "the running bot's when one runs on the same data directory, or one started just for the command.";

const unexpected = (positionals: readonly string[], from: number): UsageError | undefined =>
  positionals.length > from ? { usageError: `unexpected argument '${positionals[from]}'` } : undefined;

/** The one flag of `names` that is set, or a usage error when several are. */
function oneOf<N extends string>(flags: Flags, names: readonly N[]): N | undefined | UsageError {
  const given = names.filter((name) => flags[name]);
  if (given.length > 1) {
    const listed = given.map((name) => `--${name}`);
    return {
      usageError: `${listed.slice(0, -1).join(', ')} and ${listed.at(-1)} cannot be combined: give one`,
    };
  }
  return given[0];
}

const isUsageError = (value: unknown): value is UsageError =>
  typeof value === 'object' && value !== null && 'usageError' in value;

const NOTICE_STATUSES: Readonly<
  Record<'failed' | 'pending' | 'all' | 'default', readonly NoticeStatus[] | 'all'>
> = {
  failed: ['failed'],
  pending: ['pending', 'sending'],
  all: 'all',
  default: ['pending', 'sending', 'failed'],
};

const certificateAddCommand: Command = {
  name: 'certificate add',
  synopsis: ['kigen certificate add CN FILE.pem'],
  summary: 'register the certificate the CA issued for the open application of CN',
  description:
    'Register the certificate the CA issued for the open application of CN (or the renewed\n' +
    "certificate of a BYO contract), as the operations channel's Certificate issued does: completes\n" +
    'the renewal and plans the next one. The same certificate again changes nothing; exit 1 with the\n' +
    "reason when it does not match the application (CN, the CSR's public key).",
  options: {},
  run: async ({ positionals }, env) => {
    const [cn, file] = positionals;
    if (cn === undefined) return { usageError: 'missing CN and FILE.pem' };
    if (file === undefined) return { usageError: 'missing FILE.pem' };
    const extra = unexpected(positionals, 2);
    if (extra) return extra;
    return (await runners()).addCertificate(env, cn, file);
  },
};

const COMMANDS: readonly Command[] = [
  {
    name: 'start',
    synopsis: ['kigen start'],
    summary: 'run the bot until SIGINT/SIGTERM (same as npm start)',
    description:
      'Run the bot until SIGINT or SIGTERM: migrations, the notice scheduler, the Slack app (or dry-run\n' +
      'without Slack credentials), /healthz and /metrics. Settings come from the environment (README,\n' +
      '"Configuration").',
    options: {},
    run: async ({ positionals }, env) => unexpected(positionals, 0) ?? (await import('./main.ts')).main(env),
  },
  {
    name: 'import',
    synopsis: ['kigen import FILE'],
    summary: 'load groups, members, contracts, applications, certificates from YAML or JSON',
    description:
      'Load service groups, members, contracts, previous applications and certificates from a YAML or\n' +
      'JSON file, and plan the renewal cycles and notices of new certificates, in one transaction: all\n' +
      'or nothing, every problem listed with its line; importing the same file again changes nothing.',
    options: {},
    run: async ({ positionals }, env) => {
      const [file] = positionals;
      if (file === undefined) return { usageError: 'missing FILE' };
      return unexpected(positionals, 1) ?? (await runners()).importFile(env, file);
    },
  },
  {
    name: 'migrate',
    synopsis: ['kigen migrate'],
    summary: 'apply the database migrations and exit',
    description: 'Apply the database migrations and exit (kigen start does this too).',
    options: {},
    run: async ({ positionals }, env) => unexpected(positionals, 0) ?? (await runners()).migrate(env),
  },
  {
    name: 'notices',
    synopsis: [
      'kigen notices [--failed | --pending | --all] [--json]',
      'kigen notices retry (ID | --all-failed)',
    ],
    summary: 'list the notices outbox (default: pending, sending and failed)',
    description:
      'List the notices outbox: CN, kind, due (JST), status, attempts, last error. Without an option:\n' +
      'the pending, sending and failed notices. Read-only; works while the bot runs.\n\n' +
      'kigen notices retry puts failed notices back to pending (see kigen notices retry --help).',
    options: {
      failed: { description: 'only the failed notices' },
      pending: { description: 'only the pending and sending notices' },
      all: { description: 'every notice, sent and skipped ones included' },
      json: { description: 'print JSON (with the id of each notice) instead of a table' },
    },
    run: async ({ flags, positionals }, env) => {
      const which = oneOf(flags, ['failed', 'pending', 'all']);
      if (isUsageError(which)) return which;
      const statuses = NOTICE_STATUSES[which ?? 'default'];
      return unexpected(positionals, 0) ?? (await runners()).printNotices(env, statuses, Boolean(flags.json));
    },
  },
  {
    name: 'notices retry',
    synopsis: ['kigen notices retry (ID | --all-failed)'],
    summary: 'put failed notices back to pending, due now',
    description:
      'Put a failed notice (ID, as kigen notices --json prints it), or every failed notice, back to\n' +
      'pending, due now, with a fresh count of attempts; the running bot posts it at its next sweep\n' +
      '(the next start, when it is not running). The last error stays until the next attempt. Recorded\n' +
      'in the audit trail. Exit 1, changing nothing, when ID is unknown or its notice is not failed.',
    options: { 'all-failed': { description: 'every failed notice' } },
    run: async ({ flags, positionals }, env) => {
      const [id] = positionals;
      if (id !== undefined && flags['all-failed'])
        return { usageError: 'give an ID or --all-failed, not both' };
      if (id === undefined && !flags['all-failed']) return { usageError: 'missing ID (or --all-failed)' };
      const extra = unexpected(positionals, 1);
      if (extra) return extra;
      return (await runners()).retryNotices(env, id === undefined ? 'all-failed' : { id });
    },
  },
  certificateAddCommand,
];

/** `kigen certificate` alone, or with an unknown word: its one subcommand's help. */
const certificateGroup: Command = {
  ...certificateAddCommand,
  name: 'certificate',
  run: async ({ positionals }) => ({
    usageError:
      positionals[0] === undefined
        ? "missing command 'add' (kigen certificate add CN FILE.pem)"
        : `unknown command 'certificate ${positionals[0]}'`,
  }),
};

/** The command that `words` (the arguments after `kigen`) start with, and how many words it takes. */
function findCommand(words: readonly string[]): { command: Command; length: number } | undefined {
  const [first, second] = words;
  if (first === 'certificate') {
    return second === 'add'
      ? { command: certificateAddCommand, length: 2 }
      : { command: certificateGroup, length: 1 };
  }
  const two = COMMANDS.find((c) => c.name === `${first} ${second}`);
  if (two) return { command: two, length: 2 };
  const one = COMMANDS.find((c) => c.name === first);
  return one ? { command: one, length: 1 } : undefined;
}

function commandHelp(command: Command): string {
  const options = [
    ...Object.entries(command.options).map(([name, o]) => [`--${name}`, o.description] as const),
    ['-h, --help', HELP_OPTION.help.description] as const,
  ];
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [
    command.synopsis.map((line, i) => `${i === 0 ? 'Usage: ' : '       '}${line}`).join('\n'),
    '',
    command.description,
    '',
    'Options:',
    ...options.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
    ...(command.name === 'start' ? [] : ['', DATABASE_NOTE]),
    '',
  ].join('\n');
}

function mainHelp(): string {
  const entries = [
    ...COMMANDS.map((c) => [c.synopsis[0]?.replace(/^kigen /, '') ?? c.name, c.summary] as const),
    ['help [COMMAND]', 'show the help of kigen or of COMMAND'] as const,
  ];
  const column = 19;
  return [
    'Usage: kigen COMMAND [OPTIONS]',
    '       kigen --help | --version',
    '',
    `Kigen (期限) ${packageJson.version}: Slack chat-ops bot for server-certificate renewals.`,
    '',
    'Commands:',
    ...entries.map(([synopsis, summary]) =>
      synopsis.length < column - 1
        ? `  ${synopsis.padEnd(column)}${summary}`
        : `  ${synopsis}\n  ${' '.repeat(column)}${summary}`,
    ),
    '',
    'Options:',
    '  -h, --help         show this help (after a command: the help of that command)',
    '  -V, --version      print the version of Kigen and exit',
    '',
    DATABASE_NOTE,
    "Run 'kigen help COMMAND' (or 'kigen COMMAND --help') for the options of a command.",
    '',
  ].join('\n');
}

function usageError(command: Command | undefined, problem: string): number {
  const prefix = command ? `kigen ${command.name}` : 'kigen';
  process.stderr.write(`${prefix}: ${problem}\n\n${command ? commandHelp(command) : mainHelp()}`);
  return 2;
}

/** `kigen help [COMMAND]`, `kigen --help [COMMAND]`. */
function help(words: readonly string[]): number {
  if (words.length === 0) {
    process.stdout.write(mainHelp());
    return 0;
  }
  const found = findCommand(words);
  if (!found) return usageError(undefined, `unknown command '${words.join(' ')}'`);
  if (words.length > found.length) return usageError(found.command, `unknown command '${words.join(' ')}'`);
  process.stdout.write(commandHelp(found.command));
  return 0;
}

/** node:util's parse errors (unknown option, value given to a switch), as one line. */
function parseProblem(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) return undefined;
  // Its first sentence names the problem ("Unknown option '--x'"); the rest is a generic hint.
  const first = String((error as Error).message).split('. ')[0] ?? '';
  return first.charAt(0).toLowerCase() + first.slice(1);
}

function parse(
  args: readonly string[],
  options: Readonly<Record<string, { readonly short?: string }>>,
): Parsed | UsageError {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          o.short ? { type: 'boolean' as const, short: o.short } : { type: 'boolean' as const },
        ]),
      ),
      strict: true,
      allowPositionals: true,
    });
    return { flags: values as Flags, positionals };
  } catch (error) {
    const problem = parseProblem(error);
    if (problem === undefined) throw error;
    return { usageError: problem };
  }
}

/** The `kigen` command line; returns the exit code. */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [first] = argv;
  if (first === undefined) return usageError(undefined, 'missing command');
  if (first.startsWith('-')) {
    const global = parse(argv, { ...HELP_OPTION, version: { short: 'V' } });
    if (isUsageError(global)) return usageError(undefined, global.usageError);
    if (global.flags.help) return help(global.positionals);
    if (!global.flags.version) return usageError(undefined, 'missing command');
    const extra = unexpected(global.positionals, 0);
    if (extra) return usageError(undefined, extra.usageError);
    process.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  if (first === 'help') {
    const words = parse(argv.slice(1), HELP_OPTION);
    if (isUsageError(words)) return usageError(undefined, words.usageError);
    return help(words.flags.help ? [] : words.positionals);
  }
  const found = findCommand(argv);
  if (!found) return usageError(undefined, `unknown command '${first}'`);
  const { command } = found;
  const parsed = parse(argv.slice(found.length), { ...command.options, ...HELP_OPTION });
  if (isUsageError(parsed)) return usageError(command, parsed.usageError);
  if (parsed.flags.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const outcome = await command.run(parsed, env);
  return isUsageError(outcome) ? usageError(command, outcome.usageError) : outcome;
}
