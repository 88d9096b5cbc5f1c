import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { applications } from '../../../db/schema.ts';
import { decide } from '../../../db/stores/decisions.ts';
import {
  listHandoverDeliveries,
  listHandoverEvents,
  setHandoverChannels,
} from '../../../db/stores/handover-outbox.ts';
import type { Actor } from '../../../domain/index.ts';
import { seedNoticedCycles } from '../../handlers/decision-harness.ts';
import { USERS } from '../../handlers/slack-harness.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const NOW = new Date('2026-11-25T01:00:00Z');
const database = useTestDatabase();
const db = () => database.current.db;
const admin = (userId: string): Actor & { type: 'user' } => ({ type: 'user', userId, role: 'group_admin' });
let cycleIds: Record<string, string> = {};
let contractIds: Record<string, string> = {};

const renewalApplication = {
  dn: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Sample K.K.', cn: 'www.example.jp' },
  applicant: { name: '山田 太郎', email: 'yamada@example.jp' },
  periodMonths: 12,
  csrMethod: 'customer',
  csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n',
  wwwOption: false,
  approverAddress: null,
  encryptedPrivateKey: 'v1:secret-ciphertext-that-must-never-leave',
} as const;

beforeAll(async () => {
  ({ cycleIds, contractIds } = await seedNoticedCycles(db(), NOW));
});

describe('hand-over triggers: enqueued in the transaction of the fact', () => {
  it('the import of previous applications (kind new) hands nothing over', async () => {
    expect(await listHandoverEvents(db())).toEqual([]);
  });

  it('a renewal application is enqueued with its snapshot, CSR included and no private key, one delivery per enabled channel', async () => {
    await setHandoverChannels(db(), { ops_channel: true, webhook: true });
    const outcome = await decide(db(), {
      cycleId: cycleIds['www.example.jp'] ?? '',
      actor: admin(USERS.adminJa.id),
      commands: [{ type: 'requestRenewal', actor: admin(USERS.adminJa.id), period: 12 }],
      now: NOW,
      firstMustChange: true,
      application: renewalApplication,
    });
    expect(outcome.kind).toBe('decided');
    const events = await listHandoverEvents(db());
    expect(events).toHaveLength(1);
    const event = events[0];
    expect(event).toMatchObject({
      kind: 'application',
      actor: USERS.adminJa.id,
      occurredAt: NOW,
      contract: { cn: 'www.example.jp', ca: 'digicert', productId: 'digicert.secure_server_id' },
      // Deferred to commit: the cycle as the transaction left it.
      cycle: { id: cycleIds['www.example.jp'], state: 'renewal_requested', decidedBy: USERS.adminJa.id },
      application: {
        kind: 'renewal',
        csrPem: renewalApplication.csrPem,
        keyGeneratedByProvider: true,
        dn: { o: 'Sample K.K.', cn: 'www.example.jp', ou: null },
        applicant: { name: '山田 太郎' },
      },
    });
    const raw = (await db().execute(sql`select payload::text as p from handover_events`)) as unknown as {
      p: string;
    }[];
    expect(raw[0]?.p).not.toContain('secret-ciphertext');
    const deliveries = await listHandoverDeliveries(db());
    expect(deliveries.map((d) => [d.channel, d.status])).toEqual([
      ['ops_channel', 'pending'],
      ['webhook', 'pending'],
    ]);
  });

  it('a rolled-back application enqueues nothing', async () => {
    const before = (await listHandoverEvents(db())).length;
    await expect(
      db().transaction(async (tx) => {
        await tx.insert(applications).values({
          contractId: contractIds['shop.example.jp'] ?? '',
          cycleId: cycleIds['shop.example.jp'] ?? null,
          kind: 'reissue',
          dnSt: 'Tokyo',
          dnL: 'Minato-ku',
          dnO: 'Sample K.K.',
          dnCn: 'shop.example.jp',
          applicant: { name: '佐藤 花子', email: 'sato@example.jp' },
          periodMonths: 6,
          csrMethod: 'provider',
          requestedBy: USERS.adminEn.id,
          requestedAt: NOW,
        });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await listHandoverEvents(db())).toHaveLength(before);
  });

  it('an opt-out and its undo are enqueued, with who undid it, only on the channels enabled at the time', async () => {
    await setHandoverChannels(db(), { ops_channel: false, webhook: true });
    const cycleId = cycleIds['api.example.co.jp'] ?? '';
    const actor = admin(USERS.adminEn.id);
    await decide(db(), {
      cycleId,
      actor,
      commands: [{ type: 'optOut', actor }],
      now: NOW,
      firstMustChange: true,
    });
    const later = new Date(NOW.getTime() + 60_000);
    const undoer = admin(USERS.adminJa.id);
    await decide(db(), {
      cycleId,
      actor: undoer,
      commands: [{ type: 'undoOptOut', actor: undoer }],
      now: later,
      firstMustChange: true,
    });
    const events = (await listHandoverEvents(db())).filter((e) => e.contract.cn === 'api.example.co.jp');
    expect(events.map((e) => [e.kind, e.actor, e.occurredAt.toISOString()])).toEqual([
      ['opt_out', USERS.adminEn.id, NOW.toISOString()],
      ['opt_out_undone', USERS.adminJa.id, later.toISOString()],
    ]);
    expect(events[0]?.cycle).toMatchObject({ state: 'opted_out', decision: 'opt_out' });
    expect(events[0]?.certificate?.notAfter).toBeInstanceOf(Date);
    const deliveries = (await listHandoverDeliveries(db())).filter((d) => d.cn === 'api.example.co.jp');
    expect(deliveries.map((d) => d.channel)).toEqual(['webhook', 'webhook']);
  });

  it('a state change that is not an opt-out (opted out → cancelled at term end) enqueues nothing', async () => {
    const cycleId = cycleIds['shop.example.jp'] ?? '';
    const actor = admin(USERS.adminEn.id);
    await decide(db(), {
      cycleId,
      actor,
      commands: [{ type: 'optOut', actor }],
      now: NOW,
      firstMustChange: true,
    });
    const count = (await listHandoverEvents(db())).length;
    await db().execute(sql`update renewal_cycles set state = 'cancelled' where id = ${cycleId}`);
    expect(await listHandoverEvents(db())).toHaveLength(count);
  });

  it("set local kigen.handover = 'off' skips the hand-over (loading history)", async () => {
    const count = (await listHandoverEvents(db())).length;
    await db().transaction(async (tx) => {
      await tx.execute(sql`set local kigen.handover = 'off'`);
      await tx.insert(applications).values({
        contractId: contractIds['shop.example.jp'] ?? '',
        kind: 'renewal',
        dnSt: 'Tokyo',
        dnL: 'Minato-ku',
        dnO: 'Sample K.K.',
        dnCn: 'shop.example.jp',
        applicant: { name: '佐藤 花子', email: 'sato@example.jp' },
        periodMonths: 6,
        csrMethod: 'provider',
        requestedBy: USERS.adminEn.id,
        requestedAt: new Date('2025-06-01T00:00:00Z'),
      });
    });
    expect(await listHandoverEvents(db())).toHaveLength(count);
  });
});
