import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';

/** `bin/kigen.js`, the entry that `npm start` runs. */
export const KIGEN_BIN = path.resolve(import.meta.dirname, '../../bin/kigen.js');
const ROOT = path.dirname(path.dirname(KIGEN_BIN));

/** This process's environment without any Kigen or Slack setting, so each test says what it sets. */
export const cleanEnv: Record<string, string | undefined> = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !k.startsWith('SLACK_') && k !== 'DATABASE_URL' && !k.startsWith('KIGEN_') && k !== 'PORT',
  ),
);

export type KigenRun = {
  readonly child: ChildProcessWithoutNullStreams;
  /** stdout and stderr, line by line, as they arrive. */
  readonly lines: string[];
  readonly exited: Promise<number | null>;
};

/** Starts the real Kigen process (`node bin/kigen.js start`, or through `npm start`) with `env`. */
export function startKigen(env: Record<string, string>, via: 'node' | 'npm' = 'node'): KigenRun {
  const [command, args] =
    via === 'npm' ? ['npm', ['start', '--silent']] : [process.execPath, [KIGEN_BIN, 'start']];
  const child = spawn(command, args, { cwd: ROOT, env: { ...cleanEnv, ...env } });
  const lines: string[] = [];
  let buffer = '';
  const collect = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}
