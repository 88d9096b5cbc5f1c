import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../../db/server/embedded-postgres.ts';
import { type KigenRun, type KigenVia, startKigen } from '../../support/kigen-process.ts';

type Run = KigenRun;

// The process as users run it (`node bin/kigen.js start`, or `npm start`), in its own data dir.
const start = (
  dataDir: string,
  env: Record<string, string> = {},
  via: KigenVia = 'node',
  options: { detached?: boolean } = {},
): Run =>
  startKigen({ KIGEN_DATA_DIR: dataDir, KIGEN_HTTP_PORT: '0', LOG_LEVEL: 'info', ...env }, via, options);

async function waitFor(run: Run, pattern: RegExp, ms = 30_000): Promise<string> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const line = run.lines.find((l) => pattern.test(l));
    if (line) return line;
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no line matching ${pattern}; got:\n${run.lines.join('\n')}`);
}

/** The `msg` of a log line; '' for other output (npm's banner, dry-run notices). A pty echoes `^C` first. */
const message = (line: string) => {
  try {
    return (JSON.parse(line.slice(Math.max(0, line.indexOf('{')))) as { msg: string }).msg;
  } catch {
    return '';
  }
};
const postmasterPid = async (dataDir: string) =>
  Number.parseInt(
    (await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '',
    10,
  );

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'kigen-start-'));
  await chmod(root, 0o755);
});
afterAll(async () => {
  // A failed assertion must not leave a Kigen or its PostgreSQL running: end whatever runs on our dirs.
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const [environ, cmdline] = await Promise.all(
      ['environ', 'cmdline'].map((f) => readFile(`/proc/${pid}/${f}`, 'utf8').catch(() => '')),
    );
    if (environ?.includes(`KIGEN_DATA_DIR=${root}`) || cmdline?.includes(root)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {}
    }
  }
  // A killed PostgreSQL may still be writing for a moment.
  await rm(root, { recursive: true, force: true, maxRetries: 10 });
});

describe('npm start', () => {
  it('says mode and database first, loads the demo once, stops PostgreSQL on SIGTERM, and reuses the data', async () => {
    const dataDir = path.join(root, 'lifecycle');
    // Through npm, as users and process managers run it: npm must pass SIGTERM on to Kigen.
    const first = start(dataDir, {}, 'npm');
    await waitFor(first, /Kigen is running/);
    expect(message(first.lines.find((l) => l.startsWith('{')) ?? '{}')).toBe(
      `Kigen starting: dry-run (no Slack credentials: notices are printed, nothing is posted); database: embedded PostgreSQL at ${path.join(dataDir, 'pg')}`,
    );
    expect(first.lines.some((l) => /loaded the demo/.test(l))).toBe(true);
    const pgPid = await postmasterPid(dataDir);
    expect(isAlive(pgPid)).toBe(true);

    // A second Kigen on the same data is refused, and the first keeps running.
    const second = start(dataDir);
    expect(await second.exited).toBe(1);
    expect(second.lines.map(message).join('\n')).toMatch(/another Kigen \(pid \d+\) is already running/);
    expect(first.child.exitCode).toBeNull();

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(isAlive(pgPid)).toBe(false);

    const again = start(dataDir);
    await waitFor(again, /Kigen is running/);
    expect(again.lines.some((l) => /loaded the demo/.test(l))).toBe(false);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
    // Three starts, an initdb among them: each a few seconds, more while other suites run beside it.
  }, 90_000);

  it('recovers after kill -9 left PostgreSQL and the lock behind', async () => {
    const dataDir = path.join(root, 'killed');
    const first = start(dataDir);
    await waitFor(first, /Kigen is running/);
    const orphan = await postmasterPid(dataDir);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(isAlive(orphan)).toBe(true);

    const next = start(dataDir);
    await waitFor(next, /Kigen is running/);
    expect(isAlive(orphan)).toBe(false);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  }, 90_000);

  it.each([
    ['malformed', 'not a url', 2, /^kigen: configuration: DATABASE_URL: expected postgres:\/\//],
    [
      'unreachable',
      'postgres://kigen:secret@127.0.0.1:1/kigen',
      1,
      /^DATABASE_URL: cannot use the server at 127\.0\.0\.1:1\/kigen \(ECONNREFUSED\)$/,
    ],
  ])(
    'a %s DATABASE_URL gets one line naming the variable and host, and a non-zero exit',
    async (_, url, code, pattern) => {
      const run = start(path.join(root, 'unused'), { DATABASE_URL: url });
      expect(await run.exited).toBe(code);
      const errors = run.lines.filter((l) => !l.includes('"level":30'));
      expect(errors).toHaveLength(1);
      const text = errors[0]?.startsWith('{') ? message(errors[0]) : (errors[0] ?? '');
      expect(text).toMatch(pattern);
      expect(run.lines.join('\n')).not.toMatch(/secret|\n\s+at /);
    },
  );
});

/**
 * A stop as users cause it, after "running": one "Shutting down", the drain, "Stopped", exit 0, the
 * PostgreSQL of this Kigen gone and no pid file left. Nothing crashes on the way (57P01: PostgreSQL
 * stopped under the bot).
 */
async function expectCleanStop(run: Run, dataDir: string, stop: () => void) {
  await waitFor(run, /Kigen is running/);
  const pgPid = await postmasterPid(dataDir);
  expect(isAlive(pgPid)).toBe(true);
  stop();
  expect(await run.exited, run.lines.join('\n')).toBe(0);
  const messages = run.lines.map(message);
  expect(messages.filter((m) => m === 'Shutting down')).toHaveLength(1);
  expect(messages.lastIndexOf('Stopped')).toBeGreaterThan(messages.indexOf('Shutting down'));
  expect(run.lines.join('\n')).not.toMatch(/57P01|Unhandled|"level":(50|60)/);
  expect(isAlive(pgPid)).toBe(false);
  expect(existsSync(path.join(dataDir, 'kigen.pid'))).toBe(false);
}

describe('stopping Kigen (PostgreSQL runs in a process group of its own and is stopped last)', () => {
  const targets: [string, KigenVia, boolean, (run: Run, signal: NodeJS.Signals) => void][] = [
    ['Kigen’s node process', 'node', false, (run, signal) => run.child.kill(signal)],
    ['npm (`npm start`)', 'npm', false, (run, signal) => run.child.kill(signal)],
    // A shell's foreground job; Ctrl-C, `timeout` and `docker run -it` signal the whole group.
    [
      'the whole process group of `npm start`',
      'npm',
      true,
      (run, signal) => process.kill(-(run.child.pid as number), signal),
    ],
  ];
  it.each(targets)(
    'SIGINT, then SIGTERM, sent to %s: one "Shutting down", "Stopped", exit 0, no PostgreSQL and no pid file left',
    async (name, via, detached, send) => {
      const dataDir = path.join(root, `signals-${targets.findIndex((t) => t[0] === name)}`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        const run = start(dataDir, {}, via, { detached });
        await expectCleanStop(run, dataDir, () => send(run, signal));
      }
    },
    120_000,
  );

  it('Ctrl-C in a real terminal (a pty) running `npm start`', async () => {
    const dataDir = path.join(root, 'pty');
    const run = start(dataDir, {}, 'pty');
    await expectCleanStop(run, dataDir, () => run.child.stdin.write('\x03'));
    expect(run.lines.find((l) => message(l) === 'Shutting down')).toMatch(/"signal":"SIGINT"/);
  }, 60_000);
});
