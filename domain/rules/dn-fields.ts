import type { Dn } from './contract-terms.ts';

export type DnField = keyof Dn;

/** Upper bounds of X.520 / RFC 5280 Appendix A: a CA refuses a subject that exceeds them. */
export const DN_FIELD_MAX_LENGTH: Readonly<Record<DnField, number>> = {
  c: 2,
  st: 128,
  l: 128,
  o: 64,
  ou: 64,
  cn: 64,
};

export type DnFieldProblem = 'empty' | 'too_long' | 'control_character' | 'not_a_country_code';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * What is wrong with one subject field's value, or null. The same check guards the renewal form and
 * the CSR Kigen generates, so a DN the form accepts is one the CA accepts. OU may be empty (omitted).
 */
export const dnFieldProblem = (field: DnField, raw: string | undefined): DnFieldProblem | null => {
  const value = (raw ?? '').trim();
  if (value === '') return field === 'ou' ? null : 'empty';
  if (value.length > DN_FIELD_MAX_LENGTH[field]) return 'too_long';
  if (CONTROL_CHARACTERS.test(value)) return 'control_character';
  if (field === 'c' && !/^[A-Za-z]{2}$/.test(value)) return 'not_a_country_code';
  return null;
};
