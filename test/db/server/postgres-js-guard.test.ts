import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
const GUARD = 'kigen: porsager/postgres#1208';

describe('postgres.js as installed (scripts/patch-postgres.mjs, the postinstall)', () => {
  it('guards nextWrite against a connection closed before its deferred write, in the ESM and CJS builds', async () => {
    for (const file of ['src/connection.js', 'cjs/src/connection.js']) {
      const text = await readFile(path.join(root, 'node_modules/postgres', file), 'utf8');
      expect(text.split(GUARD).length - 1, file).toBe(1);
    }
  });

  it('patches an unpatched copy once, and again changes nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kigen-patch-'));
    try {
      await cp(path.join(root, 'scripts'), path.join(dir, 'scripts'), { recursive: true });
      for (const file of ['src/connection.js', 'cjs/src/connection.js']) {
        const patched = await readFile(path.join(root, 'node_modules/postgres', file), 'utf8');
        const original = patched.replace(
          / {4}if \(!socket\) \{ \/\/ kigen:[^\n]*\n(?: {6}[^\n]*\n){3} {4}\}\n/,
          '',
        );
        expect(original).not.toContain(GUARD);
        await mkdir(path.dirname(path.join(dir, 'node_modules/postgres', file)), { recursive: true });
        await writeFile(path.join(dir, 'node_modules/postgres', file), original);
      }
      await run(process.execPath, [path.join(dir, 'scripts/patch-postgres.mjs')]);
      await run(process.execPath, [path.join(dir, 'scripts/patch-postgres.mjs')]);
      for (const file of ['src/connection.js', 'cjs/src/connection.js']) {
        const text = await readFile(path.join(dir, 'node_modules/postgres', file), 'utf8');
        expect(text.split(GUARD).length - 1, file).toBe(1);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
