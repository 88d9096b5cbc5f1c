import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { applications, contracts } from '../../../db/schema.ts';
import { CONTRACT_FACTS_COLUMNS, toContractFacts } from '../../../db/stores/contract-facts.ts';
import { listHandoverDeliveries, listHandoverEvents } from '../../../db/stores/handover-outbox.ts';
import { findCycle } from '../../../db/stores/renewal-cycles.ts';
import { createStore } from '../../../db/stores/store.ts';
import type { Actor } from '../../../domain/index.ts';
import type { HandoverChannel } from '../../../domain/ports/handover.ts';
import { rollBack } from '../../../domain/ports/store.ts';
import { closeExpiredCycle } from '../../../domain/use-cases/close-expired-cycle.ts';
import { seedNoticedCycles } from '../../handlers/decision-harness.ts';
import { CHANNEL, USERS } from '../../handlers/slack-harness.ts';
import { decisions } from '../../support/decisions.ts';
import { importYaml } from '../../support/seed.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const NOW = new Date('2026-11-25T01:00:00Z');
const database = useTestDatabase();
const db = () => database.current.db;
const admin = (userId: string): Actor & { type: 'user' } => ({ type: 'user', userId, role: 'group_admin' });
const BOTH: HandoverChannel[] = ['ops_channel', 'webhook'];
let cycleIds: Record<string, string> = {};
let contractIds: Record<string, string> = {};

const lanesOf = async (eventId: string) =>
  (
    (await db().execute(
      sql`select channel, lane from handover_deliveries where event_id = ${eventId} order by channel`,
    )) as unknown as { channel: string; lane: string }[]
  ).map((r) => [r.channel, r.lane]);

beforeAll(async () => {
  ({ cycleIds, contractIds } = await seedNoticedCycles(db(), NOW));
});

describe('hand-over: enqueued in code, in the transaction of the fact', () => {
  it('the import of previous applications (kind new) hands nothing over', async () => {
    const imported = await db().select({ kind: applications.kind }).from(applications);
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.every((a) => a.kind === 'new')).toBe(true);
    expect(await listHandoverEvents(db())).toEqual([]);
    expect(await listHandoverDeliveries(db())).toEqual([]);
  });

  it('a renewal application is enqueued with its snapshot, CSR included and no private key, one delivery per enabled channel', async () => {
    // The provider makes the key pair (csrMethod provider): the snapshot has its CSR, never the key.
    await decisions(db(), BOTH).requestRenewal(
      { cycleId: cycleIds['www.example.jp'] ?? '', userId: USERS.adminJa.id, now: NOW },
      { csrMethod: 'provider' },
    );
    const events = await listHandoverEvents(db());
    expect(events).toHaveLength(1);
    const event = events[0];
    const [application] = await db()
      .select({ id: applications.id })
      .from(applications)
      .where(eq(applications.kind, 'renewal'));
    expect(event).toMatchObject({
      kind: 'application',
      actor: USERS.adminJa.id,
      occurredAt: NOW,
      contract: {
        id: contractIds['www.example.jp'],
        cn: 'www.example.jp',
        ca: 'digicert',
        productId: 'digicert.secure_server_id',
        slackChannelId: CHANNEL,
      },
      // Written after the decision in its transaction: the cycle as the decision left it.
      cycle: { id: cycleIds['www.example.jp'], state: 'renewal_requested', decidedBy: USERS.adminJa.id },
      application: {
        id: application?.id,
        kind: 'renewal',
        csrPem: expect.stringContaining('-----BEGIN CERTIFICATE REQUEST-----'),
        keyGeneratedByProvider: true,
        dn: { o: 'Sample K.K.', cn: 'www.example.jp', ou: 'Web' },
        applicant: { name: '山田 太郎' },
      },
    });
    expect(event?.certificate?.notAfter).toBeInstanceOf(Date);
    const raw = (await db().execute(sql`select payload::text as p from handover_events`)) as unknown as {
      p: string;
    }[];
    const [sealed] = await db()
      .select({ key: applications.encryptedPrivateKey })
      .from(applications)
      .where(eq(applications.kind, 'renewal'));
    expect(sealed?.key).toBeTruthy();
    expect(raw[0]?.p).not.toContain(sealed?.key ?? '');
    expect(raw[0]?.p).not.toMatch(/encrypted|private_?key/i);
    const deliveries = await listHandoverDeliveries(db());
    expect(deliveries.map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ['ops_channel', 'pending', 0],
      ['webhook', 'pending', 0],
    ]);
    // Each channel in its own lane of the outbox.
    expect(await lanesOf(event?.id ?? '')).toEqual([
      ['ops_channel', 'ops'],
      ['webhook', 'webhook'],
    ]);
  });

  it('a rolled-back transaction enqueues nothing and wakes no worker; its commit enqueues and wakes once', async () => {
    const before = (await listHandoverEvents(db())).length;
    let wakes = 0;
    const store = createStore(db(), { handoverChannels: BOTH, onEnqueued: () => wakes++ });
    const fact = async (tx: Parameters<Parameters<typeof store.transaction>[0]>[0]) => {
      const inserted = await tx.applications.insert({
        contractId: contractIds['shop.example.jp'] ?? '',
        cycleId: cycleIds['shop.example.jp'] ?? null,
        kind: 'reissue',
        dn: { c: 'JP', st: 'Tokyo', l: 'Minato-ku', o: 'Sample K.K.', cn: 'shop.example.jp' },
        applicant: { name: '佐藤 花子', email: 'sato@example.jp' },
        periodMonths: 6,
        csrMethod: 'provider',
        csrPem: null,
        wwwOption: true,
        approverAddress: null,
        sealedPrivateKey: null,
        requestedBy: USERS.adminEn.id,
        requestedAt: NOW,
      });
      await tx.handover.enqueue({
        kind: 'application',
        contractId: contractIds['shop.example.jp'] ?? '',
        cycleId: cycleIds['shop.example.jp'] ?? null,
        applicationId: inserted?.id ?? null,
        actor: USERS.adminEn.id,
        occurredAt: NOW,
      });
      return inserted?.id;
    };
    await expect(
      store.transaction(async (tx) => {
        await fact(tx);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await listHandoverEvents(db())).toHaveLength(before);
    expect((await listHandoverDeliveries(db())).length).toBe(2);
    expect(wakes).toBe(0);

    // A refusal found after writing is a value: `rollBack(value)` undoes the writes and answers it.
    const refused = { ok: false, reason: 'decision.lost_race' } as const;
    expect(
      await store.transaction(async (tx) => {
        await fact(tx);
        return rollBack(refused);
      }),
    ).toBe(refused);
    expect(await listHandoverEvents(db())).toHaveLength(before);
    expect(wakes).toBe(0);

    const applicationId = await store.transaction(fact);
    const events = await listHandoverEvents(db());
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)?.application).toMatchObject({ id: applicationId, kind: 'reissue' });
    expect(wakes).toBe(1);
  });

  it('an opt-out and its undo are enqueued, with who undid it, only on the channels enabled at the time', async () => {
    const cycleId = cycleIds['api.example.co.jp'] ?? '';
    const actor = admin(USERS.adminEn.id);
    // This deployment hands over to the webhook only…
    await decisions(db(), ['webhook']).optOut({ cycleId, userId: actor.userId, now: NOW });
    const later = new Date(NOW.getTime() + 60_000);
    const undoer = admin(USERS.adminJa.id);
    // …then is given an operations channel too: the undo goes to both, the opt-out stays as it was.
    await decisions(db(), BOTH).undoOptOut({ cycleId, userId: undoer.userId, now: later });
    const events = (await listHandoverEvents(db())).filter((e) => e.contract.cn === 'api.example.co.jp');
    expect(events.map((e) => [e.kind, e.actor, e.occurredAt.toISOString()])).toEqual([
      ['opt_out', USERS.adminEn.id, NOW.toISOString()],
      ['opt_out_undone', USERS.adminJa.id, later.toISOString()],
    ]);
    expect(events[0]?.cycle).toMatchObject({ state: 'opted_out', decision: 'opt_out' });
    expect(events[0]?.application).toBeNull();
    expect(events[0]?.certificate?.notAfter).toBeInstanceOf(Date);
    expect(events[1]?.cycle?.state).not.toBe('opted_out');
    const deliveries = (await listHandoverDeliveries(db())).filter((d) => d.cn === 'api.example.co.jp');
    expect(deliveries.map((d) => [d.kind, d.channel])).toEqual([
      ['opt_out', 'webhook'],
      ['opt_out_undone', 'ops_channel'],
      ['opt_out_undone', 'webhook'],
    ]);
  });

  it('a state change that is not an opt-out (opted out → cancelled at term end) enqueues nothing', async () => {
    const cycleId = cycleIds['shop.example.jp'] ?? '';
    const actor = admin(USERS.adminEn.id);
    await decisions(db(), BOTH).optOut({ cycleId, userId: actor.userId, now: NOW });
    const count = (await listHandoverEvents(db())).length;
    const cycle = await findCycle(db(), cycleId);
    if (!cycle) throw new Error('no cycle');
    const [row] = (await db().execute(sql`
      select ${CONTRACT_FACTS_COLUMNS} from contracts c join service_groups g on g.id = c.service_group_id
       where c.id = ${cycle.contractId}
    `)) as unknown as Record<string, unknown>[];
    const facts = toContractFacts(row ?? {});
    const store = createStore(db(), { handoverChannels: BOTH });

    const closed = await closeExpiredCycle(
      { store },
      { cycle, contract: facts, now: new Date(cycle.expiresAt.getTime() + 60_000) },
    );

    expect(closed.state).toBe('cancelled');
    const [after] = await db().select().from(contracts).where(eq(contracts.id, cycle.contractId));
    expect(after?.status).toBe('cancelled');
    expect(await listHandoverEvents(db())).toHaveLength(count);
  });

  it('loading history (kigen import) hands nothing over, not even renewal applications: nothing needs switching off', async () => {
    const count = (await listHandoverEvents(db())).length;
    const deliveries = (await listHandoverDeliveries(db())).length;
    const history = `
serviceGroups:
  - name: 履歴のあるグループ
    locale: ja
    members:
      - { slackUserId: ${USERS.otherGroupAdmin.id}, role: group_admin }
    contracts:
      - cn: history.example.jp
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: ${CHANNEL}
        applications:
          - kind: new
            dn: { c: JP, st: Tokyo, l: Chiyoda-ku, o: "History K.K.", cn: history.example.jp }
            applicant: { name: 田中 一郎, email: tanaka@example.jp }
            periodMonths: 12
            csrMethod: customer
            requestedBy: ${USERS.otherGroupAdmin.id}
            requestedAt: 2024-12-01T10:00:00+09:00
          - kind: renewal
            dn: { c: JP, st: Tokyo, l: Chiyoda-ku, o: "History K.K.", cn: history.example.jp }
            applicant: { name: 田中 一郎, email: tanaka@example.jp }
            periodMonths: 12
            csrMethod: customer
            requestedBy: ${USERS.otherGroupAdmin.id}
            requestedAt: 2025-11-01T10:00:00+09:00
        certificates:
          - generate: { expiresInDays: 60, validityDays: 365 }
`;
    const imported = await importYaml(db(), history, NOW);
    expect(imported.ok).toBe(true);
    const [contract] = await db().select().from(contracts).where(eq(contracts.cn, 'history.example.jp'));
    const stored = await db()
      .select({ kind: applications.kind })
      .from(applications)
      .where(eq(applications.contractId, contract?.id ?? ''));
    expect(stored.map((a) => a.kind).sort()).toEqual(['new', 'renewal']);
    expect(await listHandoverEvents(db())).toHaveLength(count);
    expect(await listHandoverDeliveries(db())).toHaveLength(deliveries);
  });
});
