import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKeyMaker } from '../../../bot/keys/provider-keys.ts';
import { auditEvents, renewalCycles } from '../../../db/schema.ts';
import { renewalApplicationsOfCycle } from '../../../db/stores/decisions.ts';
import { createStore } from '../../../db/stores/store.ts';
import { actorIn } from '../../../domain/use-cases/decision-steps.ts';
import { optOut } from '../../../domain/use-cases/opt-out.ts';
import { type RenewalForm, requestRenewal } from '../../../domain/use-cases/request-renewal.ts';
import { DECISION_SEED } from '../../handlers/decision-harness.ts';
import { USERS } from '../../handlers/slack-harness.ts';
import { importSeed } from '../../support/seed.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { makeCsr } from '../../support/x509-fixtures.ts';

const NOW = new Date('2026-11-25T01:00:00Z');
const database = useTestDatabase();
const db = () => database.current.db;
const ports = () => ({
  store: createStore(db(), { handoverChannels: ['webhook'] }),
  keys: createKeyMaker(undefined),
});
let cycleIds: Record<string, string> = {};

const form = (csr: string): RenewalForm => ({
  period: 12,
  dn: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Sample K.K.' },
  applicant: { name: '山田 太郎', email: 'yamada@example.jp' },
  csrMethod: 'customer',
  csr,
  reuseConfirmed: false,
  www: false,
  approver: null,
  offeredApprovers: null,
});

beforeAll(async () => {
  await importSeed(db(), DECISION_SEED, NOW);
  const rows = await db().execute(
    sql`select r.id, c.cn from renewal_cycles r join contracts c on c.id = r.contract_id`,
  );
  cycleIds = Object.fromEntries((rows as unknown as { id: string; cn: string }[]).map((r) => [r.cn, r.id]));
});

describe('the customer’s decisions on PostgreSQL: one decision per cycle, however many race for it', () => {
  it('the decision context has the roles, the previous application and the certificate', async () => {
    const context = await ports().store.decisions.context(cycleIds['www.example.jp'] ?? '');
    expect(context?.previousApplication?.dn.o).toBe('Sample K.K.');
    expect(context?.certificate).not.toBeNull();
    if (!context) throw new Error('no context');
    expect(actorIn(context, USERS.serviceAdmin.id)).toMatchObject({ role: 'service_admin' });
    expect(actorIn(context, 'U0NOBODY')).toMatchObject({ role: null });
    expect(await ports().store.decisions.context('not-a-uuid')).toBeNull();
  });

  it('two admins renewing at once (two replicas): one application, the other is told who decided', async () => {
    const cycleId = cycleIds['www.example.jp'] ?? '';
    const csr = (await makeCsr({ cn: 'www.example.jp' })).pem;
    const outcomes = await Promise.all(
      [USERS.adminJa.id, USERS.adminEn.id].map((userId) =>
        requestRenewal(ports(), { cycleId, userId, now: NOW, form: form(csr) }),
      ),
    );
    const won = outcomes.find((o) => o.ok);
    const lost = outcomes.find((o) => !o.ok);
    if (!won?.ok || lost?.ok !== false || lost.reason !== 'cycle.already_decided')
      throw new Error('one must win');
    expect(lost.cycle.decidedBy).toBe(won.cycle.decidedBy);
    expect(await renewalApplicationsOfCycle(db(), cycleId)).toHaveLength(1);
    const events = await db().select().from(auditEvents).where(eq(auditEvents.cycleId, cycleId));
    expect(events.filter((e) => e.action === 'cycle.requestRenewal')).toHaveLength(1);
    // Its hand-over and its notice refresh were enqueued with it, once.
    const [counts] = (await db().execute(sql`
      select (select count(*)::int from handover_events where cycle_id = ${cycleId}) as handover,
             (select count(*)::int from outbox_messages where cycle_id = ${cycleId} and kind = 'notice_refresh') as messages
    `)) as unknown as { handover: number; messages: number }[];
    expect(counts).toEqual({ handover: 1, messages: 1 });
  });

  it('a renewal application already there (an auto-renewal) is answered as already decided; nothing of the request stays', async () => {
    const cycleId = cycleIds['shop.example.jp'] ?? '';
    const [before] = await db().select().from(renewalCycles).where(eq(renewalCycles.id, cycleId));
    await db().execute(sql`
      insert into applications (contract_id, cycle_id, kind, dn_st, dn_l, dn_o, dn_cn, applicant, period_months,
                                csr_method, requested_by, requested_at)
      values (${before?.contractId}, ${cycleId}, 'auto_renewal', 'Tokyo', 'Minato-ku', 'Sample', 'shop.example.jp',
              '{}'::jsonb, 6, 'provider', 'system:test', now())`);
    const csr = (await makeCsr({ cn: 'shop.example.jp' })).pem;
    const outcome = await requestRenewal(ports(), {
      cycleId,
      userId: USERS.adminJa.id,
      now: NOW,
      form: { ...form(csr), period: 6 },
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'cycle.already_decided' });
    const [after] = await db().select().from(renewalCycles).where(eq(renewalCycles.id, cycleId));
    expect(after).toMatchObject({ state: before?.state, decision: null, version: before?.version });
    const [counts] = (await db().execute(sql`
      select (select count(*)::int from handover_events where cycle_id = ${cycleId}) as handover,
             (select count(*)::int from outbox_messages where cycle_id = ${cycleId}) as messages
    `)) as unknown as { handover: number; messages: number }[];
    expect(counts).toEqual({ handover: 0, messages: 0 });
  });

  it('a refusal of the domain is recorded with before and after, and changes nothing', async () => {
    const cycleId = cycleIds['api.example.co.jp'] ?? '';
    const outcome = await optOut(ports(), { cycleId, userId: 'U0NOBODY', now: NOW });
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'cycle.not_authorized',
      groupAdmins: [USERS.adminJa.id, USERS.adminEn.id].sort(),
    });
    const [event] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'decision.refused'));
    expect(event).toMatchObject({ actor: 'U0NOBODY', cycleId, detail: { reason: 'cycle.not_authorized' } });
    expect(event?.before).toEqual(event?.after);
  });
});
