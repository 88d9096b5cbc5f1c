import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/app/logger.ts';
import { createHandoverDelivery } from '../../bot/app/ops-handover.ts';
import { createSlackWebClient } from '../../bot/slack/web-client.ts';
import {
  claimHandoverDeliveries,
  listHandoverDeliveries,
  listHandoverEvents,
  markHandoverRetry,
  opsMessageOfApplication,
  releaseHandoverClaim,
  setHandoverChannels,
} from '../../db/stores/handover-outbox.ts';
import { createHandoverDispatcher, HANDOVER_LEASE_MS } from '../../scheduler/handover-dispatch.ts';
import { insertReissue, seedNoticedCycles } from '../handlers/decision-harness.ts';
import { useTestDatabase } from '../support/test-database.ts';

// A base URL like SLACK_API_URL; nothing listens on port 9, nock answers.
const ORIGIN = 'http://127.0.0.1:9';
const OPS_CHANNEL = 'C0OPSCHAN1';
const NOW = new Date('2026-11-25T01:00:00Z');
const MINUTE = 60_000;
const database = useTestDatabase();
const db = () => database.current.db;

let cycleIds: Record<string, string> = {};
let contractIds: Record<string, string> = {};

beforeAll(async () => {
  ({ cycleIds, contractIds } = await seedNoticedCycles(db(), NOW));
  await setHandoverChannels(db(), { ops_channel: true, webhook: false });
});

afterEach(() => {
  nock.cleanAll();
});

/** A re-issue application: its trigger writes one event with an ops-channel delivery. */
async function reissue(cn: string): Promise<{ applicationId: string; eventId: string }> {
  const applicationId = await insertReissue(db(), {
    contractId: contractIds[cn] ?? '',
    cycleId: cycleIds[cn] ?? null,
    cn,
    now: NOW,
  });
  const event = (await listHandoverEvents(db())).at(-1);
  if (!event) throw new Error('no hand-over event');
  return { applicationId, eventId: event.id };
}

/** The ops channel on nock: posts are counted, history answers `history` (or fails). */
function slack(history: (() => object) | 'error') {
  const posts: Record<string, unknown>[] = [];
  const historyCalls: Record<string, string>[] = [];
  nock(ORIGIN)
    .persist()
    .post('/api/chat.postMessage')
    .reply(200, (_uri, body) => {
      posts.push(Object.fromEntries(new URLSearchParams(String(body))));
      return { ok: true, channel: OPS_CHANNEL, ts: `1764032400.00010${posts.length}` };
    });
  nock(ORIGIN)
    .persist()
    .post('/api/conversations.history', (body: Record<string, string>) => {
      historyCalls.push(body);
      return true;
    })
    .reply(200, () => (history === 'error' ? { ok: false, error: 'not_in_channel' } : history()));
  return { posts, historyCalls };
}

function dispatcher() {
  const logger = createLogger('silent');
  const client = createSlackWebClient({
    token: 'xoxb-test',
    slackApiUrl: `${ORIGIN}/api/`,
    logger,
    retryConfig: { retries: 0 },
  });
  return createHandoverDispatcher({
    db: db(),
    logger: pino({ level: 'silent' }),
    delivery: createHandoverDelivery({ db: db(), locale: 'ja', ops: { channel: OPS_CHANNEL, client } }),
  });
}

/** A dispatcher that claimed the delivery (and, maybe, posted) and died before recording it. */
async function claimAndDie(at: Date) {
  const claimed = await claimHandoverDeliveries(db(), {
    workerId: 'dead-replica',
    channels: ['ops_channel'],
    now: at,
    leaseMs: HANDOVER_LEASE_MS,
    limit: 10,
  });
  expect(claimed.map((c) => [c.attempts, c.stale])).toEqual([[1, false]]);
  return claimed[0];
}

const handoverMeta = (eventId: string) => ({
  event_type: 'kigen_handover',
  event_payload: { event_id: eventId },
});

describe('hand-over to the operations channel after a crash between post and record', () => {
  it('when the message was posted before the dispatcher died, then after the lease it is found by its metadata and recorded with that message, not posted again', async () => {
    const { applicationId, eventId } = await reissue('www.example.jp');
    await claimAndDie(NOW);
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

    // Within the lease, the claim still belongs to the dead replica: nothing happens.
    expect(await dispatcher().dispatchDue(() => new Date(NOW.getTime() + MINUTE))).toMatchObject({
      claimed: 0,
    });
    const summary = await dispatcher().dispatchDue(() => new Date(NOW.getTime() + 3 * MINUTE));

    expect(summary).toMatchObject({ claimed: 1, recovered: 1, delivered: 0, retried: 0 });
    expect(api.posts).toHaveLength(0);
    expect(api.historyCalls).toHaveLength(1);
    expect(api.historyCalls[0]).toMatchObject({ channel: OPS_CHANNEL, include_all_metadata: 'true' });
    // Read from an hour before the event occurred.
    expect(Number(api.historyCalls[0]?.oldest)).toBeCloseTo(NOW.getTime() / 1_000 - 3_600, -2);
    expect(await opsMessageOfApplication(db(), applicationId)).toEqual({
      channel: OPS_CHANNEL,
      ts: '1764032400.000100',
    });
    const [delivery] = (await listHandoverDeliveries(db())).filter((d) => d.eventId === eventId);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('when the dispatcher died before its post reached Slack, then the history has nothing and the event is posted once', async () => {
    const { applicationId, eventId } = await reissue('shop.example.jp');
    const at = new Date(NOW.getTime() + 10 * MINUTE);
    await claimAndDie(at);
    const api = slack(() => ({
      ok: true,
      messages: [{ ts: '1764032400.000100', metadata: handoverMeta('someone-else') }],
      has_more: false,
    }));

    const summary = await dispatcher().dispatchDue(() => new Date(at.getTime() + 3 * MINUTE));

    expect(summary).toMatchObject({ claimed: 1, delivered: 1, recovered: 0 });
    expect(api.historyCalls).toHaveLength(1);
    expect(api.posts).toHaveLength(1);
    expect(JSON.parse(String(api.posts[0]?.metadata))).toEqual(handoverMeta(eventId));
    expect(await opsMessageOfApplication(db(), applicationId)).toEqual({
      channel: OPS_CHANNEL,
      ts: '1764032400.000101',
    });
  });

  it('when the history cannot be read, then the event is posted (at least once), once', async () => {
    const { applicationId } = await reissue('api.example.co.jp');
    const at = new Date(NOW.getTime() + 20 * MINUTE);
    await claimAndDie(at);
    const api = slack('error');

    const summary = await dispatcher().dispatchDue(() => new Date(at.getTime() + 3 * MINUTE));

    expect(summary).toMatchObject({ claimed: 1, delivered: 1, recovered: 0 });
    expect(api.historyCalls).toHaveLength(1);
    expect(api.posts).toHaveLength(1);
    expect(await opsMessageOfApplication(db(), applicationId)).not.toBeNull();
  });

  it('a first delivery, a retry after a failure and a claim given back at shutdown are not stale: no history is read', async () => {
    const at = new Date(NOW.getTime() + 30 * MINUTE);
    const claim = () =>
      claimHandoverDeliveries(db(), {
        workerId: 'replica-a',
        channels: ['ops_channel'],
        now: at,
        leaseMs: HANDOVER_LEASE_MS,
        limit: 10,
      });
    await reissue('www.example.jp');
    const [first] = await claim();
    expect(first).toMatchObject({ attempts: 1, stale: false });
    await markHandoverRetry(db(), first?.deliveryId ?? '', 'replica-a', {
      error: 'http_500',
      nextAttemptAt: at,
      now: at,
    });
    const [retry] = await claim();
    expect(retry).toMatchObject({ attempts: 2, stale: false });
    await releaseHandoverClaim(db(), retry?.deliveryId ?? '', 'replica-a');
    const [released] = await claim();
    expect(released).toMatchObject({ attempts: 2, stale: false });
    await releaseHandoverClaim(db(), released?.deliveryId ?? '', 'replica-a');

    const api = slack(() => ({ ok: true, messages: [] }));
    const summary = await dispatcher().dispatchDue(() => at);
    expect(summary).toMatchObject({ claimed: 1, delivered: 1 });
    expect(api.historyCalls).toHaveLength(0);
    expect(api.posts).toHaveLength(1);
  });
});
