import { describe, expect, it } from 'vitest';
import { formatImportProblems, SHOWN_PROBLEMS } from '../../db/import/import-report.ts';
import type { ImportProblem } from '../../db/import/read-import-file.ts';

const channel = (i: number, line: number): ImportProblem => ({
  path: `serviceGroups[0].contracts[${i}].channel`,
  line,
  message: 'expected a Slack channel id such as C0123ABCD',
});

describe('the problem report of kigen import', () => {
  it('says in one line, with the line and column, why a file cannot be used as a whole', () => {
    const text = formatImportProblems('data.yaml', [
      { path: 'data.yaml', line: 2, column: 11, message: 'not UTF-8 (byte 25): probably Shift_JIS; …' },
    ]);
    expect(text).toBe(
      'kigen: data.yaml (line 2, column 11): not UTF-8 (byte 25): probably Shift_JIS; …; nothing was imported\n',
    );
  });

  it('lists the problems in the order of the file, the top level by name, without a summary when all are shown', () => {
    const text = formatImportProblems('data.yaml', [
      channel(1, 20),
      { path: '', line: 1, message: 'Unrecognized key: "defaults"' },
      { path: 'serviceGroups[0].contracts[0].cn', line: 8, message: 'CN a.example.org is already …' },
      { path: 'serviceGroups[1]', message: 'no line known' },
    ]);
    expect(text.split('\n')).toEqual([
      'kigen: data.yaml: 4 problems, nothing was imported:',
      '  (top level) (line 1): Unrecognized key: "defaults"',
      '  serviceGroups[0].contracts[0].cn (line 8): CN a.example.org is already …',
      '  serviceGroups[0].contracts[1].channel (line 20): expected a Slack channel id such as C0123ABCD',
      '  serviceGroups[1]: no line known',
      '',
    ]);
    expect(formatImportProblems('data.yaml', [channel(0, 5)])).toMatch(/^kigen: data\.yaml: 1 problem, /);
  });

  it('shows the first problems by line, then how many more and the most frequent messages with their counts', () => {
    const problems: ImportProblem[] = [];
    for (let i = 20_804; i >= 0; i--) problems.push(channel(i, 6 + 4 * i));
    problems.push({
      path: 'serviceGroups[0].name',
      line: 2,
      message: 'Too big: expected string to have <=200 characters',
    });
    for (let i = 0; i < 3; i++) {
      problems.push({ path: `serviceGroups[0].members[${i}].role`, line: 4, message: 'Invalid option' });
    }
    problems.push({
      path: 'serviceGroups[0].contracts[9].cn',
      line: 42,
      message: 'duplicate CN x: already at y',
    });

    const lines = formatImportProblems('big.yaml', problems).trimEnd().split('\n');
    expect(lines[0]).toBe('kigen: big.yaml: 20,810 problems, nothing was imported:');
    const shown = lines.slice(1, 1 + SHOWN_PROBLEMS);
    expect(shown.slice(0, 5)).toEqual([
      '  serviceGroups[0].name (line 2): Too big: expected string to have <=200 characters',
      '  serviceGroups[0].members[0].role (line 4): Invalid option',
      '  serviceGroups[0].members[1].role (line 4): Invalid option',
      '  serviceGroups[0].members[2].role (line 4): Invalid option',
      '  serviceGroups[0].contracts[0].channel (line 6): expected a Slack channel id such as C0123ABCD',
    ]);
    const shownLines = shown.map((l) => Number(/\(line (\d+)\)/.exec(l)?.[1]));
    expect(shownLines).toEqual([...shownLines].sort((a, b) => a - b));
    expect(lines.slice(1 + SHOWN_PROBLEMS)).toEqual([
      `  … and ${(20_810 - SHOWN_PROBLEMS).toLocaleString('en-US')} more; the most frequent of all 20,810:`,
      '    20,805 × expected a Slack channel id such as C0123ABCD',
      '    3 × Invalid option',
    ]);
  });

  it('counts the problems not shown without a list of frequent messages when every message differs', () => {
    const problems = Array.from({ length: 3 }, (_, i) => ({
      path: `a[${i}]`,
      line: i + 1,
      message: `m${i}`,
    }));
    expect(formatImportProblems('f.json', problems, 2).trimEnd().split('\n')).toEqual([
      'kigen: f.json: 3 problems, nothing was imported:',
      '  a[0] (line 1): m0',
      '  a[1] (line 2): m1',
      '  … and 1 more',
    ]);
  });
});
