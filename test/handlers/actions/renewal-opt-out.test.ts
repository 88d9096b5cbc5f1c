import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, renewalCycles } from '../../../db/schema.ts';
import {
  clickNotice,
  cycleOf,
  cycleRow,
  deliverOutbox,
  PARENT_TS,
  textsOf,
  useDecisionHarness,
  waitForCalls,
} from '../decision-harness.ts';
import { answerText, NOW, USERS } from '../slack-harness.ts';

const { harness, db, slack } = useDecisionHarness();
let cycleId: string;

const click = async (actionId: string, user: string = USERS.adminJa.id, value = cycleId) => {
  const run = await clickNotice(harness.current.port, actionId, value, { user });
  expect(run.status).toBe(200);
  return answerText(await run.answer);
};
const cycle = () => cycleRow(db(), cycleId);
const audit = async (action: string) =>
  db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.cycleId, cycleId)));

beforeAll(async () => {
  cycleId = await cycleOf(db(), 'www.example.jp');
});

describe('renewal.opt_out (R-AUTO-1)', () => {
  it('when a service admin clicks, then it is refused naming the group admins, and the refusal is audited', async () => {
    const text = await click('renewal.opt_out', USERS.serviceAdmin.id);
    expect(text).toContain('グループ管理者');
    expect(text).toContain(`<@${USERS.adminJa.id}>`);
    expect(text).toContain(`<@${USERS.adminEn.id}>`);
    expect((await cycle())?.decision).toBeNull();
    const refused = await audit('decision.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      actor: USERS.serviceAdmin.id,
      detail: { reason: 'cycle.not_authorized' },
    });
  });

  it('when a stranger (another group admin) clicks, then it is refused in their language', async () => {
    const text = await click('renewal.opt_out', USERS.otherGroupAdmin.id);
    expect(text).toContain('Only the group admins of this service group can do this');
    expect((await cycle())?.decision).toBeNull();
  });

  it('when two group admins opt out at once, then one decision is taken and the other is told who and when', async () => {
    const [a, b] = await Promise.all([
      clickNotice(harness.current.port, 'renewal.opt_out', cycleId, { user: USERS.adminJa.id }),
      clickNotice(harness.current.port, 'renewal.opt_out', cycleId, { user: USERS.adminEn.id }),
    ]);
    const texts = [answerText(await a.answer), answerText(await b.answer)];
    const row = await cycle();
    expect(row).toMatchObject({ state: 'opted_out', decision: 'opt_out' });
    const winner = row?.decidedBy;
    expect([USERS.adminJa.id, USERS.adminEn.id]).toContain(winner);
    const loserText = winner === USERS.adminJa.id ? texts[1] : texts[0];
    expect(loserText).toContain(`<@${winner}>`);
    expect(loserText).toMatch(/already opted out on|解約を選んでいます/);
    expect(await audit('cycle.optOut')).toHaveLength(1);
    const [event] = await audit('cycle.optOut');
    expect(event).toMatchObject({
      before: { state: 'noticed', decision: null },
      after: { state: 'opted_out', decision: 'opt_out' },
    });
  });

  it('then the outbox edits the notice: the decision, who and when, and an Undo button; a thread reply says what happens', async () => {
    expect(slack.of('chat.update')).toEqual([]);
    await deliverOutbox(db(), NOW);
    await waitForCalls(slack, 'chat.update', 1);
    const update = slack.of('chat.update')[0];
    expect(update?.params).toMatchObject({ channel: 'C0CHANNEL1', ts: PARENT_TS });
    const blocks = update?.params.blocks as { type: string; elements?: { action_id?: string }[] }[];
    const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.action_id)).toEqual(['renewal.undo_opt_out']);
    expect(textsOf(blocks)).toContain('解約を選びました');
    await waitForCalls(slack, 'chat.postMessage', 1);
    const reply = slack.of('chat.postMessage')[0];
    expect(reply?.params.thread_ts).toBe(PARENT_TS);
    expect(textsOf(reply?.params.blocks)).toContain('判断の期限');
  });

  it('a double click or a Slack retry (x-slack-retry-num) changes nothing more', async () => {
    const text = await click('renewal.opt_out', USERS.adminJa.id);
    expect(text).toMatch(/解約を選んでいます。何も変更していません/);
    expect(await audit('cycle.optOut')).toHaveLength(1);
    const retry = await clickNotice(harness.current.port, 'renewal.opt_out', cycleId, { retryNum: 1 });
    expect(retry.status).toBe(200);
    expect(answerText(await retry.answer)).toMatch(/解約を選んでいます。何も変更していません/);
    expect(await audit('cycle.optOut')).toHaveLength(1);
  });

  it('Undo by a service admin is refused; Undo by a group admin restores the buttons', async () => {
    expect(await click('renewal.undo_opt_out', USERS.serviceAdmin.id)).toContain('グループ管理者');
    expect((await cycle())?.decision).toBe('opt_out');
    const before = slack.of('chat.update').length;
    const text = await click('renewal.undo_opt_out', USERS.adminEn.id);
    expect(text).toContain('is undone');
    expect(await cycle()).toMatchObject({ state: 'noticed', decision: null, decidedBy: null });
    await deliverOutbox(db(), NOW);
    await waitForCalls(slack, 'chat.update', before + 1);
    const blocks = slack.of('chat.update')[before]?.params.blocks as {
      type: string;
      elements?: { action_id?: string }[];
    }[];
    const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.action_id)).toEqual([
      'renewal.renew',
      'renewal.change_period',
      'renewal.opt_out',
    ]);
    expect(await audit('cycle.undoOptOut')).toHaveLength(1);
    // Undo again: nothing to undo.
    expect(await click('renewal.undo_opt_out', USERS.adminEn.id)).toContain('nothing to undo');
  });

  it('after the decision deadline (R-AUTO-5), opt-out is refused with the deadline that passed', async () => {
    await db()
      .update(renewalCycles)
      .set({ decisionDeadline: new Date('2026-11-24T15:00:00Z') })
      .where(eq(renewalCycles.id, cycleId));
    const text = await click('renewal.opt_out');
    expect(text).toBe(
      '判断の期限（2026年11月25日(水) 00:00）を過ぎたため、更新・期間の変更・解約はできません。何も変更していません。',
    );
    expect((await cycle())?.decision).toBeNull();
  });

  it('a forged value or a cycle that does not exist is refused, and nothing changes', async () => {
    expect(await click('renewal.opt_out', USERS.adminJa.id, 'not-a-cycle')).toContain('この操作は無効です');
    expect(
      await click('renewal.opt_out', USERS.adminJa.id, '00000000-0000-4000-8000-000000000000'),
    ).toContain('この契約は見つかりません');
  });
});
