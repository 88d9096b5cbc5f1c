import { describe, expect, it } from 'vitest';
import { normaliseCommonName, sanitisedExcerpt } from '../../../domain/rules/domain-name.ts';

const acceptedName = (input: string) => {
  const result = normaliseCommonName(input);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(input)} to be accepted, got ${result.reason}`);
  return result.value;
};

describe('normaliseCommonName: accepted names', () => {
  it.each([
    { situation: 'a plain name', input: 'www.example.jp', fqdn: 'www.example.jp', base: 'example.jp' },
    {
      situation: 'surrounding blanks',
      input: '  www.example.jp \n',
      fqdn: 'www.example.jp',
      base: 'example.jp',
    },
    {
      situation: 'a URL',
      input: 'https://www.example.jp/path?q=1#x',
      fqdn: 'www.example.jp',
      base: 'example.jp',
    },
    {
      situation: 'a URL with a port',
      input: 'https://www.example.jp:8443/',
      fqdn: 'www.example.jp',
      base: 'example.jp',
    },
    {
      situation: 'a name with a port',
      input: 'www.example.jp:443',
      fqdn: 'www.example.jp',
      base: 'example.jp',
    },
    { situation: 'a trailing dot', input: 'www.example.jp.', fqdn: 'www.example.jp', base: 'example.jp' },
    { situation: 'upper case', input: 'WWW.Example.JP', fqdn: 'www.example.jp', base: 'example.jp' },
    {
      situation: 'full-width letters',
      input: 'ｗｗｗ．ｅｘａｍｐｌｅ．ｊｐ',
      fqdn: 'www.example.jp',
      base: 'example.jp',
    },
    {
      situation: 'Slack auto-link',
      input: '<http://www.example.jp|www.example.jp>',
      fqdn: 'www.example.jp',
      base: 'example.jp',
    },
  ])('$situation: $input → $fqdn', ({ input, fqdn, base }) => {
    const name = acceptedName(input);
    expect(name.fqdn).toBe(fqdn);
    expect(name.baseDomain).toBe(base);
    expect(name.isWildcard).toBe(false);
  });

  it.each([
    { input: 'example.co.jp', base: 'example.co.jp' },
    { input: 'sub.example.co.jp', base: 'example.co.jp' },
    { input: 'www.example.co.jp', base: 'example.co.jp' },
    { input: 'a.b.example.com', base: 'example.com' },
    { input: 'city.kawasaki.jp', base: 'city.kawasaki.jp' },
    // The private section of the PSL is not used: the BR's base domain of foo.github.io is github.io.
    { input: 'foo.github.io', base: 'github.io' },
  ])('R-DCV-4: the base domain of $input is $base (Public Suffix List)', ({ input, base }) => {
    expect(acceptedName(input).baseDomain).toBe(base);
  });

  it.each([
    { input: '日本語.jp', fqdn: 'xn--wgv71a119e.jp', unicode: '日本語.jp' },
    { input: 'xn--wgv71a119e.jp', fqdn: 'xn--wgv71a119e.jp', unicode: '日本語.jp' },
    { input: 'XN--WGV71A119E.JP', fqdn: 'xn--wgv71a119e.jp', unicode: '日本語.jp' },
    { input: 'www.日本語。jp', fqdn: 'www.xn--wgv71a119e.jp', unicode: 'www.日本語.jp' },
    { input: 'München.de', fqdn: 'xn--mnchen-3ya.de', unicode: 'münchen.de' },
  ])('R-DCV-4: the IDN $input is handled as its A-label $fqdn', ({ input, fqdn, unicode }) => {
    const name = acceptedName(input);
    expect(name.fqdn).toBe(fqdn);
    expect(name.unicode).toBe(unicode);
    expect(name.validationDomain).toBe(fqdn);
  });

  it('R-DCV-4: *.example.jp is a wildcard validated on example.jp', () => {
    expect(acceptedName('*.example.jp')).toEqual({
      fqdn: '*.example.jp',
      unicode: '*.example.jp',
      isWildcard: true,
      baseDomain: 'example.jp',
      validationDomain: 'example.jp',
      labels: ['*', 'example', 'jp'],
    });
  });

  it('R-DCV-4: *.sub.日本語.jp keeps the sub-domain as validation domain, in A-label form', () => {
    const name = acceptedName('*.sub.日本語.jp');
    expect(name).toMatchObject({
      fqdn: '*.sub.xn--wgv71a119e.jp',
      unicode: '*.sub.日本語.jp',
      validationDomain: 'sub.xn--wgv71a119e.jp',
      baseDomain: 'xn--wgv71a119e.jp',
    });
  });

  it('accepts a name of exactly 253 characters with 63-character labels, and refuses 254', () => {
    const label = 'a'.repeat(63);
    const input = `${label}.${label}.${label}.${'b'.repeat(58)}.jp`;
    expect(input).toHaveLength(253);
    expect(acceptedName(input).fqdn).toBe(input);
    expect(normaliseCommonName(`c${input}`)).toMatchObject({
      ok: false,
      reason: 'name.too_long',
      params: { length: 254, max: 253 },
    });
  });
});

describe('normaliseCommonName: refused input says why', () => {
  it.each([
    { situation: 'no CN', input: '', reason: 'name.empty' },
    { situation: 'blanks only', input: ' \t ', reason: 'name.empty' },
    { situation: 'an IPv4 address', input: '192.0.2.1', reason: 'name.is_ip_address' },
    { situation: 'an IPv4 address in a URL', input: 'https://192.0.2.1:8443/', reason: 'name.is_ip_address' },
    { situation: 'a short-form IPv4 address', input: '127.1', reason: 'name.is_ip_address' },
    { situation: 'a full-width IPv4 address', input: '１９２．０．２．１', reason: 'name.is_ip_address' },
    { situation: 'an IPv6 address', input: '2001:db8::1', reason: 'name.is_ip_address' },
    {
      situation: 'a bracketed IPv6 address',
      input: 'https://[2001:db8::1]:443/',
      reason: 'name.is_ip_address',
    },
    { situation: '300 characters', input: `${'abcdefghi.'.repeat(30)}jp`, reason: 'name.too_long' },
    {
      situation: 'a 64-character label',
      input: `${'a'.repeat(64)}.example.jp`,
      reason: 'name.label_too_long',
    },
    { situation: 'an empty label', input: 'www..example.jp', reason: 'name.empty_label' },
    { situation: 'a NUL character', input: 'www.exa\u0000mple.jp', reason: 'name.control_character' },
    { situation: 'an escape sequence', input: 'www.example.jp\u001b[31m', reason: 'name.control_character' },
    { situation: 'a zero-width space', input: 'www.exa\u200bmple.jp', reason: 'name.control_character' },
    {
      situation: 'a right-to-left override',
      input: 'www.exa\u202emple.jp',
      reason: 'name.control_character',
    },
    { situation: 'a space inside', input: 'www.example .jp', reason: 'name.whitespace' },
    { situation: 'an ideographic space inside', input: 'www.example\u3000jp', reason: 'name.whitespace' },
    { situation: 'an e-mail address', input: 'admin@example.jp', reason: 'name.is_email_address' },
    { situation: 'an underscore', input: 'a_b.example.jp', reason: 'name.invalid_character' },
    { situation: 'a percent escape', input: 'a%41.example.jp', reason: 'name.invalid_character' },
    { situation: 'a leading hyphen', input: '-a.example.jp', reason: 'name.invalid_character' },
    { situation: 'an invalid punycode label', input: 'xn--zz.jp', reason: 'name.invalid_idn' },
    { situation: 'a wildcard inside a label', input: 'w*.example.jp', reason: 'name.wildcard_position' },
    { situation: 'a wildcard not first', input: 'www.*.example.jp', reason: 'name.wildcard_position' },
    { situation: 'two wildcards', input: '*.*.example.jp', reason: 'name.wildcard_position' },
    { situation: 'a single label', input: 'localhost', reason: 'name.single_label' },
    { situation: 'a bare TLD', input: 'jp', reason: 'name.single_label' },
    { situation: 'a bare public suffix', input: 'co.jp', reason: 'name.public_suffix' },
    { situation: 'a wildcard on a public suffix', input: '*.co.jp', reason: 'name.public_suffix' },
    { situation: 'a name under an unknown TLD', input: 'www.example.jpp', reason: 'name.unknown_tld' },
  ])('$situation ($input) → $reason', ({ input, reason }) => {
    expect(normaliseCommonName(input)).toMatchObject({ ok: false, reason });
  });

  it.each([
    { input: '<@U123>', markup: 'user_mention' },
    { input: '<@U123|taro> www.example.jp', markup: 'user_mention' },
    { input: '<#C123|general>', markup: 'channel_mention' },
    { input: '<!here>', markup: 'special_mention' },
    { input: '<mailto:admin@example.jp|admin@example.jp>', markup: 'mailto' },
    { input: '<https://evil.example.com|www.example.jp>', markup: 'link' },
    { input: '*bold*', markup: 'formatting' },
    { input: '*www.example.jp*', markup: 'formatting' },
    { input: '_www.example.jp_', markup: 'formatting' },
    { input: '~www.example.jp~', markup: 'formatting' },
    { input: '`www.example.jp`', markup: 'code' },
    { input: '&lt;www.example.jp&gt;', markup: 'escaped_character' },
  ])('Slack markup $input is refused as $markup', ({ input, markup }) => {
    expect(normaliseCommonName(input)).toMatchObject({
      ok: false,
      reason: 'name.slack_markup',
      params: { markup },
    });
  });

  it.each([
    '<@U123>',
    '<!channel> *bold* `code` _i_ ~s~ &amp;',
    'www.exa\u0000mple.jp<script>',
    `${'x'.repeat(100)}.jp`,
  ])(
    'never echoes %j unescaped: the excerpt has no markup or control characters and at most 40 characters',
    (input) => {
      const result = normaliseCommonName(input);
      expect(result.ok).toBe(false);
      const excerpt = result.ok ? '' : String(result.params?.excerpt);
      expect(excerpt).not.toMatch(/[<>&*_~`\p{Cc}\p{Cf}]/u);
      expect(Array.from(excerpt.replace(/…$/, '')).length).toBeLessThanOrEqual(40);
    },
  );

  it('sanitisedExcerpt keeps readable text and marks a cut', () => {
    expect(sanitisedExcerpt('<@U123> hi')).toBe('@U123 hi');
    expect(sanitisedExcerpt('あ'.repeat(41))).toBe(`${'あ'.repeat(40)}…`);
  });
});
