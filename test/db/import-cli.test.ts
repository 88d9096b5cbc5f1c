import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHOWN_PROBLEMS } from '../../db/import/import-report.ts';
import { contracts, serviceGroups } from '../../db/schema.ts';
import { databaseEnv, runCli } from '../support/cli-run.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kigen-import-cli-'));
});

/** `kigen import FILE` in process, on this file's database. */
async function kigenImport(name: string, content: string | Uint8Array) {
  const file = path.join(dir, name);
  await writeFile(file, content);
  const result = await runCli(['import', file], databaseEnv(database.current.url));
  return { file, ...result };
}

const rows = async () => ({
  groups: (await database.current.db.select({ n: count() }).from(serviceGroups))[0]?.n,
  contracts: (await database.current.db.select({ n: count() }).from(contracts))[0]?.n,
});

describe('npx kigen import FILE (issue 10)', () => {
  it('refuses a Shift_JIS file in one line with the iconv command, exit 1, nothing imported', async () => {
    // 株式会社サンプル in Shift_JIS, as `iconv -t SHIFT_JIS` writes it.
    const sjis = Buffer.from('8a948eae89ef8ed0835483938376838b', 'hex');
    const content = Buffer.concat([Buffer.from('serviceGroups:\n  - name: '), sjis, Buffer.from('\n')]);
    const before = await rows();
    const { file, code, stdout, stderr } = await kigenImport('sjis.yaml', content);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `kigen: ${file} (line 2, column 11): not UTF-8 (byte 25): probably Shift_JIS; convert it to UTF-8 and import the converted file: iconv -f SHIFT_JIS -t UTF-8 ${file} > ${path.join(dir, 'sjis.utf8.yaml')}; nothing was imported\n`,
    );
    expect(await rows()).toEqual(before);
  });

  it('prints a screenful for a large bad file: the first problems by line, then how many more and the most frequent', async () => {
    const owner = await kigenImport(
      'owner.yaml',
      'serviceGroups:\n  - name: Owner\n    contracts: [{ cn: owned.big.example.org, category: byo, channel: C0OWNER001 }]\n',
    );
    expect(owner.code).toBe(0);
    const bad = Array.from(
      { length: 5_000 },
      (_, i) => `      - cn: host${i}.big.example.org\n        category: byo\n        channel: general`,
    );
    // Last in the file, so that the conflict with the database is among the problems not listed.
    bad.push('      - cn: owned.big.example.org\n        category: byo\n        channel: C0BIG00001');
    const before = await rows();
    const { code, stdout, stderr } = await kigenImport(
      'big.yaml',
      `serviceGroups:\n  - name: Big team\n    contracts:\n${bad.join('\n')}\n`,
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/big\.yaml: 5,001 problems, nothing was imported:$/);
    expect(lines.slice(1, 3)).toEqual([
      '  serviceGroups[0].contracts[0].channel (line 6): expected a Slack channel id such as C0123ABCD',
      '  serviceGroups[0].contracts[1].channel (line 9): expected a Slack channel id such as C0123ABCD',
    ]);
    expect(lines.slice(1 + SHOWN_PROBLEMS)).toEqual([
      `  … and ${(5_001 - SHOWN_PROBLEMS).toLocaleString('en-US')} more; the most frequent of all 5,001:`,
      '    5,000 × expected a Slack channel id such as C0123ABCD',
    ]);
    expect(lines).toHaveLength(SHOWN_PROBLEMS + 3);
    expect(await rows()).toEqual(before);
  });

  it('imports a file whose contracts merge their defaults (<<: *byo)', async () => {
    const { code, stdout, stderr } = await kigenImport(
      'merge.yaml',
      `x-byo: &byo { category: byo, channel: C0CLIMERGE }
serviceGroups:
  - name: CLI merge team
    contracts:
      - { <<: *byo, cn: one.cli-merge.example.org }
      - { <<: *byo, cn: two.cli-merge.example.org }
`,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}contracts: 2 created, 0 updated, 0 unchanged$/m);
  });
});
