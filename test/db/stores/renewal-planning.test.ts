import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, count, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { importData } from '../../../db/import/import-data.ts';
import { readImportFile } from '../../../db/import/read-import-file.ts';
import { auditEvents, certificates, contracts, notices, renewalCycles } from '../../../db/schema.ts';
import { contractsMissingPlan, planRenewals } from '../../../db/stores/renewal-planning.ts';
import { jst, seedContracts } from '../../scheduler/notice-fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const database = useTestDatabase();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kigen-planning-'));
});

const importYaml = async (name: string, yaml: string, now: Date) => {
  const file = path.join(dir, name);
  await writeFile(file, yaml);
  const source = await readImportFile(file);
  if (!source.ok) throw new Error(source.problems[0]?.message);
  const result = await importData(database.current.db, source.value, now);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
  return result.value;
};

const proxyYaml = (group: string, cn: string, expiresInDays: number) => `
serviceGroups:
  - name: ${group}
    members: [{ slackUserId: U0PLAN0001, role: group_admin }]
    contracts:
      - cn: ${cn}
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: C0PLAN0001
        certificates:
          - generate: { expiresInDays: ${expiresInDays}, validityDays: 199 }
`;

const plannedFor = async (cn: string) => {
  const rows = await database.current.db
    .select({ kind: notices.kind, dueAt: notices.dueAt, cycleId: notices.cycleId, status: notices.status })
    .from(notices)
    .innerJoin(contracts, eq(contracts.id, notices.contractId))
    .where(eq(contracts.cn, cn))
    .orderBy(notices.dueAt);
  return Object.fromEntries(rows.map((r) => [r.kind, r.dueAt.toISOString()]));
};

const tableCounts = async () => {
  const db = database.current.db;
  const [c] = await db.select({ n: count() }).from(renewalCycles);
  const [n] = await db.select({ n: count() }).from(notices);
  const [a] = await db.select({ n: count() }).from(auditEvents);
  return { cycles: c?.n, notices: n?.n, audit: a?.n };
};

describe('renewal planning', () => {
  it('R-NOTICE-4: an import plans the cycle and notices in its transaction; expiry at 00:00:00 JST, across a month end', async () => {
    // Imported at 2026-11-01 00:00:00 JST: the certificate expires 2026-12-01 00:00:00 JST.
    const summary = await importYaml(
      'midnight.yaml',
      proxyYaml('Midnight team', 'midnight.example.jp', 30),
      jst('2026-11-01T00:00:00'),
    );
    expect(summary.cycles.created).toBe(1);
    expect(await plannedFor('midnight.example.jp')).toEqual({
      // 35 days before is 2026-10-27 00:00, so the latest 09:00 before it is the day before.
      pre_notice: jst('2026-10-26T09:00:00').toISOString(),
      // 30 days before is 2026-11-01 00:00: moved back across the month end to 31 October 09:00.
      notice: jst('2026-10-31T09:00:00').toISOString(),
      decision_deadline: jst('2026-11-05T00:00:00').toISOString(),
      data_deadline: jst('2026-11-10T00:00:00').toISOString(),
      term_end: jst('2026-12-01T00:00:00').toISOString(),
    });
  });

  it('R-NOTICE-4: expiry at 23:59:59 JST keeps the notice on its own day at 09:00', async () => {
    await importYaml('late.yaml', proxyYaml('Late team', 'late.example.jp', 31), jst('2026-10-31T23:59:59'));
    expect(await plannedFor('late.example.jp')).toMatchObject({
      pre_notice: jst('2026-10-27T09:00:00').toISOString(),
      notice: jst('2026-11-01T09:00:00').toISOString(),
      decision_deadline: jst('2026-11-05T23:59:59').toISOString(),
    });
  });

  it('re-importing the same file plans nothing new', async () => {
    const now = jst('2026-11-01T00:00:00');
    const before = await tableCounts();
    const again = await importYaml(
      'midnight.yaml',
      proxyYaml('Midnight team', 'midnight.example.jp', 30),
      now,
    );
    expect(again.cycles).toEqual({ created: 0, updated: 0, unchanged: 0 });
    expect(again.notices).toEqual({ created: 0, updated: 0, unchanged: 0 });
    expect(await tableCounts()).toEqual(before);
  });

  it('planning twice writes nothing the second time (unique per contract+expiry and certificate+kind)', async () => {
    const { contractIds } = await seedContracts(database.current.db, {
      count: 3,
      category: 'byo',
      notAfter: jst('2027-03-31T12:00:00'),
    });
    const options = { now: jst('2026-11-01T00:00:00'), actor: 'system:test' };
    const first = await planRenewals(database.current.db, contractIds, options);
    expect(first).toMatchObject({ contracts: 3, cyclesCreated: 3, noticesCreated: 6 });
    const before = await tableCounts();
    const second = await planRenewals(database.current.db, contractIds, options);
    expect(second).toMatchObject({ cyclesCreated: 0, noticesCreated: 0 });
    expect(await tableCounts()).toEqual(before);
    expect(await contractsMissingPlan(database.current.db)).not.toEqual(expect.arrayContaining(contractIds));
  });

  it('R-CABF-2: a certificate ending before its contract period gets a re-issue notice without a cycle; its re-issue plans nothing twice', async () => {
    const db = database.current.db;
    const periodEnd = jst('2027-09-30T12:00:00');
    const { contractIds } = await seedContracts(db, {
      count: 1,
      category: 'proxy',
      notAfter: jst('2027-04-15T12:00:00'),
      contractPeriodEnd: periodEnd,
    });
    const contractId = contractIds[0] as string;
    const now = jst('2026-11-01T00:00:00');
    await planRenewals(db, contractIds, { now, actor: 'system:test' });
    const planned = await db.select().from(notices).where(eq(notices.contractId, contractId));
    const reissue = planned.find((n) => n.kind === 'reissue_due');
    expect(reissue?.cycleId).toBeNull();
    expect(reissue?.dueAt.toISOString()).toBe(jst('2027-03-16T09:00:00').toISOString());
    const cycles = await db.select().from(renewalCycles).where(eq(renewalCycles.contractId, contractId));
    expect(cycles.map((c) => c.expiresAt.toISOString())).toEqual([periodEnd.toISOString()]);

    // The re-issued certificate reaches the period end: same cycle, no new notice, the re-issue notice is moot.
    await db.execute(sql`
      insert into certificates (contract_id, pem, serial, subject, issuer, not_before, not_after, sha256, public_key_sha256, registered_by)
      values (${contractId}, 'PEM', '02', 'CN=x', 'CN=Test CA', ${jst('2027-03-20T00:00:00').toISOString()}::timestamptz,
              ${periodEnd.toISOString()}::timestamptz, 'reissued', 'reissued-key', 'test')`);
    const replanned = await planRenewals(db, contractIds, { now, actor: 'system:test' });
    expect(replanned).toMatchObject({ cyclesCreated: 0, noticesCreated: 0, noticesSkipped: 1 });
    const [after] = await db
      .select()
      .from(notices)
      .where(and(eq(notices.contractId, contractId), eq(notices.kind, 'reissue_due')));
    expect(after).toMatchObject({ status: 'skipped', skipReason: 'notice.reissued' });
  });

  it('a newer certificate completes the older cycle and skips its pending notices', async () => {
    const db = database.current.db;
    const { contractIds } = await seedContracts(db, {
      count: 1,
      category: 'proxy',
      notAfter: jst('2026-12-15T12:00:00'),
    });
    const contractId = contractIds[0] as string;
    const now = jst('2026-11-01T00:00:00');
    await planRenewals(db, contractIds, { now, actor: 'system:test' });
    await db.insert(certificates).values({
      contractId,
      pem: 'PEM',
      serial: '03',
      subject: 'CN=x',
      issuer: 'CN=Test CA',
      notBefore: now,
      notAfter: jst('2027-06-15T12:00:00'),
      sha256: 'renewed',
      publicKeySha256: 'renewed-key',
      registeredBy: 'test',
    });
    const summary = await planRenewals(db, contractIds, { now, actor: 'system:renewal' });
    expect(summary).toMatchObject({ cyclesCreated: 1, cyclesSuperseded: 1 });
    const cycles = await db
      .select({ state: renewalCycles.state, expiresAt: renewalCycles.expiresAt, id: renewalCycles.id })
      .from(renewalCycles)
      .where(eq(renewalCycles.contractId, contractId))
      .orderBy(renewalCycles.expiresAt);
    expect(cycles.map((c) => c.state)).toEqual(['completed', 'scheduled']);
    const old = await db
      .select()
      .from(notices)
      .where(eq(notices.cycleId, (cycles[0] as { id: string }).id));
    expect(old.every((n) => n.status === 'skipped' && n.skipReason === 'notice.superseded')).toBe(true);
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.cycleId, (cycles[0] as { id: string }).id),
          eq(auditEvents.action, 'cycle.registerRenewedCertificate'),
        ),
      );
    expect(event?.actor).toBe('system:renewal');
  });
});
