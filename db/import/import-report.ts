import type { ImportProblem } from './read-import-file.ts';

/** Problems listed one per line; the rest are summed up, so that a bad large file fits a screen. */
export const SHOWN_PROBLEMS = 50;
/** Messages counted in the summary of the problems not shown. */
export const FREQUENT_MESSAGES = 5;

const count = (n: number) => n.toLocaleString('en-US');

/**
 * What `kigen import` prints when nothing was imported: a file that cannot be used as a whole in one
 * line; otherwise the first problems in the order of the file, then how many more and the most
 * frequent messages, with their counts.
 */
export function formatImportProblems(
  file: string,
  problems: readonly ImportProblem[],
  limit = SHOWN_PROBLEMS,
): string {
  const [only] = problems;
  if (problems.length === 1 && only?.path === file) {
    return `kigen: ${file}${where(only)}: ${only.message}; nothing was imported\n`;
  }
  const sorted = problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i)
    .map(({ p }) => p);
  const lines = [
    `kigen: ${file}: ${count(problems.length)} ${problems.length === 1 ? 'problem' : 'problems'}, nothing was imported:`,
    ...sorted.slice(0, limit).map((p) => `  ${p.path || '(top level)'}${where(p)}: ${p.message}`),
  ];
  const hidden = problems.length - limit;
  if (hidden > 0) {
    const byMessage = new Map<string, number>();
    for (const p of problems) byMessage.set(p.message, (byMessage.get(p.message) ?? 0) + 1);
    const frequent = [...byMessage]
      .filter(([, n]) => n > 1)
      .sort((a, b) => b[1] - a[1])
      .slice(0, FREQUENT_MESSAGES);
    lines.push(
      `  … and ${count(hidden)} more${frequent.length > 0 ? `; the most frequent of all ${count(problems.length)}:` : ''}`,
      ...frequent.map(([message, n]) => `    ${count(n)} × ${message}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

function where(p: ImportProblem): string {
  if (p.line === undefined) return '';
  return p.column === undefined ? ` (line ${p.line})` : ` (line ${p.line}, column ${p.column})`;
}
