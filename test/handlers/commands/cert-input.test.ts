import { describe, expect, it } from 'vitest';
import { answerText, slashCommand, USERS, useSlackHarness } from '../slack-harness.ts';

const harness = useSlackHarness();

const ask = async (text: string, user: string = USERS.adminJa.id) => {
  const run = await slashCommand(harness.current.port, text, { user });
  expect(run.status).toBe(200);
  const answer = await run.answer;
  expect(answer.response_type).toBe('ephemeral');
  return { answer, text: answerText(answer), raw: JSON.stringify(answer) };
};

describe('/cert bad input: normalise what is a name, refuse what is not, saying why', () => {
  it('no CN', async () => {
    expect((await ask('dn')).text).toBe('コモンネームを指定してください。使い方: `/cert dn <CN>`');
    expect((await ask('dcv', USERS.adminEn.id)).text).toBe(
      'Give a common name. Usage: `/cert dcv <CN>`, `/cert dcv <FQDN> <CA>`',
    );
  });

  it.each([
    ['an IPv4 address', 'dn 192.0.2.1', 'IP アドレスは指定できません。'],
    ['an IPv6 address', 'dn [2001:db8::1]', 'IP アドレスは指定できません。'],
    ['a wildcard in the middle', 'dn www.*.example.jp', 'ワイルドカード (*) は先頭のラベルにだけ使えます。'],
    [
      'an e-mail address',
      'dn admin@example.jp',
      'メールアドレスではなく、ドメイン名 (FQDN) を指定してください。',
    ],
    ['a single label', 'dn localhost', 'ドットを含む完全なドメイン名 (FQDN) を指定してください。'],
    ['an unknown TLD', 'dn www.example.invalidtld', 'トップレベルドメイン「invalidtld」は存在しません。'],
    ['a public suffix', 'dn co.jp', '「co.jp」は公開サフィックスで、登録できるドメイン名ではありません。'],
    ['a control character', 'dn www.exa\u0007mple.jp', '制御文字が含まれています。'],
  ])('%s is refused with the reason', async (_what, text, why) => {
    expect((await ask(text)).text).toContain(why);
  });

  it('300 characters are refused with the length, and the echo is cut', async () => {
    const long = `${'a'.repeat(60)}.`.repeat(5).slice(0, 300);
    const { text } = await ask(`dn ${long}`);
    expect(text).toContain('名前が長すぎます (300 文字)。ドメイン名は 253 文字までです。');
    expect(text).toContain('…');
    expect(text.length).toBeLessThan(200);
  });

  it('Slack markup: a user mention is refused and never echoed as a mention', async () => {
    const { text, raw } = await ask('dn <@U123ABC>');
    expect(text).toBe(
      '「`@U123ABC`」は使えません。Slack のユーザーのメンションが含まれています。ドメイン名をそのまま入力してください。',
    );
    expect(raw).not.toContain('<@U123ABC>');
  });

  it('Slack markup: bold is refused, without the asterisks (en)', async () => {
    const { text } = await ask('dn *www.example.jp*', USERS.adminEn.id);
    expect(text).toBe(
      '"`www.example.jp`" cannot be used. The name contains Slack markup (formatting such as bold). Type the domain name as plain text.',
    );
  });

  it('a special mention inside a name is refused and not echoed', async () => {
    const { raw } = await ask('status <!channel>');
    expect(raw).not.toContain('<!channel>');
  });

  it('an auto-linked name (what Slack makes of a typed domain) is the name', async () => {
    const { text } = await ask('dn <http://www.example.jp|www.example.jp>');
    expect(text).toContain('*前回の申請情報 (DN)* — `www.example.jp`');
  });

  it('a URL with a path, a trailing dot and upper case are normalised to the name', async () => {
    expect((await ask('status https://www.example.jp/path')).text).toContain(
      '*契約の状況* — `www.example.jp`',
    );
    expect((await ask('status www.example.jp.')).text).toContain('*契約の状況* — `www.example.jp`');
    expect((await ask('status WWW.EXAMPLE.JP')).text).toContain('*契約の状況* — `www.example.jp`');
  });

  it('an IDN in Unicode or punycode is the same name', async () => {
    const unicode = await ask('dcv 日本語.example.com digicert');
    const punycode = await ask('dcv xn--wgv71a119e.example.com digicert');
    expect(unicode.text).toContain('`xn--wgv71a119e.example.com`');
    expect(punycode.text).toContain('`日本語.example.com` (`xn--wgv71a119e.example.com`)');
  });

  it('a wildcard is validated on its parent (R-DCV-4)', async () => {
    const { text } = await ask('dcv *.example.com globalsign');
    expect(text).toContain('認証されるドメイン: `example.com`');
    expect(text).toContain('`_validation-contactemail.example.com`');
  });

  it('too many arguments', async () => {
    expect((await ask('dn www.example.jp extra')).text).toBe('引数が多すぎます。使い方: `/cert dn <CN>`');
  });
});
