import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { importData } from '../../../db/import/import-data.ts';
import { auditEvents, renewalCycles } from '../../../db/schema.ts';
import {
  decide,
  loadDecisionContext,
  renewalApplicationsOfCycle,
  roleIn,
} from '../../../db/stores/decisions.ts';
import type { Actor } from '../../../domain/index.ts';
import { DECISION_SEED } from '../../handlers/decision-harness.ts';
import { USERS } from '../../handlers/slack-harness.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const NOW = new Date('2026-11-25T01:00:00Z');
const database = useTestDatabase();
const db = () => database.current.db;
const admin = (userId: string): Actor & { type: 'user' } => ({ type: 'user', userId, role: 'group_admin' });
const application = {
  dn: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Sample K.K.', cn: 'www.example.jp' },
  applicant: { name: '山田 太郎', email: 'yamada@example.jp' },
  periodMonths: 12,
  csrMethod: 'customer',
  csrPem: '-----BEGIN CERTIFICATE REQUEST-----',
  wwwOption: false,
  approverAddress: null,
  encryptedPrivateKey: null,
} as const;
let cycleIds: Record<string, string> = {};

beforeAll(async () => {
  const imported = await importData(
    db(),
    { data: parseYaml(DECISION_SEED), baseDir: '.', lineOf: () => undefined },
    NOW,
  );
  if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
  const rows = await db().execute(
    'select r.id, c.cn from renewal_cycles r join contracts c on c.id = r.contract_id' as unknown as never,
  );
  cycleIds = Object.fromEntries((rows as unknown as { id: string; cn: string }[]).map((r) => [r.cn, r.id]));
});

const renew = (cycleId: string, userId: string) =>
  decide(db(), {
    cycleId,
    actor: admin(userId),
    commands: [
      { type: 'requestRenewal', actor: admin(userId), period: 12 },
      { type: 'submitRenewalData', actor: admin(userId), complete: true },
    ],
    now: NOW,
    firstMustChange: true,
    application,
  });

describe('decide: one decision per cycle, however many race for it', () => {
  it('loads the context with roles, previous application and certificate', async () => {
    const context = await loadDecisionContext(db(), cycleIds['www.example.jp'] ?? '');
    expect(context?.previousApplication?.dn.o).toBe('Sample K.K.');
    expect(context?.certificate).not.toBeNull();
    if (!context) throw new Error('no context');
    expect(roleIn(context, USERS.serviceAdmin.id)).toMatchObject({ role: 'service_admin' });
    expect(roleIn(context, 'U0NOBODY')).toMatchObject({ role: null });
    expect(await loadDecisionContext(db(), 'not-a-uuid')).toBeNull();
  });

  it('two admins renewing at once (two replicas): one application, the other gets already_decided', async () => {
    const cycleId = cycleIds['www.example.jp'] ?? '';
    const outcomes = await Promise.all([renew(cycleId, USERS.adminJa.id), renew(cycleId, USERS.adminEn.id)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['already_decided', 'decided']);
    const lost = outcomes.find((o) => o.kind === 'already_decided');
    const won = outcomes.find((o) => o.kind === 'decided');
    if (lost?.kind !== 'already_decided' || won?.kind !== 'decided') throw new Error('unexpected');
    expect(lost.cycle.decidedBy).toBe(won.cycle.decidedBy);
    expect(await renewalApplicationsOfCycle(db(), cycleId)).toHaveLength(1);
    const events = await db().select().from(auditEvents).where(eq(auditEvents.cycleId, cycleId));
    expect(events.filter((e) => e.action === 'cycle.requestRenewal')).toHaveLength(1);
  });

  it('a renewal application already there (23505) is answered as already decided, and the cycle is unchanged', async () => {
    const cycleId = cycleIds['shop.example.jp'] ?? '';
    const [cycleBefore] = await db().select().from(renewalCycles).where(eq(renewalCycles.id, cycleId));
    await db().execute(
      `insert into applications (contract_id, cycle_id, kind, dn_st, dn_l, dn_o, dn_cn, applicant, period_months, csr_method, requested_by, requested_at)
       values ('${cycleBefore?.contractId}', '${cycleId}', 'auto_renewal', 'Tokyo', 'Minato-ku', 'Sample', 'shop.example.jp', '{}'::jsonb, 6, 'provider', 'system:test', now())` as unknown as never,
    );
    const outcome = await renew(cycleId, USERS.adminJa.id);
    expect(outcome.kind).toBe('already_decided');
    const [cycleAfter] = await db().select().from(renewalCycles).where(eq(renewalCycles.id, cycleId));
    expect(cycleAfter).toMatchObject({
      state: cycleBefore?.state,
      decision: null,
      version: cycleBefore?.version,
    });
  });

  it('a refusal of the domain is recorded with before and after, and changes nothing', async () => {
    const cycleId = cycleIds['api.example.co.jp'] ?? '';
    const stranger: Actor & { type: 'user' } = { type: 'user', userId: 'U0NOBODY', role: null };
    const outcome = await decide(db(), {
      cycleId,
      actor: stranger,
      commands: [{ type: 'optOut', actor: stranger }],
      now: NOW,
    });
    expect(outcome).toMatchObject({ kind: 'refused', reason: 'cycle.not_authorized' });
    const [event] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'decision.refused'));
    expect(event).toMatchObject({ actor: 'U0NOBODY', cycleId, detail: { reason: 'cycle.not_authorized' } });
    expect(event?.before).toEqual(event?.after);
  });
});
