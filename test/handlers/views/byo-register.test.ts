import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, certificates, contracts, renewalCycles } from '../../../db/schema.ts';
import { renewalApplicationsOfCycle } from '../../../db/stores/decisions.ts';
import { makeCertificate, makeChain, makeCsr } from '../../support/x509-fixtures.ts';
import {
  clickNotice,
  cycleOf,
  cycleRow,
  deliverOutbox,
  submitView,
  textsOf,
  useDecisionHarness,
  waitForCalls,
} from '../decision-harness.ts';
import { answerText, NOW, USERS } from '../slack-harness.ts';

const CN = 'byo.example.jp';
const { harness, db, slack } = useDecisionHarness();
let cycleId: string;

const submit = (certificate: string, chain = '', user: string = USERS.adminJa.id) =>
  submitView(harness.current.port, {
    callbackId: 'renewal.byo_register_modal',
    privateMetadata: JSON.stringify({ c: cycleId, ch: 'C0CHANNEL1', ts: '1764000000.000100' }),
    fields: { certificate: { text: certificate }, chain: { text: chain } },
    user,
  });
const errorOf = async (certificate: string, chain = '') => {
  const result = await submit(certificate, chain);
  expect(result.ack?.response_action).toBe('errors');
  return (result.ack?.errors as Record<string, string> | undefined)?.certificate;
};
const certificateCount = async () => {
  const [contract] = await db().select({ id: contracts.id }).from(contracts).where(eq(contracts.cn, CN));
  return (
    await db()
      .select()
      .from(certificates)
      .where(eq(certificates.contractId, contract?.id ?? ''))
  ).length;
};
const cycle = () => cycleRow(db(), cycleId);

beforeAll(async () => {
  cycleId = await cycleOf(db(), CN);
});

describe('renewal.byo_register (R-CHANGE-3)', () => {
  it('a group admin opens the modal; a service admin and a stranger are refused', async () => {
    await clickNotice(harness.current.port, 'renewal.byo_register', cycleId);
    await waitForCalls(slack, 'views.open', 1);
    const view = slack.of('views.open')[0]?.params.view as {
      callback_id: string;
      blocks: Record<string, unknown>[];
    };
    expect(view.callback_id).toBe('renewal.byo_register_modal');
    expect(view.blocks.find((b) => b.block_id === 'certificate')).toMatchObject({
      element: { max_length: 3000, multiline: true },
    });
    for (const user of [USERS.serviceAdmin.id, USERS.otherGroupAdmin.id]) {
      const run = await clickNotice(harness.current.port, 'renewal.byo_register', cycleId, { user });
      expect(answerText(await run.answer)).toMatch(/グループ管理者|group admins/);
    }
    expect(slack.of('views.open')).toHaveLength(1);
  });

  it('R-CHANGE-3: another CN, an expired certificate, not a certificate, not newer: field errors, nothing stored', async () => {
    const before = await certificateCount();
    expect(await errorOf((await makeCertificate({ cn: 'other.example.jp' })).pem)).toContain(
      'コモンネームは契約',
    );
    expect(
      await errorOf((await makeCertificate({ cn: CN, notBefore: new Date('2025-01-01T00:00:00Z') })).pem),
    ).toContain('有効期限が切れています');
    expect(await errorOf((await makeCsr({ cn: CN })).pem)).toContain('証明書ではありません');
    expect(await errorOf('hello')).toContain('PEM形式の証明書ではありません');
    const older = await makeCertificate({
      cn: CN,
      notBefore: new Date('2026-06-01T00:00:00Z'),
      notAfter: new Date('2026-12-01T00:00:00Z'),
    });
    expect(await errorOf(older.pem)).toContain('新しくありません');
    const huge = await submit('x'.repeat(100_000));
    expect(huge.ack).toMatchObject({ errors: { certificate: '長すぎます（3000 文字まで）。' } });
    expect(await certificateCount()).toBe(before);
    expect((await cycle())?.state).toBe('noticed');
  });

  it('a service admin submitting is refused and nothing is stored', async () => {
    const cert = await makeCertificate({ cn: CN, notBefore: new Date('2026-11-01T00:00:00Z') });
    const result = await submit(cert.pem, '', USERS.serviceAdmin.id);
    expect(textsOf(result.ack?.view)).toContain('グループ管理者');
    expect((await cycle())?.state).toBe('noticed');
  });

  it('a renewed certificate with its chain: stored, the cycle completed, the next cycle planned, the notice edited', async () => {
    const before = await certificateCount();
    const { leaf, intermediatePem } = await makeChain({
      cn: CN,
      sans: [CN],
      notBefore: new Date('2026-11-01T00:00:00Z'),
    });
    const result = await submit(leaf.pem, intermediatePem);
    expect(result.ack?.response_action).toBe('update');
    expect(textsOf(result.ack?.view)).toContain('登録しました');
    expect(await certificateCount()).toBe(before + 1);
    expect(await cycle()).toMatchObject({ state: 'completed' });
    const [contract] = await db().select({ id: contracts.id }).from(contracts).where(eq(contracts.cn, CN));
    const cyclesOfContract = await db()
      .select()
      .from(renewalCycles)
      .where(eq(renewalCycles.contractId, contract?.id ?? ''));
    expect(cyclesOfContract.filter((c) => c.state === 'scheduled')).toHaveLength(1);
    const [stored] = await db()
      .select()
      .from(certificates)
      .where(eq(certificates.sha256, leaf.fingerprintSha256Hex));
    expect(stored?.chainPem).toContain('BEGIN CERTIFICATE');
    expect(stored?.registeredBy).toBe(USERS.adminJa.id);
    await deliverOutbox(db(), NOW);
    await waitForCalls(slack, 'chat.update', 1);
    expect(textsOf(slack.of('chat.update')[0]?.params.blocks)).toContain('更新された証明書が登録されました');
    await waitForCalls(slack, 'chat.postMessage', 1);
    const reply = textsOf(slack.of('chat.postMessage')[0]?.params.blocks);
    expect(reply).toContain('新しい証明書');
    expect(reply).toContain('SAN');
    const events = await db()
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.cycleId, cycleId), eq(auditEvents.action, 'cycle.registerRenewedCertificate')),
      );
    expect(events).toHaveLength(1);
  });

  it('a double submit of the same certificate registers nothing more', async () => {
    const before = await certificateCount();
    const cert = await makeCertificate({ cn: CN, notBefore: new Date('2026-11-02T00:00:00Z') });
    const again = await submit(cert.pem);
    expect(textsOf(again.ack?.view)).toMatch(/すでに終わっています|すでに登録/);
    expect(await certificateCount()).toBe(before);
  });
});

describe('renewal.renew without KIGEN_MASTER_KEY (R-CSR-3)', () => {
  it('the provider method is refused with a clear message on the field, and nothing is recorded', async () => {
    const wwwCycle = await cycleOf(db(), 'www.example.jp');
    const result = await submitView(harness.current.port, {
      callbackId: 'renewal.renew_modal',
      privateMetadata: JSON.stringify({ c: wwwCycle }),
      fields: {
        period: { selected: '12' },
        dn_c: { text: 'JP' },
        dn_st: { text: 'Tokyo' },
        dn_l: { text: 'Chiyoda-ku' },
        dn_o: { text: 'Sample K.K.' },
        applicant_name: { text: '山田 太郎' },
        applicant_email: { text: 'yamada@example.jp' },
        csr_method: { selected: 'provider' },
      },
    });
    expect(result.ack).toMatchObject({ errors: { csr_method: expect.stringContaining('KIGEN_MASTER_KEY') } });
    expect(await renewalApplicationsOfCycle(db(), wwwCycle)).toHaveLength(0);
  });
});
