import { describe, expect, it } from 'vitest';
import { type DnField, dnFieldProblem } from '../../../domain/index.ts';

describe('subject fields a CA accepts (R-CHANGE-2: DN fields may change at renewal, within these bounds)', () => {
  it.each([
    ['c', 'JP', null],
    ['c', 'jp', null],
    ['c', 'JPN', 'too_long'],
    ['c', 'J1', 'not_a_country_code'],
    ['c', '', 'empty'],
    ['st', 'Tokyo', null],
    ['st', '   ', 'empty'],
    ['l', 'x'.repeat(128), null],
    ['l', 'x'.repeat(129), 'too_long'],
    ['o', '株式会社サンプル, "Sample" + Co.', null],
    ['o', 'x'.repeat(65), 'too_long'],
    ['o', 'Sample\nK.K.', 'control_character'],
    ['ou', '', null],
    ['ou', undefined, null],
    ['ou', 'Web\u0007', 'control_character'],
  ] as const)('%s = %j → %s', (field, value, problem) => {
    expect(dnFieldProblem(field as DnField, value)).toBe(problem);
  });
});
