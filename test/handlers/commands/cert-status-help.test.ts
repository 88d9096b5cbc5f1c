import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { contracts, renewalCycles } from '../../../db/schema.ts';
import { answerText, slashCommand, USERS, useSlackHarness } from '../slack-harness.ts';

const harness = useSlackHarness();

beforeAll(async () => {
  // A decision on the Cybertrust contract's cycle, as issue 5's buttons would record it.
  const db = harness.current.database.current.db;
  const [shop] = await db
    .select({ id: contracts.id })
    .from(contracts)
    .where(eq(contracts.cn, 'shop.example.jp'));
  if (!shop) throw new Error('seed');
  await db.insert(renewalCycles).values({
    contractId: shop.id,
    expiresAt: new Date('2026-12-31T15:00:00Z'),
    state: 'renewal_requested',
    decisionDeadline: new Date('2026-12-05T15:00:00Z'),
    dataDeadline: new Date('2026-12-10T15:00:00Z'),
    decision: 'renew',
    decidedBy: USERS.adminEn.id,
    decidedAt: new Date('2026-11-20T03:04:00Z'),
    chosenPeriodMonths: 12,
  });
});

describe('/cert status', () => {
  it('lists the contracts of this channel the user may see, with expiry, state, deadlines and decision', async () => {
    const run = await slashCommand(harness.current.port, 'status');
    const text = answerText(await run.answer);
    expect(text).toContain('*このチャンネルの契約*');
    expect(text).toContain('*`www.example.jp`*  セキュア・サーバID (デジサート (DigiCert))');
    expect(text).toContain('*`byo.example.jp`*  持ち込み証明書');
    expect(text).toContain('*判断*\n更新 (<@U0ADMINEN>、2026年11月20日(金) 12:04)');
    expect(text).toContain('*判断期限*\n2026年12月6日(日) 00:00');
    expect(text).toContain('*更新後の期間*\n1年');
    // The other service group's contract in the same channel is not shown, nor counted.
    expect(text).not.toContain('secret.example.net');
    // Contracts of another channel are not listed here.
    expect(text).not.toContain('broken.example.net');
  });

  it('one contract, in English', async () => {
    const run = await slashCommand(harness.current.port, 'status shop.example.jp', {
      user: USERS.adminEn.id,
    });
    const text = answerText(await run.answer);
    expect(text).toContain('*Contract status* — `shop.example.jp`');
    expect(text).toContain('*State*\nrenewal requested');
    expect(text).toContain('*Decision*\nrenew (<@U0ADMINEN>, Fri 20 Nov 2026 12:04 JST)');
  });

  it('a user of another group sees only their contract in the channel; an outsider sees none', async () => {
    const other = answerText(
      await (await slashCommand(harness.current.port, 'status', { user: USERS.otherGroupAdmin.id })).answer,
    );
    expect(other).toContain('secret.example.net');
    expect(other).not.toContain('www.example.jp');
    const outsider = answerText(
      await (await slashCommand(harness.current.port, 'status', { user: USERS.outsider.id })).answer,
    );
    expect(outsider).toBe('このチャンネルには、あなたが参照できる契約はありません。');
  });

  it('a non-member asking for one contract gets the refusal for an unknown name', async () => {
    const run = await slashCommand(harness.current.port, 'status www.example.jp', {
      user: USERS.otherGroupAdmin.id,
    });
    expect(answerText(await run.answer)).toBe(
      "No contract for `www.example.jp` was found, or you may not see it. Only members of the contract's service group can look it up.",
    );
  });
});

describe('/cert help', () => {
  it('help, and no sub-command at all, answer with the help', async () => {
    for (const text of ['help', '']) {
      const answer = answerText(await (await slashCommand(harness.current.port, text)).answer);
      expect(answer).toContain('*`/cert` の使い方*');
      expect(answer).toContain('`/cert dcv <FQDN> <CA>`');
    }
  });

  it('an unknown sub-command answers with the help, echoing it sanitised', async () => {
    const run = await slashCommand(harness.current.port, 'renew <@U0SOMEONE> now', {
      user: USERS.adminEn.id,
    });
    const answer = await run.answer;
    expect(answerText(answer)).toContain('There is no sub-command "`renew`".');
    expect(answerText(answer)).toContain('*How to use `/cert`*');
    const proto = answerText(await (await slashCommand(harness.current.port, 'constructor')).answer);
    expect(proto).toContain('サブコマンド「`constructor`」はありません。');
  });

  it('a user whose locale Slack does not give gets KIGEN_LOCALE (ja)', async () => {
    const run = await slashCommand(harness.current.port, 'help', { user: USERS.noLocale.id });
    expect(answerText(await run.answer)).toContain('*`/cert` の使い方*');
  });
});
