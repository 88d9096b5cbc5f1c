import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { isAlive } from '../../db/server/embedded-postgres.ts';
import { type KigenRun, type KigenVia, startKigen } from './kigen-process.ts';

// The start and stop tests (test/bot/app/start.test.ts, stop.test.ts): the real process in data
// directories of a root of their own, and nothing of it left running after the file.

export type Run = KigenRun;

/** The root of this file's data directories, made before its tests and removed after them. */
export function useStartRoot(prefix: string): { readonly dir: () => string } {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), prefix));
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
  return { dir: () => root };
}

// The process as users run it (`node bin/kigen.js start`, or `npm start`), in its own data dir.
export const start = (
  dataDir: string,
  env: Record<string, string> = {},
  via: KigenVia = 'node',
  options: { detached?: boolean } = {},
): Run =>
  startKigen({ KIGEN_DATA_DIR: dataDir, KIGEN_HTTP_PORT: '0', LOG_LEVEL: 'info', ...env }, via, options);

export async function waitFor(run: Run, pattern: RegExp, ms = 30_000): Promise<string> {
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
export const message = (line: string) => {
  try {
    return (JSON.parse(line.slice(Math.max(0, line.indexOf('{')))) as { msg: string }).msg;
  } catch {
    return '';
  }
};

export const postmasterPid = async (dataDir: string) =>
  Number.parseInt(
    (await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '',
    10,
  );

/**
 * A stop as users cause it, after "running": one "Shutting down", the drain, "Stopped", exit 0, the
 * PostgreSQL of this Kigen gone and no pid file left. Nothing crashes on the way (57P01: PostgreSQL
 * stopped under the bot).
 */
export async function expectCleanStop(run: Run, dataDir: string, stop: () => void) {
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
