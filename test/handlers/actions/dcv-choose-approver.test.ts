import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { applications, auditEvents, contracts, renewalCycles } from '../../../db/schema.ts';
import { answerText, clickButton, USERS, useSlackHarness } from '../slack-harness.ts';

const harness = useSlackHarness();
const db = () => harness.current.database.current.db;
let contractId: string;
let cycleId: string;
let applicationId: string;

const value = (address: string) => JSON.stringify({ c: contractId, y: cycleId, a: address });
const click = async (address: string, user: string = USERS.adminJa.id) => {
  const run = await clickButton(
    harness.current.port,
    { action_id: 'dcv.choose_approver', value: value(address) },
    { user },
  );
  expect(run.status).toBe(200);
  return answerText(await run.answer);
};
const stored = async () =>
  (
    await db()
      .select({ a: applications.approverAddress })
      .from(applications)
      .where(eq(applications.id, applicationId))
  )[0]?.a;

beforeAll(async () => {
  const [contract] = await db()
    .select({ id: contracts.id })
    .from(contracts)
    .where(eq(contracts.cn, 'api.example.co.jp'));
  const [cycle] = await db()
    .select({ id: renewalCycles.id })
    .from(renewalCycles)
    .where(eq(renewalCycles.contractId, contract?.id ?? ''));
  if (!contract || !cycle) throw new Error('seed: the import plans a cycle for the GlobalSign contract');
  contractId = contract.id;
  cycleId = cycle.id;
});

describe('dcv.choose_approver (R-DCV-GLOBALSIGN)', () => {
  it('when there is no renewal application yet, then it says so and stores nothing', async () => {
    expect(await click('approver@example.co.jp')).toBe(
      '`api.example.co.jp` にはまだ更新申請がありません。更新を申し込むときに承認者アドレスを選べます。',
    );
  });

  it('when a group admin chooses a live choice, then it is stored on the renewal application with an audit event', async () => {
    const [row] = await db()
      .insert(applications)
      .values({
        contractId,
        cycleId,
        kind: 'renewal',
        dnSt: 'Osaka',
        dnL: 'Osaka-shi',
        dnO: 'Sample K.K.',
        dnCn: 'api.example.co.jp',
        applicant: { name: '鈴木 一郎', email: 'suzuki@example.co.jp' },
        periodMonths: 12,
        csrMethod: 'customer',
        approverAddress: 'admin@example.co.jp',
        requestedBy: USERS.adminJa.id,
        requestedAt: new Date('2026-11-24T01:00:00Z'),
      })
      .returning({ id: applications.id });
    applicationId = row?.id ?? '';
    expect(await click('approver@example.co.jp')).toBe(
      '`api.example.co.jp` の今回の更新申請の承認者アドレスを `approver@example.co.jp` に設定しました。',
    );
    expect(await stored()).toBe('approver@example.co.jp');
    const events = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'dcv.approver_chosen'), eq(auditEvents.cycleId, cycleId)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: USERS.adminJa.id,
      before: { approverAddress: 'admin@example.co.jp' },
      after: { approverAddress: 'approver@example.co.jp' },
    });
  });

  it('a double click changes nothing more', async () => {
    expect(await click('approver@example.co.jp', USERS.adminEn.id)).toBe(
      'The approver address of the current renewal of `api.example.co.jp` is already `approver@example.co.jp`.',
    );
    const events = await db().select().from(auditEvents).where(eq(auditEvents.action, 'dcv.approver_chosen'));
    expect(events).toHaveLength(1);
  });

  it('a service admin is refused and nothing changes', async () => {
    expect(await click('admin@example.co.jp', USERS.serviceAdmin.id)).toBe(
      '承認者アドレスを設定できるのは、サービスグループの運用管理担当者 (グループ管理者) だけです。',
    );
    expect(await stored()).toBe('approver@example.co.jp');
  });

  it('a non-member (or a forged value) is refused without details', async () => {
    expect(await click('admin@example.co.jp', USERS.otherGroupAdmin.id)).toBe(
      'This action is not valid. Please run the command again.',
    );
    const forged = await clickButton(harness.current.port, {
      action_id: 'dcv.choose_approver',
      value: '{"c":"x"}',
    });
    expect(answerText(await forged.answer)).toBe('この操作は無効です。もう一度コマンドを実行してください。');
    expect(await stored()).toBe('approver@example.co.jp');
  });

  it('an address that is not among the live choices is refused', async () => {
    expect(await click('attacker@evil.example')).toBe(
      'この宛先は現在の選択肢にありません。`/cert dcv api.example.co.jp` でもう一度確認してください。',
    );
    expect(await stored()).toBe('approver@example.co.jp');
  });

  it('after the data deadline (R-AUTO-5) the choice is refused with the deadline', async () => {
    await db()
      .update(renewalCycles)
      .set({ dataDeadline: new Date('2026-11-24T15:00:00Z') })
      .where(eq(renewalCycles.id, cycleId));
    expect(await click('admin@example.co.jp')).toBe(
      'データ期限 (2026年11月25日(水) 00:00) を過ぎたため、承認者アドレスは変更できません。',
    );
    expect(await stored()).toBe('approver@example.co.jp');
  });
});
