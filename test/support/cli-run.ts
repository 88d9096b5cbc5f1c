import { vi } from 'vitest';
import { run } from '../../bot/app/cli.ts';

export type CliRun = { readonly code: number; readonly stdout: string; readonly stderr: string };

/** `run(argv, env)` of bot/app/cli.ts in this process, with stdout and stderr captured. */
export async function runCli(argv: readonly string[], env: Record<string, string>): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await run([...argv], env);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** The environment of a CLI run on a test database (its URL), logging nothing. */
export const databaseEnv = (url: string): Record<string, string> => ({
  DATABASE_URL: url,
  LOG_LEVEL: 'silent',
});
