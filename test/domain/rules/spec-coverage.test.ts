import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const specDir = path.resolve(root, '../shared/spec');

async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? testFiles(path.join(dir, e.name))
        : e.name.endsWith('.test.ts')
          ? [path.join(dir, e.name)]
          : [],
    ),
  );
  return nested.flat();
}

describe('spec coverage', () => {
  it('every rule id of the spec is named by at least one test', async () => {
    const spec = (
      await Promise.all(
        ['renewal-rules.md', 'cabf-limits.md'].map((f) => readFile(path.join(specDir, f), 'utf8')),
      )
    ).join('\n');
    const ruleIds = new Set(spec.match(/\bR-[A-Z]+-[A-Z0-9]+\b/g));
    expect(ruleIds.size).toBeGreaterThan(30);

    const named = new Set<string>();
    for (const file of await testFiles(path.join(root, 'test'))) {
      const source = await readFile(file, 'utf8');
      // Only ids inside test and suite names count, not ids mentioned in comments.
      // `it('…')` and the name after a table: `it.each([...])('…')`.
      for (const call of source.matchAll(
        /(?:\b(?:it|test|describe)|\]\s*(?:as const\s*)?\))\(\s*(['"`])(.*?)\1/gs,
      )) {
        for (const id of call[2]?.match(/\bR-[A-Z]+-[A-Z0-9]+\b/g) ?? []) named.add(id);
      }
    }
    expect([...ruleIds].filter((id) => !named.has(id)).sort()).toEqual([]);
  });
});
