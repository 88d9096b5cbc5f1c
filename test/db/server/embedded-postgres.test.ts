import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirBusyError, lockDataDir } from '../../../db/server/data-dir-lock.ts';
import {
  hydrateLibrarySymlinks,
  isAlive,
  startEmbeddedPostgres,
} from '../../../db/server/embedded-postgres.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kigen-embedded-'));
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

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
