import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applicationProgress,
  auditEvents,
  certificates,
  contracts,
  outboxMessages,
  renewalCycles,
} from '../../../db/schema.ts';
import { createStore } from '../../../db/stores/store.ts';
import type { Actor } from '../../../domain/index.ts';
import type { StaffActor } from '../../../domain/ports/operations.ts';
import { markSubmitted } from '../../../domain/use-cases/mark-submitted.ts';
import { openOpsForm } from '../../../domain/use-cases/open-ops-form.ts';
import { registerIssuedCertificate } from '../../../domain/use-cases/register-issued-certificate.ts';
import { rejectApplication } from '../../../domain/use-cases/reject-application.ts';
import { cycleOf, DECISION_SEED } from '../../handlers/decision-harness.ts';
import { CHANNEL, NOW, USERS } from '../../handlers/slack-harness.ts';
import { importSeed } from '../../support/seed.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { type FixtureCsr, makeCertificate, makeCsr } from '../../support/x509-fixtures.ts';

// The staff's use-cases on real PostgreSQL, through the store the composition root builds: what they
// store, and what they enqueue for the outbox in the same transaction (nothing is told to Slack here).

const DAY = 86_400_000;
const database = useTestDatabase();
const db = () => database.current.db;
const store = () => createStore(db(), { handoverChannels: ['ops_channel'] });
const ports = () => ({ store: store() });
const STAFF: StaffActor = { kind: 'slack', userId: 'U0STAFF01', staff: true };
const NOT_STAFF: StaffActor = { kind: 'slack', userId: USERS.adminJa.id, staff: false };
const SEALED = 'v1:sealed-provider-key-for-the-test';
const csrs: Record<string, FixtureCsr> = {};
const applicationOf: Record<string, string> = {};

/** A renewal requested by a group admin and handed over to the operations channel, as a decision stores it. */
async function renewal(cn: string, key: 'customer' | 'provider'): Promise<string> {
  const cycleId = await cycleOf(db(), cn);
  const csr = await makeCsr({ cn });
  csrs[cn] = csr;
  const [contract] = await db().select().from(contracts).where(eq(contracts.cn, cn));
  const actor: Actor = { type: 'user', userId: USERS.adminJa.id, role: 'group_admin' };
  const id = await store().transaction(async (tx) => {
    const moved = await tx.cycles.apply(cycleId, { type: 'requestRenewal', actor }, NOW);
    if (!moved.ok) throw new Error(moved.reason);
    const inserted = await tx.applications.insert({
      contractId: contract?.id ?? '',
      cycleId,
      kind: 'renewal',
      dn: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Sample K.K.', cn },
      applicant: { name: '山田 太郎', email: 'yamada@example.jp' },
      periodMonths: 12,
      csrMethod: key,
      csrPem: csr.pem,
      wwwOption: false,
      approverAddress: null,
      sealedPrivateKey: key === 'provider' ? SEALED : null,
      requestedBy: USERS.adminJa.id,
      requestedAt: NOW,
    });
    if (!inserted) throw new Error('no application');
    await tx.handover.enqueue({
      kind: 'application',
      contractId: contract?.id ?? '',
      cycleId,
      applicationId: inserted.id,
      actor: USERS.adminJa.id,
      occurredAt: NOW,
    });
    return inserted.id;
  });
  applicationOf[cn] = id;
  return id;
}

const messagesAbout = (filter: { applicationId?: string; contractId?: string }) =>
  db()
    .select({ lane: outboxMessages.lane, kind: outboxMessages.kind, payload: outboxMessages.payload })
    .from(outboxMessages)
    .where(
      filter.applicationId
        ? eq(outboxMessages.applicationId, filter.applicationId)
        : eq(outboxMessages.contractId, filter.contractId ?? ''),
    )
    .orderBy(asc(outboxMessages.createdAt), asc(outboxMessages.kind));

const allMessages = async () => (await db().select({ id: outboxMessages.id }).from(outboxMessages)).length;

const progressOf = async (applicationId: string) =>
  (
    await db().select().from(applicationProgress).where(eq(applicationProgress.applicationId, applicationId))
  )[0];

async function contractIdOf(cn: string): Promise<string> {
  const [row] = await db().select({ id: contracts.id }).from(contracts).where(eq(contracts.cn, cn));
  return row?.id ?? '';
}

beforeAll(async () => {
  await importSeed(db(), DECISION_SEED, NOW);
  await renewal('www.example.jp', 'provider');
  await renewal('shop.example.jp', 'customer');
  await renewal('api.example.co.jp', 'customer');
});

describe('staff only', () => {
  it('someone who is not provider staff is refused by every staff action, audited, and nothing changes or is enqueued', async () => {
    const applicationId = applicationOf['www.example.jp'] ?? '';
    const before = await allMessages();
    const issued = await makeCertificate({ cn: 'www.example.jp', keys: csrs['www.example.jp']?.keys });
    const results = [
      await markSubmitted(ports(), { actor: NOT_STAFF, applicationId, now: NOW }),
      await rejectApplication(ports(), { actor: NOT_STAFF, applicationId, reason: 'x', now: NOW }),
      await registerIssuedCertificate(ports(), {
        actor: NOT_STAFF,
        target: { applicationId },
        pem: issued.pem,
        now: NOW,
      }),
      await openOpsForm(ports(), { actor: NOT_STAFF, intent: 'issued', applicationId, now: NOW }),
    ];
    expect(results.map((r) => r.ok || r.reason)).toEqual([
      'ops.not_staff',
      'ops.not_staff',
      'ops.not_staff',
      'ops.not_staff',
    ]);
    expect(await progressOf(applicationId)).toBeUndefined();
    expect(await allMessages()).toBe(before);
    const refusals = await db()
      .select({ actor: auditEvents.actor, detail: auditEvents.detail })
      .from(auditEvents)
      .where(eq(auditEvents.action, 'ops.refused'));
    expect(refusals.map((r) => (r.detail as { intent: string }).intent)).toEqual([
      'submitted',
      'rejected',
      'issued',
      'issued',
    ]);
    expect(refusals.every((r) => r.actor === USERS.adminJa.id)).toBe(true);
  });
});

describe('mark submitted', () => {
  it('records who submitted and enqueues one re-render of the operations message; a second click changes nothing', async () => {
    const applicationId = applicationOf['www.example.jp'] ?? '';
    const first = await markSubmitted(ports(), { actor: STAFF, applicationId, now: NOW });
    expect(first).toMatchObject({ ok: true, changed: true, progress: { status: 'submitted' } });
    expect(await progressOf(applicationId)).toMatchObject({
      status: 'submitted',
      submittedBy: 'ops:U0STAFF01',
    });
    const again = await markSubmitted(ports(), {
      actor: STAFF,
      applicationId,
      now: new Date(NOW.getTime() + 60_000),
    });
    expect(again).toMatchObject({ ok: true, changed: false });
    expect(await messagesAbout({ applicationId })).toEqual([
      { lane: 'ops', kind: 'ops_refresh', payload: { kind: 'ops_refresh', applicationId } },
    ]);
  });

  it('an unknown application is refused', async () => {
    const unknown = await markSubmitted(ports(), {
      actor: STAFF,
      applicationId: '00000000-0000-4000-8000-000000000000',
      now: NOW,
    });
    expect(unknown).toMatchObject({ ok: false, reason: 'ops.application_not_found' });
    expect(
      await markSubmitted(ports(), { actor: STAFF, applicationId: 'not-a-uuid', now: NOW }),
    ).toMatchObject({
      ok: false,
      reason: 'ops.application_not_found',
    });
  });
});

describe('register the issued certificate', () => {
  it('R-CSR-3: stores it with the application’s sealed key, completes the cycle, plans the next, and enqueues the ops re-render and the customer’s notice with its reply', async () => {
    const cn = 'www.example.jp';
    const applicationId = applicationOf[cn] ?? '';
    const contractId = await contractIdOf(cn);
    const issued = await makeCertificate({
      cn,
      keys: csrs[cn]?.keys,
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 396 * DAY),
    });
    const before = (await messagesAbout({ contractId })).length;
    const result = await registerIssuedCertificate(ports(), {
      actor: STAFF,
      target: { applicationId },
      pem: issued.pem,
      now: NOW,
    });
    expect(result).toMatchObject({ ok: true, changed: true, cn, applicationId });
    const [stored] = await db()
      .select()
      .from(certificates)
      .where(eq(certificates.sha256, issued.fingerprintSha256Hex));
    expect(stored).toMatchObject({
      applicationId,
      encryptedPrivateKey: SEALED,
      registeredBy: 'ops:U0STAFF01',
    });
    expect(await progressOf(applicationId)).toMatchObject({
      status: 'issued',
      submittedBy: 'ops:U0STAFF01',
      issuedBy: 'ops:U0STAFF01',
      certificateId: stored?.id,
    });
    const cycles = await db()
      .select({ id: renewalCycles.id, state: renewalCycles.state })
      .from(renewalCycles)
      .where(eq(renewalCycles.contractId, contractId))
      .orderBy(asc(renewalCycles.expiresAt));
    expect(cycles.map((c) => c.state)).toEqual(['completed', 'scheduled']);
    const enqueued = (await messagesAbout({ contractId })).slice(before);
    expect(enqueued).toEqual([
      {
        lane: `slack:${CHANNEL}`,
        kind: 'notice_refresh',
        payload: {
          kind: 'notice_refresh',
          cycleId: cycles[0]?.id,
          reply: { kind: 'certificate_issued', notAfter: issued.cert.notAfter.toISOString() },
        },
      },
    ]);
    expect((await messagesAbout({ applicationId })).map((m) => m.kind)).toEqual([
      'ops_refresh',
      'ops_refresh',
    ]);

    // The same certificate again (the CLI, a double submit): nothing changes, nobody is told twice.
    const messages = await allMessages();
    const again = await registerIssuedCertificate(ports(), {
      actor: { kind: 'cli' },
      target: { cn: 'WWW.example.jp.' },
      pem: issued.pem,
      now: NOW,
    });
    expect(again).toMatchObject({ ok: true, changed: false, applicationId: null, cycleId: null });
    const same = await registerIssuedCertificate(ports(), {
      actor: STAFF,
      target: { applicationId },
      pem: issued.pem,
      now: NOW,
    });
    expect(same).toMatchObject({ ok: true, changed: false, certificate: { id: stored?.id } });
    expect(await allMessages()).toBe(messages);
    // Issued is final: the buttons' look-up refuses it.
    expect(
      await openOpsForm(ports(), { actor: STAFF, intent: 'rejected', applicationId, now: NOW }),
    ).toMatchObject({ ok: false, reason: 'ops.already_closed', params: { status: 'issued' } });
  });

  it('a refusal leaves nothing behind: a cycle the state machine closed keeps the certificate out, and the application open', async () => {
    const cn = 'api.example.co.jp';
    const applicationId = applicationOf[cn] ?? '';
    const contractId = await contractIdOf(cn);
    await db()
      .update(renewalCycles)
      .set({ state: 'cancelled' })
      .where(and(eq(renewalCycles.contractId, contractId), eq(renewalCycles.state, 'renewal_requested')));
    const messages = await allMessages();
    const issued = await makeCertificate({
      cn,
      keys: csrs[cn]?.keys,
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 300 * DAY),
    });
    const result = await registerIssuedCertificate(ports(), {
      actor: { kind: 'cli' },
      target: { cn },
      pem: issued.pem,
      now: NOW,
    });
    expect(result).toMatchObject({ ok: false, reason: 'cycle.closed' });
    expect(
      await db().select().from(certificates).where(eq(certificates.sha256, issued.fingerprintSha256Hex)),
    ).toEqual([]);
    expect(await progressOf(applicationId)).toBeUndefined();
    expect(await allMessages()).toBe(messages);
  });

  it('R-CHANGE-3: a BYO contract’s renewed certificate, by CN, completes its open cycle and re-renders its notice; no operations message', async () => {
    const cn = 'byo.example.jp';
    const contractId = await contractIdOf(cn);
    const renewed = await makeCertificate({
      cn,
      sans: [cn],
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 300 * DAY),
    });
    const otherCn = await makeCertificate({
      cn: 'evil.example.jp',
      notAfter: new Date(NOW.getTime() + 300 * DAY),
    });
    expect(
      await registerIssuedCertificate(ports(), {
        actor: { kind: 'cli' },
        target: { cn },
        pem: otherCn.pem,
        now: NOW,
      }),
    ).toMatchObject({ ok: false, reason: 'ops.cn_mismatch', params: { certificateCn: 'evil.example.jp' } });
    const result = await registerIssuedCertificate(ports(), {
      actor: { kind: 'cli' },
      target: { cn },
      pem: renewed.pem,
      now: NOW,
    });
    expect(result).toMatchObject({ ok: true, changed: true, applicationId: null });
    const enqueued = await messagesAbout({ contractId });
    expect(enqueued.map((m) => [m.kind, (m.payload as { reply?: { kind: string } }).reply?.kind])).toEqual([
      ['notice_refresh', 'certificate_issued'],
    ]);
    const cycleId = result.ok ? result.cycleId : null;
    expect(cycleId).not.toBeNull();
    expect(enqueued[0]?.payload).toMatchObject({ cycleId });
  });

  it('the same certificate registered twice at once (the CLI and the modal): one row, one change, the other told it is there', async () => {
    const cn = 'byo.example.jp';
    const contractId = await contractIdOf(cn);
    const next = await makeCertificate({
      cn,
      sans: [cn],
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 600 * DAY),
    });
    const before = (await messagesAbout({ contractId })).length;
    const register = (actor: StaffActor) =>
      registerIssuedCertificate(ports(), { actor, target: { cn }, pem: next.pem, now: NOW });
    const results = await Promise.all([register({ kind: 'cli' }), register(STAFF)]);
    expect(results.map((r) => r.ok && r.changed).sort()).toEqual([false, true]);
    const rows = await db()
      .select({ id: certificates.id })
      .from(certificates)
      .where(eq(certificates.sha256, next.fingerprintSha256Hex));
    expect(rows).toHaveLength(1);
    for (const r of results) expect(r).toMatchObject({ ok: true, certificate: { id: rows[0]?.id } });
    expect((await messagesAbout({ contractId })).length - before).toBe(1);

    // Registered by the other after this one looked (its reads are made to miss the other's row: not
    // there, not current): the insert finds it, the cycle's move is rolled back, and the answer is the
    // same "it is there".
    const real = store();
    let looks = 0;
    const blind: typeof real = {
      ...real,
      transaction: (work) =>
        real.transaction((tx) =>
          work({
            ...tx,
            operations: {
              ...tx.operations,
              // The first look misses the row; the look after the insert's conflict sees it.
              registeredCertificate: async (contractId, sha256) =>
                looks++ === 0 ? null : tx.operations.registeredCertificate(contractId, sha256),
              issueContext: async (target) => {
                const context = await tx.operations.issueContext(target);
                return context && { ...context, current: null };
              },
            },
          }),
        ),
    };
    const messages = await allMessages();
    const late = await registerIssuedCertificate(
      { store: blind },
      {
        actor: STAFF,
        target: { cn },
        pem: next.pem,
        now: NOW,
      },
    );
    expect(late).toMatchObject({ ok: true, changed: false, certificate: { id: rows[0]?.id } });
    expect(await allMessages()).toBe(messages);
  });
});

describe('reject', () => {
  it('records the reason, enqueues the ops re-render and the reason for the customer’s thread; then the application takes no certificate', async () => {
    const cn = 'shop.example.jp';
    const applicationId = applicationOf[cn] ?? '';
    const contractId = await contractIdOf(cn);
    const [cycle] = await db()
      .select({ id: renewalCycles.id })
      .from(renewalCycles)
      .where(eq(renewalCycles.contractId, contractId));
    const result = await rejectApplication(ports(), {
      actor: STAFF,
      applicationId,
      reason: 'DCVメールの承認期限切れ',
      now: NOW,
    });
    expect(result).toMatchObject({ ok: true, changed: true, contract: { cn } });
    expect(await progressOf(applicationId)).toMatchObject({
      status: 'rejected',
      rejectedBy: 'ops:U0STAFF01',
      rejectionReason: 'DCVメールの承認期限切れ',
    });
    expect(await messagesAbout({ contractId })).toEqual([
      {
        lane: `slack:${CHANNEL}`,
        kind: 'customer_reply',
        payload: {
          kind: 'customer_reply',
          contractId,
          cycleId: cycle?.id,
          reply: { kind: 'application_rejected', reason: 'DCVメールの承認期限切れ' },
        },
      },
    ]);
    expect((await messagesAbout({ applicationId })).map((m) => m.kind)).toEqual(['ops_refresh']);

    // Rejected again: nothing changes, nobody is told twice.
    const messages = await allMessages();
    expect(
      await rejectApplication(ports(), { actor: STAFF, applicationId, reason: 'again', now: NOW }),
    ).toMatchObject({ ok: true, changed: false });
    expect(await markSubmitted(ports(), { actor: STAFF, applicationId, now: NOW })).toMatchObject({
      ok: false,
      reason: 'ops.already_closed',
    });
    const issued = await makeCertificate({
      cn,
      keys: csrs[cn]?.keys,
      notBefore: new Date(NOW.getTime() - DAY),
    });
    expect(
      await registerIssuedCertificate(ports(), {
        actor: STAFF,
        target: { applicationId },
        pem: issued.pem,
        now: NOW,
      }),
    ).toMatchObject({ ok: false, reason: 'ops.application_rejected' });
    expect(await allMessages()).toBe(messages);
  });
});
