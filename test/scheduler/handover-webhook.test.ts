import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyWebhookSignature, webhookSignature } from '../../bot/webhook/webhook-payload.ts';
import { createWebhookSender } from '../../bot/webhook/webhook-sender.ts';
import { connect, type Database } from '../../db/server/connection.ts';
import { listHandoverDeliveries } from '../../db/stores/handover-outbox.ts';
import { createLaneLeases } from '../../db/stores/outbox-lanes.ts';
import { createOutboxQueue } from '../../db/stores/outbox-queues.ts';
import { createStore } from '../../db/stores/store.ts';
import type { Actor } from '../../domain/index.ts';
import { WEBHOOK_LANE } from '../../domain/ports/outbox.ts';
import { handOverEvent } from '../../domain/use-cases/hand-over-event.ts';
import { createOutboxWorker, type OutboxWorkerOptions } from '../../scheduler/outbox-worker.ts';
import { handOverReissue, seedNoticedCycles } from '../handlers/decision-harness.ts';
import { USERS } from '../handlers/slack-harness.ts';
import { decisions } from '../support/decisions.ts';
import { useTestDatabase } from '../support/test-database.ts';

const SECRET = 'whsec-test-0123456789abcdef';
const NOW = new Date('2026-11-25T01:00:00Z');
const database = useTestDatabase();
const db = () => database.current.db;

type Behaviour = 'fail500' | 'hang' | 'close' | 'ok';
type Received = { eventId: string; body: Record<string, unknown>; answered: Behaviour; signatureOk: boolean };

/** A receiver on loopback that follows a script, then acknowledges everything; it checks every signature. */
function startReceiver(script: Behaviour[]) {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const signatureOk = verifyWebhookSignature({
        secret: SECRET,
        timestamp: req.headers['x-kigen-timestamp'] as string | undefined,
        signature: req.headers['x-kigen-signature'] as string | undefined,
        body: raw,
        nowSeconds: Math.floor(NOW.getTime() / 1000),
      });
      const behaviour: Behaviour = signatureOk ? (script.shift() ?? 'ok') : 'fail500';
      received.push({
        eventId: req.headers['x-kigen-event-id'] as string,
        body: JSON.parse(raw) as Record<string, unknown>,
        answered: behaviour,
        signatureOk,
      });
      if (behaviour === 'fail500') res.writeHead(500).end('down');
      else if (behaviour === 'hang') hanging.push(res);
      else if (behaviour === 'close') req.socket.destroy();
      else res.writeHead(204).end();
    });
  });
  return {
    received,
    server,
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
      ),
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const admin = (userId: string): Actor & { type: 'user' } => ({ type: 'user', userId, role: 'group_admin' });
const HOUR = 60 * 60_000;
let cycleIds: Record<string, string> = {};
let contractIds: Record<string, string> = {};

beforeAll(async () => {
  ({ cycleIds, contractIds } = await seedNoticedCycles(db(), NOW));
});

/** A deployment that hands over to the webhook only (KIGEN_WEBHOOK_URL, no KIGEN_OPS_CHANNEL). */
const storeOn = (ex: Database) => createStore(ex, { handoverChannels: ['webhook'] });

/** A re-issue application, handed over by the store's hand-over port. */
async function reissue(cn: string) {
  await handOverReissue(db(), storeOn(db()), {
    contractId: contractIds[cn] ?? '',
    cycleId: cycleIds[cn] ?? null,
    cn,
    now: NOW,
  });
}

/** A replica's outbox worker with the hand-over queue, sending to the webhook at `url`. */
function worker(
  url: string,
  options: { timeoutMs?: number; ex?: Database } & Partial<OutboxWorkerOptions> = {},
) {
  const { timeoutMs, ex = db(), ...engine } = options;
  const sender = createWebhookSender({
    url,
    secret: SECRET,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    clock: () => NOW,
  });
  const store = storeOn(ex);
  return createOutboxWorker({
    queues: [
      {
        queue: createOutboxQueue(ex, 'handover'),
        handle: (claim, at) => handOverEvent({ store, ops: null, webhook: sender }, claim, at),
      },
    ],
    leases: createLaneLeases(ex),
    logger: pino({ level: 'silent' }),
    random: () => 0.5,
    ...engine,
  });
}

describe('webhook signature', () => {
  it('is v1=<hex HMAC-SHA256 of "<timestamp>.<body>">, and a receiver refuses a changed body or an old timestamp', () => {
    const signature = webhookSignature(SECRET, 1_764_000_000, '{"a":1}');
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    const base = { secret: SECRET, timestamp: '1764000000', signature, nowSeconds: 1_764_000_010 };
    expect(verifyWebhookSignature({ ...base, body: '{"a":1}' })).toBe(true);
    expect(verifyWebhookSignature({ ...base, body: '{"a":2}' })).toBe(false);
    expect(verifyWebhookSignature({ ...base, body: '{"a":1}', secret: 'other-secret' })).toBe(false);
    expect(verifyWebhookSignature({ ...base, body: '{"a":1}', nowSeconds: 1_764_000_000 + 3_600 })).toBe(
      false,
    );
  });
});

describe('webhook delivery from the outbox', () => {
  const receiver = startReceiver(['fail500', 'hang', 'close']);
  let port = 0;
  const url = () => `http://127.0.0.1:${port}/kigen`;
  beforeAll(async () => {
    port = await receiver.listen();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('when the receiver answers 500, hangs, then closes the connection, then recovers: every event is delivered, in order per contract, nothing lost', async () => {
    await reissue('www.example.jp');
    await reissue('shop.example.jp');
    // An opt-out and its undo: the undo must never overtake the opt-out.
    const cycleId = cycleIds['api.example.co.jp'] ?? '';
    const actor = admin(USERS.adminJa.id);
    const decide = decisions(db(), ['webhook']);
    await decide.optOut({ cycleId, userId: actor.userId, now: NOW });
    await decide.undoOptOut({ cycleId, userId: actor.userId, now: new Date(NOW.getTime() + 1_000) });
    const pending = await listHandoverDeliveries(db());
    expect(pending.map((d) => [d.cn, d.kind, d.channel, d.status])).toEqual([
      ['www.example.jp', 'application', 'webhook', 'pending'],
      ['shop.example.jp', 'application', 'webhook', 'pending'],
      ['api.example.co.jp', 'opt_out', 'webhook', 'pending'],
      ['api.example.co.jp', 'opt_out_undone', 'webhook', 'pending'],
    ]);

    let clock = NOW.getTime();
    const w = worker(url(), { timeoutMs: 300 });

    const first = await w.runUntilIdle(new Date(clock));
    // Each failure was given up on and retried later; the lane went on with the next event.
    expect(first).toMatchObject({ claimed: 3, done: 0, retried: 3, failed: 0 });
    // The undo waited behind its opt-out and was not even tried.
    expect(receiver.received.map((r) => r.answered)).toEqual(['fail500', 'hang', 'close']);
    const afterFailures = await listHandoverDeliveries(db());
    expect(afterFailures.map((d) => [d.status, d.attempts, d.lastError])).toEqual([
      ['pending', 1, 'http_500'],
      ['pending', 1, 'timeout'],
      ['pending', 1, expect.stringMatching(/^connection: /)],
      ['pending', 0, null],
    ]);

    // Before the backoff is over, nothing is retried.
    expect(await w.runUntilIdle(new Date(clock))).toMatchObject({ claimed: 0 });

    clock += HOUR;
    const second = await w.runUntilIdle(new Date(clock));
    expect(second).toMatchObject({ claimed: 4, done: 4, retried: 0 });
    const delivered = await listHandoverDeliveries(db());
    expect(delivered.every((d) => d.status === 'delivered')).toBe(true);

    // Each event acknowledged exactly once, signatures all valid, bodies as documented.
    const acknowledged = receiver.received.filter((r) => r.answered === 'ok');
    expect(acknowledged.map((r) => r.eventId)).toEqual(delivered.map((d) => d.eventId));
    expect(receiver.received.every((r) => r.signatureOk)).toBe(true);
    const kinds = acknowledged.filter((r) => (r.body.contract as { cn: string }).cn === 'api.example.co.jp');
    expect(kinds.map((r) => r.body.kind)).toEqual(['opt_out', 'opt_out_undone']);
    const app = acknowledged.find((r) => (r.body.contract as { cn: string }).cn === 'www.example.jp');
    expect(app?.body).toMatchObject({
      schema: 'kigen.handover.v1',
      kind: 'application',
      occurredAt: NOW.toISOString(),
      contract: {
        cn: 'www.example.jp',
        ca: 'digicert',
        product: { id: 'digicert.secure_server_id', nameJa: 'セキュア・サーバID' },
      },
      application: { kind: 'reissue', csrPem: expect.stringContaining('CERTIFICATE REQUEST') },
      cycle: { id: cycleIds['www.example.jp'] },
    });
    expect(JSON.stringify(app?.body)).not.toMatch(/PRIVATE KEY|encrypted/i);

    // A further run sends nothing again.
    clock += 24 * HOUR;
    const count = receiver.received.length;
    expect(await w.runUntilIdle(new Date(clock))).toMatchObject({ claimed: 0 });
    expect(receiver.received).toHaveLength(count);
  });

  it('two replicas working at once, each on its own pool, never send the same delivery twice (the lane has one holder)', async () => {
    await reissue('www.example.jp');
    await reissue('shop.example.jp');
    await reissue('api.example.co.jp');
    const before = receiver.received.length;
    const pools = [connect(database.current.url, { max: 4 }), connect(database.current.url, { max: 4 })];
    try {
      const later = new Date(NOW.getTime() + 48 * HOUR);
      const summaries = await Promise.all(
        pools.map((pool) => worker(url(), { ex: pool.db }).runUntilIdle(later)),
      );
      expect(summaries.reduce((n, s) => n + s.done, 0)).toBe(3);
      expect(summaries.reduce((n, s) => n + s.lost, 0)).toBe(0);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
    const ids = receiver.received.slice(before).map((r) => r.eventId);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect((await listHandoverDeliveries(db())).every((d) => d.status === 'delivered')).toBe(true);
  });

  it('when the process shuts down in the middle of a delivery, then the claim is given back and another replica sends it at once', async () => {
    const hanging = startReceiver(['hang']);
    const hangPort = await hanging.listen();
    try {
      await reissue('www.example.jp');
      const later = new Date(NOW.getTime() + 72 * HOUR);
      const first = worker(`http://127.0.0.1:${hangPort}/kigen`, {
        timeoutMs: 10_000,
        clock: () => later,
        pollMs: 20,
      });
      first.start();
      await vi.waitFor(() => expect(hanging.received).toHaveLength(1), { timeout: 5_000, interval: 10 });
      // Shutdown: the attempt in flight gets a short grace, then it is aborted and the lane released.
      await first.stop(50);
      const pending = (await listHandoverDeliveries(db())).filter((d) => d.status !== 'delivered');
      expect(pending.map((d) => [d.status, d.attempts])).toEqual([['pending', 0]]);
      const lanes = (await db().execute(
        sql`select holder from outbox_lanes where lane = ${WEBHOOK_LANE}`,
      )) as unknown as { holder: string | null }[];
      expect(lanes).toEqual([{ holder: null }]);

      const before = receiver.received.length;
      const second = await worker(url()).runUntilIdle(later);
      expect(second).toMatchObject({ claimed: 1, done: 1 });
      expect(receiver.received.slice(before).map((r) => r.eventId)).toEqual([hanging.received[0]?.eventId]);
      expect((await listHandoverDeliveries(db())).every((d) => d.status === 'delivered')).toBe(true);
    } finally {
      await hanging.close();
    }
  });
});
