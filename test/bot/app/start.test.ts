import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../../db/server/embedded-postgres.ts';
import { type KigenRun, startKigen } from '../../support/kigen-process.ts';

type Run = KigenRun;

// The process as users run it (`node bin/kigen.js start`, or `npm start`), in its own data dir.
const start = (dataDir: string, env: Record<string, string> = {}, via: 'node' | 'npm' = 'node'): Run =>
  startKigen({ KIGEN_DATA_DIR: dataDir, KIGEN_HTTP_PORT: '0', LOG_LEVEL: 'info', ...env }, via);

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

const message = (line: string) => (JSON.parse(line) as { msg: string }).msg;
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
  await rm(root, { recursive: true, force: true });
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
  });

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
  });

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
