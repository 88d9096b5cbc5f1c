import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// The project's own account of the rules: everything this test needs is inside the repository.
const root = path.resolve(import.meta.dirname, '../../..');
const RULES_FILE = path.join(root, 'docs/rules.md');
const RULE_ID = /\bR-[A-Z]+-[A-Z0-9]+\b/g;
const STATUSES = ['implemented', 'partial', 'pending'] as const;
type Status = (typeof STATUSES)[number];

type Rule = { readonly id: string; readonly status: Status | null; readonly where: readonly string[] };

/** The rules of docs/rules.md: each `### R-…` section with its `- Status:` and `- Where:` lines. */
function parseRules(markdown: string): {
  rules: Map<string, Rule>;
  duplicates: string[];
  mentioned: Set<string>;
  table: Map<string, Set<string>>;
} {
  const rules = new Map<string, Rule>();
  const duplicates: string[] = [];
  // A section runs from its heading to the next heading of any level.
  const sections = markdown.split(/^(?=#{1,6} )/m);
  for (const section of sections) {
    const heading = /^### (R-[A-Z]+-[A-Z0-9]+)\s*$/m.exec(section.split('\n')[0] ?? '');
    if (!heading?.[1]) continue;
    const id = heading[1];
    if (rules.has(id)) duplicates.push(id);
    const statuses = [...section.matchAll(/^- Status: (\w+)/gm)].map((m) => m[1]);
    const status =
      statuses.length === 1 && STATUSES.includes(statuses[0] as Status) ? (statuses[0] as Status) : null;
    // The Where line and its continuation lines, up to the next list item.
    const where = /^- Where:([\s\S]*?)(?=^- |(?![\s\S]))/m.exec(section)?.[1] ?? '';
    const files = [...where.matchAll(/`([\w./-]+\.(?:ts|sql|cjs|json|yaml))`/g)].map((m) => m[1] as string);
    rules.set(id, { id, status, where: files });
  }
  const table = new Map<string, Set<string>>();
  for (const row of markdown.matchAll(/^\| (implemented|partial|pending) \| (.*) \|$/gm)) {
    table.set(row[1] as string, new Set(row[2]?.match(RULE_ID) ?? []));
  }
  return { rules, duplicates, mentioned: new Set(markdown.match(RULE_ID)), table };
}

async function filesUnder(dir: string, suffix: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? filesUnder(path.join(dir, e.name), suffix)
        : e.name.endsWith(suffix)
          ? [path.join(dir, e.name)]
          : [],
    ),
  );
  return nested.flat();
}

/** Rule ids named in test and suite names (not in comments), per test file. */
function idsInTestNames(source: string): Set<string> {
  const named = new Set<string>();
  // `it('…')` and the name after a table: `it.each([...])('…')`.
  for (const call of source.matchAll(
    /(?:\b(?:it|test|describe)|\]\s*(?:as const\s*)?\))\(\s*(['"`])(.*?)\1/gs,
  )) {
    for (const id of call[2]?.match(RULE_ID) ?? []) named.add(id);
  }
  return named;
}

describe('spec coverage (docs/rules.md)', () => {
  let rules: ReturnType<typeof parseRules>;
  /** Rule id → the test files that name it. */
  const claimedBy = new Map<string, string[]>();

  beforeAll(async () => {
    rules = parseRules(await readFile(RULES_FILE, 'utf8'));
    for (const file of await filesUnder(path.join(root, 'test'), '.test.ts')) {
      for (const id of idsInTestNames(await readFile(file, 'utf8'))) {
        claimedBy.set(id, [...(claimedBy.get(id) ?? []), path.relative(root, file)]);
      }
    }
  });

  const withStatus = (status: Status) =>
    [...rules.rules.values()].filter((r) => r.status === status).map((r) => r.id);

  it('every rule has one id, one status (implemented, partial or pending) and names files that exist', () => {
    expect(rules.rules.size).toBeGreaterThan(30);
    expect(rules.duplicates).toEqual([]);
    expect([...rules.rules.values()].filter((r) => r.status === null).map((r) => r.id)).toEqual([]);
    const missing = [...rules.rules.values()].flatMap((r) =>
      r.where.filter((f) => !existsSync(path.join(root, f))).map((f) => `${r.id}: ${f}`),
    );
    expect(missing).toEqual([]);
    // A rule that is applied, even in part, says where.
    const nowhere = [...rules.rules.values()].filter((r) => r.status !== 'pending' && r.where.length === 0);
    expect(nowhere.map((r) => r.id)).toEqual([]);
  });

  it('every id the file mentions is a rule of it, and the status table agrees with each rule', () => {
    expect([...rules.mentioned].filter((id) => !rules.rules.has(id)).sort()).toEqual([]);
    expect([...(rules.table.get('pending') ?? [])].sort()).toEqual(withStatus('pending').sort());
    expect([...(rules.table.get('partial') ?? [])].sort()).toEqual(withStatus('partial').sort());
    expect(withStatus('pending').length).toBeGreaterThan(0);
  });

  it('every rule that is not pending is named by at least one test', () => {
    const unnamed = [...rules.rules.values()]
      .filter((r) => r.status !== 'pending' && !claimedBy.has(r.id))
      .map((r) => r.id);
    expect(unnamed.sort()).toEqual([]);
  });

  it('no test claims a pending rule', () => {
    const claimed = withStatus('pending')
      .filter((id) => claimedBy.has(id))
      .map((id) => `${id} is pending in docs/rules.md but named by ${claimedBy.get(id)?.join(', ')}`);
    expect(claimed).toEqual([]);
  });

  it('every id a test names, or a source comment cites, is a rule of docs/rules.md', async () => {
    const unknown = [...claimedBy.keys()].filter((id) => !rules.rules.has(id)).map((id) => `test: ${id}`);
    for (const dir of ['bot', 'handlers', 'domain', 'db', 'scheduler']) {
      for (const file of await filesUnder(path.join(root, dir), '.ts')) {
        for (const id of new Set((await readFile(file, 'utf8')).match(RULE_ID))) {
          if (!rules.rules.has(id)) unknown.push(`${path.relative(root, file)}: ${id}`);
        }
      }
    }
    expect(unknown.sort()).toEqual([]);
  });
});
