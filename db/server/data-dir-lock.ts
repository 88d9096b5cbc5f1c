import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from './embedded-postgres.ts';

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`another Kigen (pid ${pid}) is already running on ${dataDir}; stop it first`);
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * One Kigen process per data directory: a second one would start a second postmaster on the same
 * files. The lock is a pid file created exclusively; a file left by a killed process (its pid is
 * gone, or is no longer a node process) is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const file = path.join(dataDir, 'kigen.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      // A Kigen that dies on an error (or calls process.exit) leaves no pid file behind either.
      const releaseOnExit = () => {
        try {
          if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) unlinkSync(file);
        } catch {}
      };
      process.once('exit', releaseOnExit);
      return {
        async release() {
          process.removeListener('exit', releaseOnExit);
          const owner = await readPid(file);
          if (owner === process.pid) await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = await readPid(file);
      if (owner !== undefined && owner !== process.pid && isAlive(owner) && (await isNodeProcess(owner))) {
        throw new DataDirBusyError(dataDir, owner);
      }
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function isNodeProcess(pid: number): Promise<boolean> {
  try {
    return /node|tsx/.test(await readFile(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}
