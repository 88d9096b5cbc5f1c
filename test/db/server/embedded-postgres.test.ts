import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirBusyError, lockDataDir } from '../../../db/server/data-dir-lock.ts';
import {
  EmbeddedPostgresError,
  hydrateLibrarySymlinks,
  isAlive,
  startEmbeddedPostgres,
} from '../../../db/server/embedded-postgres.ts';
import { firstUnreachable, serverUser } from '../../../db/server/embedded-postgres-placement.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kigen-embedded-'));
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await chmod(path.join(dir, 'locked'), 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

// As root, PostgreSQL runs as the `postgres` user, who cannot pass a mode-700 directory of root's;
// as an ordinary user it runs as that user, who can (so nothing has to move).
const asRoot = process.getuid?.() === 0;
const postmasterPid = async (clusterDir: string) =>
  Number.parseInt((await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);
/** Process group and session of a process (fields 5 and 6 of /proc/PID/stat, after the command). */
const groupAndSession = async (pid: number | 'self') => {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').split(' ');
  return { group: Number(fields[2]), session: Number(fields[3]) };
};

const count = async (url: string) => {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`create table if not exists kept (n int)`;
    await sql`insert into kept values (1)`;
    const [row] = await sql`select count(*)::int as n from kept`;
    return row?.n as number;
  } finally {
    await sql.end();
  }
};

describe('embedded PostgreSQL', () => {
  it('keeps its data across a stop and a start, on a new port each time', async () => {
    const dataDir = path.join(dir, 'restart');
    const first = await startEmbeddedPostgres({ dataDir });
    expect(await count(first.url)).toBe(1);
    await first.stop();
    const second = await startEmbeddedPostgres({ dataDir });
    expect(await count(second.url)).toBe(2);
    await second.stop();
  });

  it('recovers when a killed run left its postmaster running and its pid file behind', async () => {
    const dataDir = path.join(dir, 'orphan');
    const orphan = await startEmbeddedPostgres({ dataDir });
    const pid = Number.parseInt(
      (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '',
      10,
    );
    expect(isAlive(pid)).toBe(true);
    // Nothing stops `orphan`: the next start must deal with it.
    const next = await startEmbeddedPostgres({ dataDir });
    expect(isAlive(pid)).toBe(false);
    expect(await count(next.url)).toBe(1);
    await next.stop();
    await orphan.stop();
  });

  it('recovers from a stale postmaster.pid whose process is gone', async () => {
    const dataDir = path.join(dir, 'stale');
    const server = await startEmbeddedPostgres({ dataDir });
    await server.stop();
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    await writeFile(path.join(dataDir, 'postmaster.pid'), `${gone.pid}\n${dataDir}\n0\n5432\n`);
    const again = await startEmbeddedPostgres({ dataDir });
    expect(await count(again.url)).toBe(1);
    await again.stop();
  });
});

describe('embedded PostgreSQL and its user (as root: postgres)', () => {
  it('asks as that user: a directory it may not search blocks every path under it, an open one does not', async () => {
    const user = await serverUser(path.join(dir, 'no-cluster'));
    expect(user.name).toBe(asRoot ? 'postgres' : (await import('node:os')).userInfo().username);
    const locked = path.join(dir, 'locked');
    await mkdir(path.join(locked, 'a'), { recursive: true });
    await chmod(locked, 0o000);
    expect(await firstUnreachable(user, [[path.join(locked, 'a', 'file'), ['r']]])).toBe(locked);
    expect(await firstUnreachable(user, [[dir, ['r', 'x']]])).toBeUndefined();
  });

  it('when no place it can reach can be made, the start fails with one line naming the path and what to do', async () => {
    const locked = path.join(dir, 'locked');
    await mkdir(locked, { recursive: true });
    await chmod(locked, 0o000);
    const dataDir = path.join(locked, 'pg');
    const failure = await startEmbeddedPostgres({
      dataDir,
      places: { clusters: path.join(locked, 'clusters') },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EmbeddedPostgresError);
    const text = (failure as Error).message;
    expect(text).not.toContain('\n');
    expect(text).toContain(`who cannot reach ${dataDir} (blocked at ${locked}, mode 000)`);
    expect(text).toMatch(new RegExp(`run \`chmod [ugo]\\+x ${locked}\`, or set KIGEN_DATA_DIR`));
    await chmod(locked, 0o755);
    await expect(lstat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a new cluster under a private directory is placed where its user can reach it, linked, and found again', async () => {
    const places = { clusters: path.join(dir, 'places') };
    const box = path.join(dir, 'private');
    await mkdir(box, { mode: 0o700 });
    await chmod(box, 0o700);
    const dataDir = path.join(box, 'pg');
    const notices: string[] = [];
    const first = await startEmbeddedPostgres({ dataDir, places, onNotice: (n) => notices.push(n) });
    expect(await count(first.url)).toBe(1);
    await first.stop();
    if (asRoot) {
      expect(first.clusterDir.startsWith(`${places.clusters}/`)).toBe(true);
      expect((await lstat(dataDir)).isSymbolicLink()).toBe(true);
      expect(await readlink(dataDir)).toBe(first.clusterDir);
      expect(notices).toHaveLength(1);
      // (From a clone under a private directory, the binaries' place is in the same line.)
      expect(notices[0]).toMatch(/^PostgreSQL runs as the user postgres, who cannot reach /);
      expect(notices[0]).toContain(`${box} (mode 700)`);
      expect(notices[0]).toContain(`its cluster is ${first.clusterDir} (${dataDir} links to it)`);
    } else {
      expect(first.clusterDir).toBe(dataDir);
      expect((await lstat(dataDir)).isDirectory()).toBe(true);
      expect(notices).toEqual([]);
    }

    const second = await startEmbeddedPostgres({ dataDir, places });
    expect(second.clusterDir).toBe(first.clusterDir);
    expect(await count(second.url)).toBe(2);
    await second.stop();
  });

  it('a cluster of an earlier start whose directory became private is moved with its data (as root), or kept (as its owner)', async () => {
    const places = { clusters: path.join(dir, 'places') };
    const box = path.join(dir, 'became-private');
    await mkdir(box, { mode: 0o755 });
    await chmod(box, 0o755);
    const dataDir = path.join(box, 'pg');
    const before = await startEmbeddedPostgres({ dataDir, places });
    expect(before.clusterDir).toBe(dataDir);
    expect(await count(before.url)).toBe(1);
    await before.stop();

    await chmod(box, 0o700);
    const after = await startEmbeddedPostgres({ dataDir, places });
    expect(await count(after.url)).toBe(2);
    await after.stop();
    expect((await lstat(dataDir)).isSymbolicLink()).toBe(asRoot);
    expect(after.clusterDir.startsWith(`${places.clusters}/`)).toBe(asRoot);
  });

  it('runs in a process group and session of its own, so that Ctrl-C in a terminal does not reach it', async () => {
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'group') });
    const pid = await postmasterPid(server.clusterDir);
    const ours = await groupAndSession('self');
    const its = await groupAndSession(pid);
    await server.stop();
    expect(its).toEqual({ group: pid, session: pid });
    expect(its.group).not.toBe(ours.group);
  });

  it('a process that dies on an uncaught error leaves neither its PostgreSQL running nor its lock', async () => {
    const dataDir = path.join(dir, 'dies');
    const cluster = path.join(dataDir, 'pg');
    const db = path.resolve(import.meta.dirname, '../../../db/server');
    const script = `
      const { startEmbeddedPostgres } = await import(${JSON.stringify(path.join(db, 'embedded-postgres.ts'))});
      const { lockDataDir } = await import(${JSON.stringify(path.join(db, 'data-dir-lock.ts'))});
      await lockDataDir(${JSON.stringify(dataDir)});
      await startEmbeddedPostgres({ dataDir: ${JSON.stringify(cluster)} });
      console.log('started');
      setTimeout(() => { throw new Error('a bug'); }, 10);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const code = await new Promise((r) => child.once('exit', r));
    expect(out).toContain('started');
    expect(code).toBe(1);
    expect(existsSync(path.join(dataDir, 'kigen.pid'))).toBe(false);
    const pid = await postmasterPid(cluster);
    const until = Date.now() + 15_000;
    while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(pid)).toBe(false);
  }, 60_000);
});

describe('data directory lock', () => {
  it('refuses a second Kigen on the same data directory and names the running one', async () => {
    const dataDir = path.join(dir, 'locked');
    const lock = await lockDataDir(dataDir);
    // The same process is "another Kigen" only if the pid differs: fake a live node owner.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    await writeFile(path.join(dataDir, 'kigen.pid'), `${holder.pid}\n`);
    await expect(lockDataDir(dataDir)).rejects.toBeInstanceOf(DataDirBusyError);
    holder.kill();
    await new Promise((r) => holder.once('exit', r));
    // Its owner gone, the lock is taken over.
    const taken = await lockDataDir(dataDir);
    await taken.release();
    await lock.release();
  });
});

describe('binaries package without its postinstall', () => {
  it('recreates the missing library symlinks from the package list, and leaves existing ones', async () => {
    const pkg = path.join(dir, 'fake-platform-package');
    await mkdir(path.join(pkg, 'native', 'lib'), { recursive: true });
    await writeFile(path.join(pkg, 'native', 'lib', 'libicuuc.so.60.2'), 'library');
    await writeFile(
      path.join(pkg, 'native', 'pg-symlinks.json'),
      JSON.stringify([
        { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so.60' },
        { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so' },
      ]),
    );
    await hydrateLibrarySymlinks(pkg);
    await hydrateLibrarySymlinks(pkg); // idempotent
    expect(await readlink(path.join(pkg, 'native', 'lib', 'libicuuc.so.60'))).toBe('libicuuc.so.60.2');
    expect(await readFile(path.join(pkg, 'native', 'lib', 'libicuuc.so'), 'utf8')).toBe('library');
  });
});
