import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';

/** `bin/kigen.js`, the entry that `npm start` runs. */
export const KIGEN_BIN = path.resolve(import.meta.dirname, '../../bin/kigen.js');
/** The repository's root. */
export const ROOT = path.dirname(path.dirname(KIGEN_BIN));

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

/**
 * How Kigen is started: `node bin/kigen.js start`; `npm start`; or `npm start` in a terminal of its
 * own (a pty made by util-linux `script`), where writing `\x03` to stdin is a Ctrl-C.
 */
export type KigenVia = 'node' | 'npm' | 'pty';

/**
 * Starts the real Kigen process with `env`, from the repository or from `cwd` (a clone); `detached`
 * makes the started process the leader of a new process group, as a shell does for a foreground job.
 */
export function startKigen(
  env: Record<string, string>,
  via: KigenVia = 'node',
  options: { cwd?: string; detached?: boolean } = {},
): KigenRun {
  const cwd = options.cwd ?? ROOT;
  const [command, args] =
    via === 'npm'
      ? ['npm', ['start', '--silent']]
      : via === 'pty'
        ? // `exec`: the shell that script starts (SHELL, else /bin/sh) leaves npm alone in the terminal, as
          // an interactive shell does with a foreground job. dash (Debian's sh, CI has no SHELL) would
          // wait in the same process group and die of the Ctrl-C itself: script then says 130.
          ['script', ['--quiet', '--flush', '--return', '--command', 'exec npm start', '/dev/null']]
        : [process.execPath, [path.join(cwd, 'bin', 'kigen.js'), 'start']];
  const child = spawn(command, args, { cwd, env: { ...cleanEnv, ...env }, detached: options.detached });
  const lines: string[] = [];
  let buffer = '';
  const collect = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts.map((l) => l.replace(/\r$/, '')).filter(Boolean));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}
