import { parseMailbox } from './mailbox.ts';

/**
 * R-DCV-GLOBALSIGN: the SOA RNAME as a mailbox. The first unescaped dot becomes `@`, `\.` is a dot
 * inside the local part, a trailing dot is dropped (`john\.doe.example.com.` → `john.doe@example.com`).
 * Also reads the `\DDD` escapes c-ares uses for other octets. Null when the result is no mailbox.
 */
export const rnameToMailbox = (rname: string): string | null => {
  let local = '';
  let rest: string | null = null;
  for (let i = 0; i < rname.length; i++) {
    const c = rname[i] ?? '';
    if (rest !== null) {
      rest += c;
      continue;
    }
    if (c === '\\') {
      const decimal = /^\d{3}/.exec(rname.slice(i + 1));
      if (decimal) {
        const code = Number(decimal[0]);
        if (code > 255) return null;
        local += String.fromCharCode(code);
        i += 3;
      } else {
        if (i + 1 >= rname.length) return null;
        local += rname[i + 1];
        i += 1;
      }
    } else if (c === '.') {
      rest = '';
    } else {
      local += c;
    }
  }
  if (rest === null) return null;
  const domain = rest.endsWith('.') ? rest.slice(0, -1) : rest;
  if (domain.includes('\\')) return null;
  return parseMailbox(`${local}@${domain}`);
};
