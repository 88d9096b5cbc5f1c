import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KigenVia } from '../../support/kigen-process.ts';
import { expectCleanStop, message, type Run, start, useStartRoot } from '../../support/start-runs.ts';

const root = useStartRoot('kigen-stop-');

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
      const dataDir = path.join(root.dir(), `signals-${targets.findIndex((t) => t[0] === name)}`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        const run = start(dataDir, {}, via, { detached });
        await expectCleanStop(run, dataDir, () => send(run, signal));
      }
    },
    120_000,
  );

  it('Ctrl-C in a real terminal (a pty) running `npm start`', async () => {
    const dataDir = path.join(root.dir(), 'pty');
    const run = start(dataDir, {}, 'pty');
    await expectCleanStop(run, dataDir, () => run.child.stdin.write('\x03'));
    expect(run.lines.find((l) => message(l) === 'Shutting down')).toMatch(/"signal":"SIGINT"/);
  }, 60_000);
});
