import type { KigenRun } from './kigen-process.ts';

/** A pino line of `kigen start`, parsed; null for other output. */
export function logLine(line: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export const messageOf = (line: string): string => String(logLine(line)?.msg ?? '');

/** The first line whose message matches, once it is printed; fails with the output when the process ends first. */
export async function waitForLine(run: KigenRun, pattern: RegExp, ms = 30_000): Promise<string> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const line = run.lines.find((l) => pattern.test(messageOf(l)) || pattern.test(l));
    if (line) return line;
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no line matching ${pattern}; got:\n${run.lines.join('\n')}`);
}

/** Polls until `check` holds (or `ms` passes: then the last value is returned for the assertion). */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, ms = 30_000) {
  const until = Date.now() + ms;
  let value = await probe();
  while (!check(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    value = await probe();
  }
  return value;
}

/** The port of /healthz in Socket Mode and dry-run (KIGEN_HTTP_PORT=0: the logged one). */
export async function healthPort(run: KigenRun): Promise<number> {
  const line = await waitForLine(run, /^Health and metrics on :\d+/);
  return Number(logLine(line)?.port);
}

export type Health = { status: number; body: Record<string, unknown> };

export async function health(port: number): Promise<Health> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  } catch (error) {
    return { status: 0, body: { error: String(error) } };
  }
}

/** The exit code once the process's output is read to its end ('exit' may come before the last lines). */
async function exitedWithAllLines(run: KigenRun): Promise<number | null> {
  const code = await run.exited;
  await Promise.all(
    [run.child.stdout, run.child.stderr].map((stream) =>
      stream.readableEnded || stream.destroyed
        ? undefined
        : new Promise<void>((resolve) => {
            stream.once('end', resolve);
            stream.once('close', resolve);
          }),
    ),
  );
  return code;
}

/** The exit code, or 'still running' when the process has not ended within `ms`. */
export function exitWithin(run: KigenRun, ms: number): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    exitedWithAllLines(run),
    new Promise<'still running'>((resolve) => {
      timer = setTimeout(() => resolve('still running'), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Lines at pino level error or fatal, and plain-text lines (a crash's stack, npm's noise). */
export const problemLines = (run: KigenRun): string[] =>
  run.lines.filter((l) => {
    const parsed = logLine(l);
    return parsed === null || Number(parsed.level) >= 50;
  });
