import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../../db/server/embedded-postgres.ts';
import { message, postmasterPid, start, useStartRoot, waitFor } from '../../support/start-runs.ts';

// Stopping by signals is in stop.test.ts: two files, so that their process starts run side by side.
const root = useStartRoot('kigen-start-');

describe('npm start', () => {
  it('says mode and database first, loads the demo once, stops PostgreSQL on SIGTERM, and reuses the data', async () => {
    const dataDir = path.join(root.dir(), 'lifecycle');
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
    const dataDir = path.join(root.dir(), 'killed');
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
      const run = start(path.join(root.dir(), 'unused'), { DATABASE_URL: url });
      expect(await run.exited).toBe(code);
      const errors = run.lines.filter((l) => !l.includes('"level":30'));
      expect(errors).toHaveLength(1);
      const text = errors[0]?.startsWith('{') ? message(errors[0]) : (errors[0] ?? '');
      expect(text).toMatch(pattern);
      expect(run.lines.join('\n')).not.toMatch(/secret|\n\s+at /);
    },
  );
});
