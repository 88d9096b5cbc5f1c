import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { parse as parseDomain } from 'tldts';
import { type Err, err, ok, type Result } from './result.ts';

/** A common name as typed in Slack, normalised for DCV and display. */
export type DomainName = {
  /** A-label form, lower case, no trailing dot; a wildcard keeps its `*.` (`*.xn--wgv71a119e.jp`). */
  readonly fqdn: string;
  /** U-label form for display (`*.日本語.jp`). */
  readonly unicode: string;
  readonly isWildcard: boolean;
  /** R-DCV-4: the registrable domain by the ICANN section of the Public Suffix List (`example.co.jp`). */
  readonly baseDomain: string;
  /** R-DCV-4: the name validated by DCV: the FQDN without its wildcard label (`*.example.jp` → `example.jp`). */
  readonly validationDomain: string;
  /** The labels of `fqdn`, left to right, `*` included. */
  readonly labels: readonly string[];
};

/** What a user can get wrong when typing a common name. */
export type DomainNameReason =
  | 'name.empty'
  | 'name.too_long'
  | 'name.label_too_long'
  | 'name.empty_label'
  | 'name.control_character'
  | 'name.whitespace'
  | 'name.slack_markup'
  | 'name.is_ip_address'
  | 'name.is_email_address'
  | 'name.invalid_character'
  | 'name.invalid_idn'
  | 'name.wildcard_position'
  | 'name.single_label'
  | 'name.public_suffix'
  | 'name.unknown_tld';

/** Which Slack markup was found (param `markup` of 'name.slack_markup'). */
export type SlackMarkupKind =
  | 'user_mention'
  | 'channel_mention'
  | 'special_mention'
  | 'mailto'
  | 'link'
  | 'escaped_character'
  | 'formatting'
  | 'code';

const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const EXCERPT_LENGTH = 40;
/** Longer input is refused before any parsing. */
const MAX_INPUT_LENGTH = 1024;

const CONTROL = /[\p{Cc}\p{Cf}]/u;
const EXCERPT_DROPPED = /[\p{Cc}\p{Cf}<>&*_~`]/gu;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** ASCII that can never be part of a host name (non-ASCII goes to IDNA, which knows better). */
const NON_HOST_ASCII = /[\x21-\x2c\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/;

/**
 * Up to 40 characters of the user's input that are safe to show back in Slack: control and format
 * characters and Slack's markup characters (`<>&*_~` and backtick) removed.
 */
export const sanitisedExcerpt = (input: string): string => {
  const chars = Array.from(input.replace(EXCERPT_DROPPED, ''));
  return chars.length > EXCERPT_LENGTH ? `${chars.slice(0, EXCERPT_LENGTH).join('')}…` : chars.join('');
};

/**
 * Slack's own markup in the text: refused with its kind, except an auto-link to the name itself
 * (`<http://www.example.jp|www.example.jp>`, what Slack makes of a typed domain), which is unwrapped.
 */
const unwrapSlackMarkup = (
  s: string,
  refuse: (kind: SlackMarkupKind) => Err<DomainNameReason>,
): string | Err<DomainNameReason> => {
  const link = /^<(https?:\/\/[^|<>]+)(?:\|([^<>]*))?>$/i.exec(s);
  if (link) {
    const target = link[1] ?? '';
    const label = link[2];
    const bare = target.replace(/^https?:\/\//i, '').replace(/\/$/, '');
    if (label === undefined || label === target || label === bare) return target;
    return refuse('link');
  }
  if (/<@/.test(s)) return refuse('user_mention');
  if (/<#/.test(s)) return refuse('channel_mention');
  if (/<!/.test(s)) return refuse('special_mention');
  if (/<mailto:/i.test(s)) return refuse('mailto');
  if (/[<>]/.test(s)) return refuse('link');
  if (/&(?:lt|gt|amp);/.test(s)) return refuse('escaped_character');
  if (s.includes('`')) return refuse('code');
  if (/^([*_~]).+\1$/s.test(s)) return refuse('formatting');
  return s;
};

/**
 * Normalises a common name typed in a slash command or a form: trims it, takes the host out of a URL,
 * drops a port and the trailing dot, lower-cases it, converts an IDN to its A-label (R-DCV-4), and finds
 * its base domain. Refuses, with a reason that says why, anything that is not one DNS name with a
 * registrable domain. Parameters carry only a sanitised excerpt of the input, never the input itself.
 */
export const normaliseCommonName = (input: string): Result<DomainName, DomainNameReason> => {
  const raw = typeof input === 'string' ? input : '';
  const excerpt = sanitisedExcerpt(raw.trim());
  const refuse = (reason: DomainNameReason, params: Record<string, string | number> = {}) =>
    err(reason, { excerpt, ...params });

  let s = raw.trim();
  if (s === '') return refuse('name.empty');
  if (s.length > MAX_INPUT_LENGTH) return refuse('name.too_long', { length: s.length, max: MAX_NAME_LENGTH });
  if (CONTROL.test(s)) return refuse('name.control_character');

  const unwrapped = unwrapSlackMarkup(s, (markup) => refuse('name.slack_markup', { markup }));
  if (typeof unwrapped !== 'string') return unwrapped;
  s = unwrapped;
  if (/\s/u.test(s)) return refuse('name.whitespace');

  // A URL: keep the authority only.
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/[/?#].*$/s, '');
  if (s.includes('@')) return refuse('name.is_email_address');
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(s);
  if (bracketed) {
    return isIP(bracketed[1] ?? '') ? refuse('name.is_ip_address') : refuse('name.invalid_character');
  }
  if (isIP(s)) return refuse('name.is_ip_address');
  s = s.replace(/:\d{1,5}$/, '');

  const isWildcard = s.startsWith('*.');
  if (isWildcard) s = s.slice(2);
  if (s.includes('*')) return refuse('name.wildcard_position');
  if (NON_HOST_ASCII.test(s)) return refuse('name.invalid_character');

  // UTS #46 mapping: upper case, full-width letters and the ideographic full stop are folded here.
  let ascii = domainToASCII(s);
  if (ascii === '' || !ascii.split('.').every(isValidALabel)) return refuse('name.invalid_idn');
  if (ascii.endsWith('.')) ascii = ascii.slice(0, -1);
  if (isIP(ascii)) return refuse('name.is_ip_address');

  const fqdn = isWildcard ? `*.${ascii}` : ascii;
  if (fqdn.length > MAX_NAME_LENGTH) {
    return refuse('name.too_long', { length: fqdn.length, max: MAX_NAME_LENGTH });
  }
  const hostLabels = ascii.split('.');
  for (const label of hostLabels) {
    if (label === '') return refuse('name.empty_label');
    if (label.length > MAX_LABEL_LENGTH) {
      return refuse('name.label_too_long', {
        label: sanitisedExcerpt(label),
        length: label.length,
        max: MAX_LABEL_LENGTH,
      });
    }
    if (!LDH_LABEL.test(label)) return refuse('name.invalid_character');
  }
  if (hostLabels.length < 2) return refuse('name.single_label');

  // R-DCV-4: the ICANN section only (tldts' default), as the BR's "Base Domain Name".
  const parsed = parseDomain(ascii);
  if (parsed.isIp) return refuse('name.is_ip_address');
  if (parsed.isIcann !== true) return refuse('name.unknown_tld', { tld: hostLabels.at(-1) ?? '' });
  if (parsed.domain === null || parsed.domain === '') {
    return refuse('name.public_suffix', { suffix: parsed.publicSuffix ?? ascii });
  }

  return ok({
    fqdn,
    unicode: isWildcard ? `*.${domainToUnicode(ascii)}` : domainToUnicode(ascii),
    isWildcard,
    baseDomain: parsed.domain,
    validationDomain: ascii,
    labels: fqdn.split('.'),
  });
};

/**
 * An `xn--` label must be Punycode that decodes, and encodes back to itself. Node 20's domainToASCII
 * refuses a bad one (returns ''); Node 24 passes it through unchanged.
 */
function isValidALabel(label: string): boolean {
  if (!label.startsWith('xn--')) return true;
  const unicode = domainToUnicode(label);
  return unicode !== label && domainToASCII(unicode) === label;
}
