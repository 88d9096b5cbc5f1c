import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { type KigenRun, startKigen } from './kigen-process.ts';
import { type SlackStandIn, startSlackStandIn } from './socket-mode-stand-in.ts';

/**
 * Kigen processes, Slack stand-ins and data directories a test file starts, cleaned up after all its
 * tests: a process still running is killed, the stand-ins closed, the directories removed.
 */
export function useKigenRuns(): {
  /** startKigen(env), killed after all tests if it still runs. */
  start(env: Record<string, string>): KigenRun;
  /** A Slack stand-in (socket-mode-stand-in.ts), closed after all tests. */
  slackStandIn(options?: Parameters<typeof startSlackStandIn>[0]): Promise<SlackStandIn>;
  /** A new empty directory in the system's temporary directory, removed after all tests. */
  dataDir(prefix: string): Promise<string>;
} {
  const runs: KigenRun[] = [];
  const stands: SlackStandIn[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await Promise.all(stands.map((s) => s.close()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  return {
    start(env) {
      const run = startKigen(env);
      runs.push(run);
      return run;
    },
    async slackStandIn(options) {
      const slack = await startSlackStandIn(options);
      stands.push(slack);
      return slack;
    },
    async dataDir(prefix) {
      const dir = await mkdtemp(path.join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
  };
}
