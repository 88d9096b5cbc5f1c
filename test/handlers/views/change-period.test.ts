import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, renewalCycles } from '../../../db/schema.ts';
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

const { harness, db, slack } = useDecisionHarness();
let cycleId: string;

const metadata = () => JSON.stringify({ c: cycleId, ch: 'C0CHANNEL1', ts: '1764000000.000100' });
const submit = (period: string | null, user: string = USERS.adminJa.id, privateMetadata = metadata()) =>
  submitView(harness.current.port, {
    callbackId: 'renewal.change_period_modal',
    privateMetadata,
    fields: { period: { selected: period } },
    user,
  });
const cycle = () => cycleRow(db(), cycleId);

beforeAll(async () => {
  cycleId = await cycleOf(db(), 'shop.example.jp');
});

describe('renewal.change_period (R-CHANGE-1, R-VALID-1)', () => {
  it('a group admin opens the modal: allowed periods with their validity estimates', async () => {
    const run = await clickNotice(harness.current.port, 'renewal.change_period', cycleId);
    expect(run.status).toBe(200);
    await waitForCalls(slack, 'views.open', 1);
    const open = slack.of('views.open')[0];
    expect(open?.params.trigger_id).toBe('1234.5678.trigger');
    const view = open?.params.view as { callback_id: string; blocks: unknown[]; private_metadata: string };
    expect(view.callback_id).toBe('renewal.change_period_modal');
    const text = textsOf(view.blocks);
    expect(text).toContain('6か月');
    expect(text).toContain('1年');
    // Cybertrust: old expiry + 6 months / + 1 year (R-VALID-1), cut to the CA/B cap where it applies.
    expect(text).toMatch(/有効期限の見込み|業界ルールの上限/);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ c: cycleId });
  });

  it('a service admin or a stranger gets a refusal, and no modal', async () => {
    for (const user of [USERS.serviceAdmin.id, USERS.otherGroupAdmin.id]) {
      const run = await clickNotice(harness.current.port, 'renewal.change_period', cycleId, { user });
      expect(answerText(await run.answer)).toMatch(/グループ管理者|group admins/);
    }
    expect(slack.of('views.open')).toHaveLength(1);
  });

  it('a submission without a period gets a field error; a period never offered gets one too', async () => {
    expect((await submit(null)).ack).toEqual({
      response_action: 'errors',
      errors: { period: '入力してください。' },
    });
    const bogus = await submit('24');
    expect(bogus.ack).toMatchObject({ response_action: 'errors' });
    expect(bogus.ack).toMatchObject({ errors: { period: expect.stringContaining('選べる期間') } });
    expect((await cycle())?.chosenPeriodMonths).toBeNull();
  });

  it('a service admin submitting (a forged submission) is refused in the modal', async () => {
    const result = await submit('12', USERS.serviceAdmin.id);
    expect(result.ack?.response_action).toBe('update');
    expect(textsOf(result.ack?.view)).toContain('グループ管理者');
    expect((await cycle())?.chosenPeriodMonths).toBeNull();
  });

  it('private_metadata that Kigen never wrote is refused and changes nothing', async () => {
    const result = await submit('12', USERS.adminJa.id, '{"c":"x","evil":1}');
    expect(textsOf(result.ack?.view)).toContain('この操作は無効です');
  });

  it('a group admin chooses 1 year: kept for the renewal, the notice shows it, audited', async () => {
    const result = await submit('12');
    expect(result.ack?.response_action).toBe('update');
    expect(textsOf(result.ack?.view)).toContain('1年');
    expect(await cycle()).toMatchObject({ chosenPeriodMonths: 12, decision: null });
    await deliverOutbox(db(), NOW);
    await waitForCalls(slack, 'chat.update', 1);
    expect(textsOf(slack.of('chat.update')[0]?.params.blocks)).toContain('6か月 → 次回 1年');
    await waitForCalls(slack, 'chat.postMessage', 1);
    expect(textsOf(slack.of('chat.postMessage')[0]?.params.blocks)).toContain('次回の期間を 1年');
    const events = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'cycle.changePeriod'), eq(auditEvents.cycleId, cycleId)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: USERS.adminJa.id,
      before: { chosenPeriod: null },
      after: { chosenPeriod: 12 },
    });
  });

  it('a double submit changes nothing more', async () => {
    const again = await submit('12', USERS.adminEn.id);
    expect(textsOf(again.ack?.view)).toContain('already 1 year');
    const events = await db().select().from(auditEvents).where(eq(auditEvents.action, 'cycle.changePeriod'));
    expect(events).toHaveLength(1);
  });

  it('after the decision deadline (R-AUTO-5) the button and the submission name the deadline', async () => {
    await db()
      .update(renewalCycles)
      .set({ decisionDeadline: new Date('2026-11-24T15:00:00Z') })
      .where(eq(renewalCycles.id, cycleId));
    const run = await clickNotice(harness.current.port, 'renewal.change_period', cycleId);
    expect(answerText(await run.answer)).toContain('判断の期限（2026年11月25日(水) 00:00）を過ぎた');
    const late = await submit('6');
    expect(textsOf(late.ack?.view)).toContain('判断の期限（2026年11月25日(水) 00:00）を過ぎた');
    expect((await cycle())?.chosenPeriodMonths).toBe(12);
  });
});
