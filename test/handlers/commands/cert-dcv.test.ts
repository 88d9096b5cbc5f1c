import { describe, expect, it } from 'vitest';
import { answerText, slashCommand, USERS, useSlackHarness } from '../slack-harness.ts';

const harness = useSlackHarness();

describe('/cert dcv', () => {
  it('R-DCV-DIGICERT: all addresses, the TXT found, withdrawn methods with the SOA RNAME, the 2028 warning (ja)', async () => {
    const run = await slashCommand(harness.current.port, 'dcv www.example.jp');
    const text = answerText(await run.answer);
    expect(text).toContain(
      '*DCV メールの宛先* — `www.example.jp` (デジサート (DigiCert)、2026年11月25日 時点)',
    );
    expect(text).toContain('*DigiCert は次のすべての宛先に DCV メールを送ります:*');
    expect(text).toContain('• `dcv@example.jp` (DNS TXT)');
    expect(text).toContain('• `admin@www.example.jp` (定型アドレス)');
    expect(text).toContain('• `webmaster@example.jp` (定型アドレス (ベースドメイン))');
    expect(text).toContain('*2028年3月15日 に終了します*');
    expect(text).toContain('*TXT レコード* `_validation-contactemail.www.example.jp`\n• `dcv@example.jp`');
    expect(text).toContain(
      'WHOIS の連絡先: 2025年7月15日 から使えません (BR 3.2.2.4.2。デジサート (DigiCert) は 2025年5月8日 に停止)',
    );
    expect(text).toContain('見つかった RNAME: `dns-admin@example.jp` (ゾーン `example.jp`)');
  });

  it('R-DCV-CYBERTRUST: no TXT contact yet: the record to add, and other methods on request (en)', async () => {
    const run = await slashCommand(harness.current.port, 'dcv shop.example.jp', { user: USERS.adminEn.id });
    const text = answerText(await run.answer);
    expect(text).toContain('*Cybertrust sends the DCV mail to the DNS TXT contact:*\n(no contact yet');
    expect(text).toContain(
      'Other validation methods (instead of WHOIS) are offered by the provider on request.',
    );
    expect(text).toContain('No record.');
    expect(text).toContain(
      'Name: `_validation-contactemail.shop.example.jp`\nType: `TXT`\nValue (example): `admin@example.jp`',
    );
    expect(text).not.toContain('admin@shop.example.jp');
  });

  it('R-DCV-GLOBALSIGN: the choices, each with a button carrying contract, cycle and address; a bad TXT value shown escaped', async () => {
    const run = await slashCommand(harness.current.port, 'dcv api.example.co.jp');
    const answer = await run.answer;
    const text = answerText(answer);
    expect(text).toContain('*GlobalSign では次のうち 1 つを承認者アドレスとして選びます:*');
    expect(text).toContain('• `admin@example.co.jp` (定型アドレス (ベースドメイン))');
    expect(text).toContain('見つかった RNAME: `hostmaster@example.co.jp`');
    // The TXT value '<@U999> *not an address*' is never echoed as markup.
    expect(JSON.stringify(answer)).not.toContain('<@U999>');
    expect(text).toContain('(メールアドレスではないため使えません)');
    const buttons = (answer.blocks as { accessory?: { action_id: string; value: string } }[])
      .map((b) => b.accessory)
      .filter((a) => a !== undefined);
    expect(buttons.length).toBe(11);
    expect(buttons.every((b) => b.action_id === 'dcv.choose_approver')).toBe(true);
    const first = JSON.parse(buttons[0]?.value ?? '{}');
    expect(first.a).toBe('approver@example.co.jp');
    // The open cycle planned at import, and the contract.
    expect(first.y).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.c).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('R-DCV-5: a SERVFAIL is shown as a failed look-up, never as "no record"', async () => {
    const run = await slashCommand(harness.current.port, 'dcv broken.example.net');
    const text = answerText(await run.answer);
    expect(text).toContain(':x: TXT レコードの検索に失敗しました (DNS サーバーのエラー (SERVFAIL))');
    expect(text).not.toContain('レコードはありません');
    expect(text).not.toContain('次のレコードを登録してください');
    expect(text).toContain(':x: SOA の検索に失敗しました');
  });

  it('R-DCV-5: a server that never answers is a timeout, and the ack came before the DNS work finished', async () => {
    const started = performance.now();
    const run = await slashCommand(harness.current.port, 'dcv slow.example.org', { user: USERS.adminEn.id });
    const ackedAt = performance.now() - started;
    const answer = await run.answer;
    const answeredAt = performance.now() - started;
    expect(run.status).toBe(200);
    expect(ackedAt).toBeLessThan(500);
    // The look-up was still hanging when the ack came back: the answer waited for the DNS timeout.
    expect(answeredAt).toBeGreaterThan(800);
    expect(answeredAt - ackedAt).toBeGreaterThan(500);
    const text = answerText(answer);
    expect(text).toContain(':x: The TXT look-up failed (timed out). This does not mean there is no record');
  });

  it('`dcv <FQDN> <CA>` answers for a name not under contract, for anyone, without buttons', async () => {
    const run = await slashCommand(harness.current.port, 'dcv new.example.com GlobalSign', {
      user: USERS.outsider.id,
    });
    const answer = await run.answer;
    const text = answerText(answer);
    expect(text).toContain('*DCV メールの宛先* — `new.example.com` (グローバルサイン (GlobalSign)');
    expect(text).toContain('契約前の名前として確認しました');
    expect(text).toContain('• `ops@example.com` (DNS TXT)');
    expect(JSON.stringify(answer)).not.toContain('dcv.choose_approver');
  });

  it('`dcv <FQDN> <CA>` refuses another CA with the list', async () => {
    const run = await slashCommand(harness.current.port, 'dcv new.example.com letsencrypt');
    expect(answerText(await run.answer)).toBe(
      'CA「`letsencrypt`」は指定できません。次のいずれかを指定してください: digicert, cybertrust, globalsign',
    );
  });

  it('a non-member gets the same refusal as for an unknown name, with the hint for new names', async () => {
    const member = await slashCommand(harness.current.port, 'dcv www.example.jp', {
      user: USERS.outsider.id,
    });
    const text = answerText(await member.answer);
    expect(text).toContain('`www.example.jp` の契約は見つからないか、参照する権限がありません。');
    expect(text).toContain('`/cert dcv <FQDN> <CA>`');
    expect(text).not.toContain('dcv@example.jp');
  });

  it('an IDN in Unicode is looked up in its A-label form and shown in both', async () => {
    const run = await slashCommand(harness.current.port, 'dcv 日本語.example.com digicert');
    const text = answerText(await run.answer);
    expect(text).toContain('`日本語.example.com` (`xn--wgv71a119e.example.com`)');
    expect(harness.current.dns.queries).toContain('_validation-contactemail.xn--wgv71a119e.example.com TXT');
  });
});
