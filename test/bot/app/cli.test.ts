import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-run.ts';
import { cleanEnv, KIGEN_BIN } from '../../support/kigen-process.ts';

let root = '';
let dataDir = '';
/** An environment in which a command that reached the database would start an embedded PostgreSQL. */
const env = () => ({ KIGEN_DATA_DIR: dataDir, KIGEN_HTTP_PORT: '0', LOG_LEVEL: 'silent' });

/** `node bin/kigen.js ARGS`, as an operator types it. */
function kigen(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // A command that does not stop by itself (a started bot) is killed, and the test fails on its output.
    execFile(
      process.execPath,
      [KIGEN_BIN, ...args],
      { env: { ...cleanEnv, ...env() }, timeout: 15_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `run(argv)` of bot/app/cli.ts in this process, with stdout and stderr captured. */
const cli = (...argv: string[]) => runCli(argv, env());

/** Nothing was started: no embedded PostgreSQL, no process lock, not even the data directory. */
const nothingStarted = async () => expect(await readdir(dataDir).catch(() => 'absent')).toBe('absent');

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'kigen-cli-'));
  dataDir = path.join(root, 'data');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('kigen --version', () => {
  it('prints the version of package.json and nothing else, exit 0 (-V too)', async () => {
    const { version } = JSON.parse(
      await readFile(path.join(path.dirname(KIGEN_BIN), '../package.json'), 'utf8'),
    );
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await kigen('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await cli('-V')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('kigen help and --help', () => {
  it('kigen start --help prints the usage of start and starts nothing', async () => {
    const result = await kigen('start', '--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: kigen start\n/);
    expect(result.stdout).toContain('-h, --help');
    await nothingStarted();
  });

  it('kigen --help, kigen help and kigen -h list every command, exit 0', async () => {
    for (const argv of [['--help'], ['help'], ['-h']]) {
      const result = await cli(...argv);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: kigen COMMAND/);
      for (const command of [
        'start',
        'import FILE',
        'migrate',
        'notices [--failed | --pending | --all] [--json]',
        'notices retry (ID | --all-failed)',
        'certificate add CN FILE.pem',
        'help [COMMAND]',
      ]) {
        // Its synopsis starts a line; its summary follows on the line or the next.
        expect(result.stdout).toMatch(
          new RegExp(`\\n {2}${command.replace(/[[\]().|-]/g, '\\$&')}\\s+[a-z]`),
        );
      }
      expect(result.stdout).toContain('-V, --version');
    }
  });

  it.each([
    [['import'], 'Usage: kigen import FILE\n'],
    [['migrate'], 'Usage: kigen migrate\n'],
    [['notices'], 'Usage: kigen notices [--failed | --pending | --all] [--json]\n'],
    [['notices', 'retry'], 'Usage: kigen notices retry (ID | --all-failed)\n'],
    [['certificate', 'add'], 'Usage: kigen certificate add CN FILE.pem\n'],
  ])(
    'kigen %j --help, -h and kigen help %j print its usage on stdout, exit 0, running nothing',
    async (words, first) => {
      for (const argv of [
        [...words, '--help'],
        [...words, '-h'],
        ['help', ...words],
      ]) {
        const result = await cli(...argv);
        expect(result).toMatchObject({ code: 0, stderr: '' });
        expect(result.stdout.startsWith(first)).toBe(true);
        expect(result.stdout).toMatch(/\n {2}-h, --help +show this help\n/);
      }
      await nothingStarted();
    },
  );

  it('kigen notices --help shows each option on a line, and the retry command', async () => {
    const { stdout } = await cli('notices', '--help');
    expect(stdout).toContain('       kigen notices retry (ID | --all-failed)\n');
    for (const option of ['--failed', '--pending', '--all', '--json']) {
      expect(stdout).toMatch(new RegExp(`\\n  ${option} +\\S`));
    }
  });

  it('help wins over the command: even with its arguments, --help runs nothing', async () => {
    const result = await cli('import', 'some-file.yaml', '--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: kigen import FILE/);
    await nothingStarted();
  });
});

describe('mistakes on the command line: one line naming the problem, the usage, exit 2, nothing run', () => {
  it('kigen notices --failed --all (spawned): the conflict, then the usage of notices', async () => {
    const result = await kigen('notices', '--failed', '--all');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [line, blank, usage] = result.stderr.split('\n');
    expect(line).toBe('kigen notices: --failed and --all cannot be combined: give one');
    expect(blank).toBe('');
    expect(usage).toBe('Usage: kigen notices [--failed | --pending | --all] [--json]');
    await nothingStarted();
  });

  it.each([
    [['notices', '--pending', '--all'], 'kigen notices: --pending and --all cannot be combined: give one'],
    [
      ['notices', '--failed', '--pending'],
      'kigen notices: --failed and --pending cannot be combined: give one',
    ],
    [['notices', '--bogus'], "kigen notices: unknown option '--bogus'"],
    [['notices', '--json=yes'], "kigen notices: option '--json' does not take an argument"],
    [['notices', 'sent'], "kigen notices: unexpected argument 'sent'"],
    [['notices', 'retry'], 'kigen notices retry: missing ID (or --all-failed)'],
    [['notices', 'retry', 'x', '--all-failed'], 'kigen notices retry: give an ID or --all-failed, not both'],
    [['notices', 'retry', 'x', 'y'], "kigen notices retry: unexpected argument 'y'"],
    [['notices', 'retry', '--failed'], "kigen notices retry: unknown option '--failed'"],
    [['import'], 'kigen import: missing FILE'],
    [['import', 'a.yaml', 'b.yaml'], "kigen import: unexpected argument 'b.yaml'"],
    [['import', '--dry-run', 'a.yaml'], "kigen import: unknown option '--dry-run'"],
    [['start', 'now'], "kigen start: unexpected argument 'now'"],
    [['start', '--port', '3000'], "kigen start: unknown option '--port'"],
    [['migrate', 'up'], "kigen migrate: unexpected argument 'up'"],
    [['certificate'], "kigen certificate: missing command 'add' (kigen certificate add CN FILE.pem)"],
    [['certificate', 'remove'], "kigen certificate: unknown command 'certificate remove'"],
    [['certificate', 'add'], 'kigen certificate add: missing CN and FILE.pem'],
    [['certificate', 'add', 'www.example.jp'], 'kigen certificate add: missing FILE.pem'],
    [['certificate', 'add', 'a', 'b.pem', 'c'], "kigen certificate add: unexpected argument 'c'"],
    [[], 'kigen: missing command'],
    [['deploy'], "kigen: unknown command 'deploy'"],
    [['--verbose'], "kigen: unknown option '--verbose'"],
    [['--version', 'start'], "kigen: unexpected argument 'start'"],
    [['help', 'deploy'], "kigen: unknown command 'deploy'"],
    [['help', 'notices', 'resend'], "kigen notices: unknown command 'notices resend'"],
  ])('kigen %j', async (argv, line) => {
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [first, blank, usage] = result.stderr.split('\n');
    expect(first).toBe(line);
    expect(blank).toBe('');
    expect(usage).toMatch(/^Usage: kigen /);
    await nothingStarted();
  });

  it('each command error is followed by that command’s usage, not the list of all commands', async () => {
    const { stderr } = await cli('import');
    expect(stderr).toContain('Usage: kigen import FILE\n');
    expect(stderr).not.toContain('Commands:');
  });
});
