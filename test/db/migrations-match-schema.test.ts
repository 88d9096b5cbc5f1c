import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const drizzleKit = path.join(root, 'node_modules/.bin/drizzle-kit');
let scratch: string | undefined;

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('db/migrations', () => {
  it('match db/schema.ts: drizzle-kit generate on a copy of them finds nothing to add', async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'kigen-migrations-'));
    const copy = path.join(scratch, 'migrations');
    await cp(path.join(root, 'db/migrations'), copy, { recursive: true });
    const before = (await readdir(copy)).sort();
    // drizzle-kit reads --out relative to the working directory (it prefixes "./").
    const { stdout } = await run(
      drizzleKit,
      [
        'generate',
        '--dialect',
        'postgresql',
        '--schema',
        './db/schema.ts',
        '--out',
        path.relative(root, copy),
      ],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(stdout).toContain('No schema changes');
    expect((await readdir(copy)).sort()).toEqual(before);
  });
});
