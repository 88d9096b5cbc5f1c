import { domainToASCII } from 'node:url';

/**
 * The form in which two names for the same host are equal: lower case, no trailing dot, and
 * internationalised labels in their A-label (punycode) form, so that `例え.jp` and `xn--r8jz45g.jp`
 * match. A wildcard label stays a literal `*`: `*.example.jp` equals only `*.example.jp`.
 */
export const normalizeDomainName = (name: string): string =>
  name
    .trim()
    .replace(/\.$/, '')
    .split('.')
    .map((label) => {
      if (label === '*' || /^[\x20-\x7e]*$/.test(label)) return label.toLowerCase();
      const ascii = domainToASCII(label);
      return ascii === '' ? label.toLowerCase() : ascii;
    })
    .join('.');

/** Whether two CNs name the same host, in the sense of `normalizeDomainName`. */
export const sameCommonName = (a: string, b: string): boolean =>
  normalizeDomainName(a) === normalizeDomainName(b);
