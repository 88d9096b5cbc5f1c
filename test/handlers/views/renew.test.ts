import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, renewalCycles } from '../../../db/schema.ts';
import { renewalApplicationsOfCycle } from '../../../db/stores/decisions.ts';
import { decryptPrivateKey, parseMasterKey } from '../../../domain/index.ts';
import { makeCsr, makeCsrWithBrokenSignature } from '../../support/x509-fixtures.ts';
import {
  clickNotice,
  cycleOf,
  cycleRow,
  deliverOutbox,
  type FieldValue,
  submitView,
  textsOf,
  useDecisionHarness,
  waitForCalls,
} from '../decision-harness.ts';
import { answerText, NOW, USERS } from '../slack-harness.ts';

const MASTER_KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const { harness, db, slack } = useDecisionHarness({ KIGEN_MASTER_KEY: MASTER_KEY });
const cycles: Record<string, string> = {};

const form = (overrides: Record<string, FieldValue> = {}): Record<string, FieldValue> => ({
  period: { selected: '12' },
  dn_c: { text: 'JP' },
  dn_st: { text: 'Tokyo' },
  dn_l: { text: 'Chiyoda-ku' },
  dn_o: { text: 'Sample K.K.' },
  dn_ou: { text: 'Web' },
  applicant_name: { text: '山田 太郎' },
  applicant_email: { text: 'yamada@example.jp' },
  applicant_phone: { text: '03-0000-0000' },
  csr_method: { selected: 'customer' },
  csr: { text: '' },
  csr_reuse: { checked: [] },
  ...overrides,
});
const submit = (
  cn: string,
  fields: Record<string, FieldValue>,
  user: string = USERS.adminJa.id,
  extra = {},
) =>
  submitView(harness.current.port, {
    callbackId: 'renewal.renew_modal',
    privateMetadata: JSON.stringify({ c: cycles[cn], ch: 'C0CHANNEL1', ts: '1764000000.000100', ...extra }),
    fields,
    user,
  });
const cycle = (cn: string) => cycleRow(db(), cycles[cn] ?? '');
const apps = (cn: string) => renewalApplicationsOfCycle(db(), cycles[cn] ?? '');

beforeAll(async () => {
  for (const cn of ['www.example.jp', 'shop.example.jp', 'api.example.co.jp'])
    cycles[cn] = await cycleOf(db(), cn);
});

describe('renewal.renew: the modal (R-CHANGE-2, R-VALID-1, R-WWW-1)', () => {
  it('opens pre-filled from the previous application, CN and product fixed, periods with estimates', async () => {
    await clickNotice(harness.current.port, 'renewal.renew', cycles['www.example.jp'] ?? '');
    await waitForCalls(slack, 'views.open', 1);
    const view = slack.of('views.open')[0]?.params.view as {
      callback_id: string;
      blocks: Record<string, unknown>[];
    };
    expect(view.callback_id).toBe('renewal.renew_modal');
    const text = textsOf(view.blocks);
    expect(text).toContain('`www.example.jp`');
    expect(text).toContain('セキュア・サーバID');
    expect(text).toContain('更新では変更できません');
    expect(text).toMatch(/有効期限の見込み|業界ルールの上限/);
    const input = (id: string) =>
      view.blocks.find((b) => b.block_id === id) as { element: Record<string, unknown> };
    expect(input('dn_o').element).toMatchObject({ initial_value: 'Sample K.K.', max_length: 64 });
    expect(input('applicant_email').element).toMatchObject({ initial_value: 'yamada@example.jp' });
    expect(input('csr').element).toMatchObject({ max_length: 3000, multiline: true });
    expect(view.blocks.some((b) => b.block_id === 'dn_cn')).toBe(false);
    expect(view.blocks.some((b) => b.block_id === 'www_option')).toBe(false);
  });

  it('R-WWW-1: the Cybertrust modal offers the www option, pre-ticked as last time', async () => {
    await clickNotice(harness.current.port, 'renewal.renew', cycles['shop.example.jp'] ?? '');
    await waitForCalls(slack, 'views.open', 2);
    const view = slack.of('views.open')[1]?.params.view as { blocks: Record<string, unknown>[] };
    const www = view.blocks.find((b) => b.block_id === 'www_option') as {
      element: { initial_options?: unknown[] };
    };
    expect(textsOf(www)).toContain('www.shop.example.jp');
    expect(www.element.initial_options).toHaveLength(1);
  });

  it('GlobalSign: opens at once, then fills the approver choices from DNS with views.update and the hash', async () => {
    await clickNotice(harness.current.port, 'renewal.renew', cycles['api.example.co.jp'] ?? '');
    await waitForCalls(slack, 'views.update', 1);
    const update = slack.of('views.update')[0];
    expect(update?.params).toMatchObject({ view_id: 'V0MODAL', hash: expect.stringMatching(/^hash-/) });
    const view = update?.params.view as { private_metadata: string; blocks: Record<string, unknown>[] };
    const text = textsOf(view.blocks.find((b) => b.block_id === 'approver'));
    expect(JSON.parse(view.private_metadata).ap).toContain('admin@example.co.jp');
    expect(text).toContain('admin@example.co.jp');
  });

  it('a service admin and a stranger are refused at the button, with no modal', async () => {
    const before = slack.of('views.open').length;
    for (const user of [USERS.serviceAdmin.id, USERS.otherGroupAdmin.id]) {
      const run = await clickNotice(harness.current.port, 'renewal.renew', cycles['www.example.jp'] ?? '', {
        user,
      });
      expect(answerText(await run.answer)).toMatch(/グループ管理者|group admins/);
    }
    expect(slack.of('views.open')).toHaveLength(before);
  });
});

describe('renewal.renew: bad input changes nothing (R-CSR-2)', () => {
  const cn = 'www.example.jp';
  const csrError = async (csr: string) => {
    const result = await submit(cn, form({ csr: { text: csr } }));
    expect(result.ack?.response_action).toBe('errors');
    return (result.ack?.errors as Record<string, string> | undefined)?.csr;
  };

  it('R-CSR-2: garbage, another CN, a 1024-bit key, a broken signature: each has its field error', async () => {
    expect(await csrError('hello')).toContain('PEM形式のCSRではありません');
    expect(await csrError((await makeCsr({ cn: 'other.example.jp' })).pem)).toContain('コモンネームが契約');
    expect(await csrError((await makeCsr({ cn, keyType: 'rsa-1024' })).pem)).toContain('鍵が弱すぎます');
    expect(await csrError((await makeCsrWithBrokenSignature({ cn })).pem)).toContain(
      '署名が正しくありません',
    );
    expect(await csrError('')).toContain('CSRを貼り付けるか');
    expect(await apps(cn)).toHaveLength(0);
    expect((await cycle(cn))?.decision).toBeNull();
  });

  it('100 KB pasted into a field is refused politely, on its field', async () => {
    const result = await submit(
      cn,
      form({ dn_o: { text: 'x'.repeat(100_000) }, csr: { text: 'y'.repeat(100_000) } }),
    );
    expect(result.ack).toMatchObject({
      response_action: 'errors',
      errors: { dn_o: '長すぎます（64 文字まで）。', csr: '長すぎます（3000 文字まで）。' },
    });
    expect(await apps(cn)).toHaveLength(0);
  });

  it('a bad country, a bad e-mail, an empty required field are field errors in the user language', async () => {
    const result = await submit(
      cn,
      form({ dn_c: { text: 'JPN' }, applicant_email: { text: 'not-mail' }, dn_l: { text: ' ' } }),
      USERS.adminEn.id,
    );
    expect(result.ack).toMatchObject({
      response_action: 'errors',
      errors: {
        dn_c: 'Too long (at most 2 characters).',
        applicant_email: 'This is not a valid e-mail address.',
        dn_l: 'Please fill this in.',
      },
    });
  });

  it('a submission Slack would never send (wrong field type, forged metadata) is refused', async () => {
    const wrongType = await submit(cn, form({ dn_o: { selected: 'x' } }));
    expect(textsOf(wrongType.ack?.view)).toContain('この操作は無効です');
    const forged = await submitView(harness.current.port, {
      callbackId: 'renewal.renew_modal',
      privateMetadata: '<script>',
      fields: form(),
    });
    expect(textsOf(forged.ack?.view)).toContain('この操作は無効です');
    const gone = await submitView(harness.current.port, {
      callbackId: 'renewal.renew_modal',
      privateMetadata: JSON.stringify({ c: '00000000-0000-4000-8000-000000000000' }),
      fields: form(),
    });
    expect(textsOf(gone.ack?.view)).toContain('この契約は見つかりません');
    expect(await apps(cn)).toHaveLength(0);
  });

  it('a service admin submitting is refused in the modal and the refusal is audited', async () => {
    const csr = await makeCsr({ cn });
    const result = await submit(cn, form({ csr: { text: csr.pem } }), USERS.serviceAdmin.id);
    expect(textsOf(result.ack?.view)).toContain('グループ管理者');
    const refused = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'decision.refused'), eq(auditEvents.actor, USERS.serviceAdmin.id)));
    expect(refused.length).toBeGreaterThan(0);
    expect(await apps(cn)).toHaveLength(0);
  });
});

describe('renewal.renew: submit (R-CSR-1, R-CSR-3, R-VETTING-1)', () => {
  it('R-CSR-1: a CSR with the key of an earlier CSR needs the explicit confirmation', async () => {
    const cn = 'www.example.jp';
    const first = await makeCsr({ cn });
    // The previous application carried this CSR: make it so.
    await db().execute(
      `update applications set csr_pem = '${first.pem}' where dn_cn = 'www.example.jp'` as unknown as never,
    );
    const again = await makeCsr({ cn, keys: first.keys });
    const unconfirmed = await submit(cn, form({ csr: { text: again.pem } }));
    expect(unconfirmed.ack).toMatchObject({
      response_action: 'errors',
      errors: { csr_reuse: expect.stringContaining('前回と同じ鍵ペア') },
    });
    expect(await apps(cn)).toHaveLength(0);
    const confirmed = await submit(
      cn,
      form({ csr: { text: again.pem }, csr_reuse: { checked: ['confirm'] } }),
    );
    expect(confirmed.ack).toBeNull();
    await waitForCalls(slack, 'chat.postEphemeral', 1);
    await vi_wait(async () => (await apps(cn)).length === 1);
    await deliverOutbox(db(), NOW);
    await waitForCalls(slack, 'chat.postMessage', 1);
    const rows = await apps(cn);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'renewal',
      csrMethod: 'customer',
      periodMonths: 12,
      dnO: 'Sample K.K.',
    });
    expect(await cycle(cn)).toMatchObject({
      state: 'renewal_requested',
      decision: 'renew',
      renewalDataComplete: true,
    });
    const reply = textsOf(slack.of('chat.postMessage')[0]?.params.blocks);
    expect(reply).toContain('更新を申し込みました');
    expect(reply).toContain('前回と同じ鍵ペア');
    // R-VETTING-1 for DigiCert: DCV within 1–2 weeks, phone or e-mail, documents to the provider.
    expect(reply).toContain('帝国データバンク');
    expect(reply).toContain('プロバイダの営業担当');
  });

  it('a double submit: one application, the second told who and when', async () => {
    const cn = 'www.example.jp';
    const csr = await makeCsr({ cn });
    const again = await submit(cn, form({ csr: { text: csr.pem } }), USERS.adminEn.id);
    expect(textsOf(again.ack?.view)).toMatch(new RegExp(`<@${USERS.adminJa.id}> already asked to renew on`));
    expect(await apps(cn)).toHaveLength(1);
  });

  it('R-CSR-3: the provider generates a fresh key and CSR; the key is stored encrypted only', async () => {
    const cn = 'shop.example.jp';
    const result = await submit(
      cn,
      form({
        period: { selected: '6' },
        dn_l: { text: 'Minato-ku' },
        csr_method: { selected: 'provider' },
        www_option: { checked: ['www'] },
      }),
      USERS.adminEn.id,
    );
    expect(result.ack).toBeNull();
    await waitForCalls(slack, 'chat.postEphemeral', 2);
    expect(slack.of('chat.postEphemeral')[1]?.params.text).toContain(
      'renewal of `shop.example.jp` is requested',
    );
    const [row] = await apps(cn);
    expect(row).toMatchObject({ csrMethod: 'provider', wwwOption: true, periodMonths: 6 });
    expect(row?.csrPem).toContain('BEGIN CERTIFICATE REQUEST');
    expect(row?.encryptedPrivateKey).toMatch(/^v1:/);
    expect(row?.encryptedPrivateKey).not.toContain('PRIVATE KEY');
    const key = parseMasterKey(MASTER_KEY);
    if (!key.ok) throw new Error('master key');
    const opened = decryptPrivateKey(row?.encryptedPrivateKey ?? '', key.value, {
      context: row?.contractId ?? '',
    });
    expect(opened.ok && opened.value).toContain('BEGIN PRIVATE KEY');
    for (const call of slack.calls) expect(JSON.stringify(call.params)).not.toContain('PRIVATE KEY');
  });

  it('GlobalSign: the approver must be one of the choices offered', async () => {
    const cn = 'api.example.co.jp';
    const base = form({
      dn_st: { text: 'Osaka' },
      dn_l: { text: 'Osaka-shi' },
      csr_method: { selected: 'provider' },
      approver: { selected: 'attacker@evil.example' },
    });
    const bad = await submit(cn, base, USERS.adminJa.id, { ap: ['admin@example.co.jp'] });
    expect(bad.ack).toMatchObject({ errors: { approver: '選べる承認者アドレスではありません。' } });
    const good = await submit(
      cn,
      { ...base, approver: { selected: 'admin@example.co.jp' } },
      USERS.adminJa.id,
      {
        ap: ['admin@example.co.jp'],
      },
    );
    expect(good.ack).toBeNull();
    await waitForCalls(slack, 'chat.postEphemeral', 3);
    await vi_wait(async () => (await apps(cn)).length === 1);
    expect((await apps(cn))[0]?.approverAddress).toBe('admin@example.co.jp');
  });

  it('R-AUTO-5: after the data deadline the Renew button names the deadline', async () => {
    const cn = 'api.example.co.jp';
    await db()
      .update(renewalCycles)
      .set({ decision: null, state: 'noticed', dataDeadline: new Date('2026-11-24T15:00:00Z') })
      .where(eq(renewalCycles.id, cycles[cn] ?? ''));
    const run = await clickNotice(harness.current.port, 'renewal.renew', cycles[cn] ?? '');
    expect(answerText(await run.answer)).toContain('申請情報の期限（2026年11月25日(水) 00:00）を過ぎた');
  });
});

async function vi_wait(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}
