import { describe, expect, it } from 'vitest';
import { answerText, slashCommand, USERS, useSlackHarness } from '../slack-harness.ts';

const harness = useSlackHarness();

describe('/cert dn', () => {
  it('R-DN-1: a group admin gets the previous DN, applicant, period, CSR method and an openssl line (ja)', async () => {
    const run = await slashCommand(harness.current.port, 'dn www.example.jp');
    expect(run.status).toBe(200);
    const answer = await run.answer;
    expect(answer.response_type).toBe('ephemeral');
    const text = answerText(answer);
    expect(text).toContain('*前回の申請情報 (DN)* — `www.example.jp`');
    expect(text).toContain('品目: セキュア・サーバID');
    expect(text).toContain('前回の申請: 新規 (2025年12月1日(月) 10:00)');
    expect(text).toContain('`Chiyoda-ku`');
    expect(text).toContain('`山田 太郎`');
    expect(text).toContain('`yamada@example.jp`');
    expect(text).toContain('1年');
    expect(text).toContain('お客様がCSRを作成');
    expect(text).toContain(
      "openssl req -new -newkey rsa:2048 -nodes -keyout www.example.jp.key -out www.example.jp.csr -subj '/C=JP/ST=Tokyo/L=Chiyoda-ku/O=Sample K.K./OU=Web\\/Ops *team*/CN=www.example.jp'",
    );
  });

  it('R-DN-1: the same in English for an English-speaking user, with the www option of Cybertrust', async () => {
    const run = await slashCommand(harness.current.port, 'dn shop.example.jp', { user: USERS.adminEn.id });
    const text = answerText(await run.answer);
    expect(text).toContain('*Previous application data (DN)* — `shop.example.jp`');
    expect(text).toContain('Product: SureServer for Cloud (Cybertrust)');
    expect(text).toContain('6 months');
    expect(text).toContain('the provider generates key and CSR');
    expect(text).toMatch(/\*www option\*\nyes/);
  });

  it('R-DN-2: a BYO contract shows subject, SANs, issuer, validity in JST and the SHA-256 fingerprint, never a key', async () => {
    const run = await slashCommand(harness.current.port, 'dn byo.example.jp', {
      user: USERS.serviceAdmin.id,
    });
    const answer = await run.answer;
    const text = answerText(answer);
    expect(text).toContain('*登録済みの証明書 (持ち込み)* — `byo.example.jp`');
    expect(text).toContain('CN=byo.example.jp');
    expect(text).toContain('`www.byo.example.jp`');
    expect(text).toMatch(/SHA-256 フィンガープリント\*\n`([0-9A-F]{2}:){31}[0-9A-F]{2}`/);
    expect(text).toMatch(/有効期間 \(日本時間\)\*\n\d{4}年\d+月\d+日\(.\) \d\d:\d\d 〜 /);
    expect(JSON.stringify(answer)).not.toMatch(/PRIVATE KEY|BEGIN/);
  });

  it('R-DN-2: in English', async () => {
    const run = await slashCommand(harness.current.port, 'dn byo.example.jp', { user: USERS.adminEn.id });
    const text = answerText(await run.answer);
    expect(text).toContain('*Registered certificate (bring-your-own)* — `byo.example.jp`');
    expect(text).toMatch(/Validity \(JST\)\*\n\w{3} \d+ \w{3} \d{4} \d\d:\d\d JST – /);
  });

  it('a contract without a previous application says so', async () => {
    const run = await slashCommand(harness.current.port, 'dn broken.example.net');
    expect(answerText(await run.answer)).toContain('`broken.example.net` には前回の申請情報がありません。');
  });

  it('when a non-member asks, then nothing is revealed and the answer is the one for an unknown name', async () => {
    const outsider = await slashCommand(harness.current.port, 'dn www.example.jp', {
      user: USERS.outsider.id,
    });
    const otherGroup = await slashCommand(harness.current.port, 'dn www.example.jp', {
      user: USERS.otherGroupAdmin.id,
    });
    const unknown = await slashCommand(harness.current.port, 'dn nothing.example.jp', {
      user: USERS.outsider.id,
    });
    const a = await outsider.answer;
    expect(answerText(a)).toBe(
      '`www.example.jp` の契約は見つからないか、参照する権限がありません。契約のサービスグループのメンバーだけが参照できます。',
    );
    expect(JSON.stringify(a)).not.toMatch(/Chiyoda|山田|yamada/);
    const u = await unknown.answer;
    expect(answerText(u).replace('nothing.example.jp', 'www.example.jp')).toBe(answerText(a));
    const en = await otherGroup.answer;
    expect(answerText(en)).toBe(
      "No contract for `www.example.jp` was found, or you may not see it. Only members of the contract's service group can look it up.",
    );
  });

  it('the name is normalised before the look-up: upper case, trailing dot, a URL', async () => {
    for (const typed of ['WWW.Example.JP', 'www.example.jp.', 'https://www.example.jp/path?q=1']) {
      const run = await slashCommand(harness.current.port, `dn ${typed}`);
      expect(answerText(await run.answer)).toContain('*前回の申請情報 (DN)* — `www.example.jp`');
    }
  });
});
