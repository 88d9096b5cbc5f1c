import { sql } from 'drizzle-orm';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackOpsBoard, HANDOVER_EVENT_TYPE } from '../../bot/slack/ops-board.ts';
import { createOutboxSlackClient } from '../../bot/slack/web-client.ts';
import {
  listHandoverDeliveries,
  listHandoverEvents,
  opsMessageOfApplication,
} from '../../db/stores/handover-outbox.ts';
import { createLaneLeases } from '../../db/stores/outbox-lanes.ts';
import { createOutboxQueue } from '../../db/stores/outbox-queues.ts';
import { createStore } from '../../db/stores/store.ts';
import { type Claim, OPS_LANE } from '../../domain/ports/outbox.ts';
import { handOverEvent } from '../../domain/use-cases/hand-over-event.ts';
import { createOutboxWorker, DEFAULT_LEASE_MS } from '../../scheduler/outbox-worker.ts';
import { handOverReissue, seedNoticedCycles } from '../handlers/decision-harness.ts';
import { useTestDatabase } from '../support/test-database.ts';

// A base URL like SLACK_API_URL; nothing listens on port 9, nock answers.
const ORIGIN = 'http://127.0.0.1:9';
const OPS_CHANNEL = 'C0OPSCHAN1';
const NOW = new Date('2026-11-25T01:00:00Z');
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const database = useTestDatabase();
const db = () => database.current.db;
const silent = pino({ level: 'silent' });

let cycleIds: Record<string, string> = {};
let contractIds: Record<string, string> = {};

beforeAll(async () => {
  ({ cycleIds, contractIds } = await seedNoticedCycles(db(), NOW));
});

afterEach(() => {
  nock.cleanAll();
});

/** A deployment that hands over to the operations channel only. */
const store = () => createStore(db(), { handoverChannels: ['ops_channel'] });

/** A re-issue application, handed over in the transaction that records it. */
async function reissue(cn: string, at: Date): Promise<{ applicationId: string; eventId: string }> {
  const applicationId = await handOverReissue(db(), store(), {
    contractId: contractIds[cn] ?? '',
    cycleId: cycleIds[cn] ?? null,
    cn,
    now: at,
  });
  const event = (await listHandoverEvents(db())).at(-1);
  if (!event) throw new Error('no hand-over event');
  return { applicationId, eventId: event.id };
}

type Answer = Record<string, unknown>;

/** The ops channel on nock: posts are counted and answer `post` (ok by default); history answers `history`. */
function slack(history: () => Answer, post: (n: number) => Answer | null = () => null) {
  const posts: Record<string, unknown>[] = [];
  const historyCalls: Record<string, string>[] = [];
  nock(ORIGIN)
    .persist()
    .post('/api/chat.postMessage')
    .reply(200, (_uri, body) => {
      posts.push(Object.fromEntries(new URLSearchParams(String(body))));
      return post(posts.length) ?? { ok: true, channel: OPS_CHANNEL, ts: `1764032400.00010${posts.length}` };
    });
  nock(ORIGIN)
    .persist()
    .post('/api/conversations.history', (body: Record<string, string>) => {
      historyCalls.push(body);
      return true;
    })
    .reply(200, () => history());
  return { posts, historyCalls };
}

/** A replica's outbox worker with the hand-over queue, posting through the ops board on nock. */
function worker() {
  const client = createOutboxSlackClient({
    token: 'xoxb-test',
    slackApiUrl: `${ORIGIN}/api/`,
    logger: silent,
  });
  const ops = createSlackOpsBoard({ client, channel: OPS_CHANNEL, locale: 'ja' });
  const s = store();
  return createOutboxWorker({
    queues: [
      {
        queue: createOutboxQueue(db(), 'handover'),
        handle: (claim, at) => handOverEvent({ store: s, ops, webhook: null }, claim, at),
      },
    ],
    leases: createLaneLeases(db()),
    logger: silent,
    random: () => 0.5,
  });
}

/** A replica that leased the ops lane and claimed the delivery (and, maybe, posted), then died. */
async function claimAndDie(at: Date): Promise<Claim> {
  const leased = await createLaneLeases(db()).acquire([OPS_LANE], 'dead-replica', at, DEFAULT_LEASE_MS, 1);
  expect(leased).toEqual([OPS_LANE]);
  const claim = await createOutboxQueue(db(), 'handover').claimNext(OPS_LANE, 'dead-replica', at);
  expect(claim).toMatchObject({ attempts: 1, uncertainSince: null });
  return claim as Claim;
}

const afterLease = (at: Date) => new Date(at.getTime() + DEFAULT_LEASE_MS + SECOND);
const handoverMeta = (eventId: string) => ({
  event_type: HANDOVER_EVENT_TYPE,
  event_payload: { event_id: eventId },
});
const slackTs = (at: Date) => (at.getTime() / 1_000).toFixed(6);

async function deliveryOf(eventId: string) {
  const rows = (await db().execute(sql`
    select status, attempts, last_error, uncertain_since from handover_deliveries where event_id = ${eventId}
  `)) as unknown as {
    status: string;
    attempts: number;
    last_error: string | null;
    uncertain_since: unknown;
  }[];
  expect(rows).toHaveLength(1);
  const row = rows[0];
  return {
    status: row?.status,
    attempts: row?.attempts,
    lastError: row?.last_error ?? null,
    uncertainSince: row?.uncertain_since ? new Date(String(row.uncertain_since)) : null,
  };
}

describe('hand-over to the operations channel after a crash between post and record', () => {
  it('when the message was posted before the replica died, then after the lease it is found by its metadata and recorded with that message, not posted again', async () => {
    const at = NOW;
    const { applicationId, eventId } = await reissue('www.example.jp', at);
    await claimAndDie(at);
    const api = slack(() => ({
      ok: true,
      messages: [
        { ts: '1764032400.000300', text: 'a staff member chatting' },
        { ts: '1764032400.000200', metadata: handoverMeta('00000000-0000-4000-8000-000000000000') },
        {
          ts: '1764032400.000150',
          metadata: { event_type: 'other_app', event_payload: { event_id: eventId } },
        },
        { ts: '1764032400.000100', metadata: handoverMeta(eventId) },
      ],
      has_more: false,
    }));

    // Within the lease, the lane and its claim still belong to the dead replica: nothing happens.
    expect(await worker().runUntilIdle(new Date(at.getTime() + 30 * SECOND))).toMatchObject({ claimed: 0 });
    const now = afterLease(at);
    const summary = await worker().runUntilIdle(now);

    expect(summary).toMatchObject({ claimed: 1, done: 1, retried: 0 });
    expect(api.posts).toHaveLength(0);
    expect(api.historyCalls).toHaveLength(1);
    expect(api.historyCalls[0]).toMatchObject({ channel: OPS_CHANNEL, include_all_metadata: 'true' });
    // Read from when the dead replica's attempt began (less a few seconds of clock skew) to now.
    expect(api.historyCalls[0]?.oldest).toBe(slackTs(new Date(at.getTime() - 5 * SECOND)));
    expect(api.historyCalls[0]?.latest).toBe(slackTs(new Date(now.getTime() + 5 * SECOND)));
    expect(await opsMessageOfApplication(db(), applicationId)).toEqual({
      channel: OPS_CHANNEL,
      ts: '1764032400.000100',
    });
    expect(await deliveryOf(eventId)).toMatchObject({
      status: 'delivered',
      attempts: 2,
      uncertainSince: null,
    });
  });

  it('when the replica died before its post reached Slack, then the history has nothing and the event is posted once', async () => {
    const at = new Date(NOW.getTime() + 10 * MINUTE);
    const { applicationId, eventId } = await reissue('shop.example.jp', at);
    await claimAndDie(at);
    const api = slack(() => ({
      ok: true,
      messages: [{ ts: '1764032400.000100', metadata: handoverMeta('someone-else') }],
      has_more: false,
    }));

    const summary = await worker().runUntilIdle(afterLease(at));

    expect(summary).toMatchObject({ claimed: 1, done: 1 });
    expect(api.historyCalls).toHaveLength(1);
    expect(api.posts).toHaveLength(1);
    expect(api.posts[0]?.channel).toBe(OPS_CHANNEL);
    expect(JSON.parse(String(api.posts[0]?.metadata))).toEqual(handoverMeta(eventId));
    expect(await opsMessageOfApplication(db(), applicationId)).toEqual({
      channel: OPS_CHANNEL,
      ts: '1764032400.000101',
    });
    expect(await deliveryOf(eventId)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('when the history cannot be read, then nothing is posted blindly: it waits and looks again, and once the history answers it is posted exactly once', async () => {
    const at = new Date(NOW.getTime() + 20 * MINUTE);
    const { applicationId, eventId } = await reissue('api.example.co.jp', at);
    await claimAndDie(at);
    let historyReadable = false;
    const api = slack(() =>
      historyReadable ? { ok: true, messages: [], has_more: false } : { ok: false, error: 'internal_error' },
    );

    const first = await worker().runUntilIdle(afterLease(at));

    expect(first).toMatchObject({ claimed: 1, done: 0, retried: 1, failed: 0 });
    expect(api.historyCalls).toHaveLength(1);
    expect(api.posts).toHaveLength(0);
    // Still possibly posted: the next attempt looks again, from the same instant; the look-up's wait
    // is no attempt of the item.
    expect(await deliveryOf(eventId)).toEqual({
      status: 'pending',
      attempts: 1,
      lastError: 'lookup: internal_error',
      uncertainSince: at,
    });
    expect(await opsMessageOfApplication(db(), applicationId)).toBeNull();

    // Slack keeps failing: still no post, however often it is tried.
    const again = await worker().runUntilIdle(new Date(at.getTime() + 10 * MINUTE));
    expect(again).toMatchObject({ claimed: 1, retried: 1 });
    expect(api.historyCalls).toHaveLength(2);
    expect(api.posts).toHaveLength(0);

    historyReadable = true;
    const later = new Date(at.getTime() + 30 * MINUTE);
    const recovered = await worker().runUntilIdle(later);
    expect(recovered).toMatchObject({ claimed: 1, done: 1 });
    expect(api.historyCalls).toHaveLength(3);
    expect(api.historyCalls[2]?.oldest).toBe(slackTs(new Date(at.getTime() - 5 * SECOND)));
    expect(api.posts).toHaveLength(1);
    expect(JSON.parse(String(api.posts[0]?.metadata))).toEqual(handoverMeta(eventId));
    expect(await opsMessageOfApplication(db(), applicationId)).toEqual({
      channel: OPS_CHANNEL,
      ts: '1764032400.000101',
    });
    expect(await deliveryOf(eventId)).toMatchObject({ status: 'delivered', uncertainSince: null });

    // Nothing is left to do: no second post.
    expect(await worker().runUntilIdle(new Date(later.getTime() + 60 * MINUTE))).toMatchObject({
      claimed: 0,
    });
    expect(api.posts).toHaveLength(1);
  });

  it('a first delivery, a retry after a refused post and a claim given back at shutdown cannot have landed: no history is read', async () => {
    const at = new Date(NOW.getTime() + 90 * MINUTE);
    const queue = createOutboxQueue(db(), 'handover');
    const { eventId } = await reissue('www.example.jp', at);
    const api = slack(
      () => ({ ok: true, messages: [], has_more: false }),
      // Slack refuses the first post (the bot is not in the channel yet): nothing was posted.
      (n) => (n === 1 ? { ok: false, error: 'not_in_channel' } : null),
    );

    // The first delivery: posted at once (refused), no look-up.
    const first = await worker().runUntilIdle(at);
    expect(first).toMatchObject({ claimed: 1, retried: 1 });
    expect(api.posts).toHaveLength(1);
    expect(api.historyCalls).toHaveLength(0);
    expect(await deliveryOf(eventId)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'not_in_channel',
      uncertainSince: null,
    });

    // Shutdown before the next attempt began: the claim is given back untouched.
    const retryAt = new Date(at.getTime() + 10 * MINUTE);
    expect(
      await createLaneLeases(db()).acquire([OPS_LANE], 'stopping', retryAt, DEFAULT_LEASE_MS, 1),
    ).toEqual([OPS_LANE]);
    const claim = await queue.claimNext(OPS_LANE, 'stopping', retryAt);
    expect(claim).toMatchObject({ attempts: 2, uncertainSince: null });
    await queue.release(claim as Claim, retryAt);
    await createLaneLeases(db()).release(OPS_LANE, 'stopping', null);
    expect(await deliveryOf(eventId)).toMatchObject({ status: 'pending', attempts: 1, uncertainSince: null });

    // The retry after the refused post: posted, no look-up.
    const retried = await worker().runUntilIdle(retryAt);
    expect(retried).toMatchObject({ claimed: 1, done: 1 });
    expect(api.historyCalls).toHaveLength(0);
    expect(api.posts).toHaveLength(2);
    expect(await deliveryOf(eventId)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect((await listHandoverDeliveries(db())).every((d) => d.status === 'delivered')).toBe(true);
  });
});
