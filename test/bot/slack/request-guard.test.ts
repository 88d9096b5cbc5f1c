import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CHANNEL, postSigned, sign, USERS, useSlackHarness } from '../../handlers/slack-harness.ts';
import { fuzzedRequests } from '../../support/fuzz-payloads.ts';

const harness = useSlackHarness();

const postJson = (body: string, options: { signed?: boolean } = {}) => {
  const timestamp = Math.floor(Date.now() / 1000);
  return postSigned(harness.current.port, body, {
    timestamp,
    signature: options.signed === false ? `v0=${'0'.repeat(64)}` : sign(body, timestamp),
    headers: { 'content-type': 'application/json' },
  });
};
const postPayload = (payload: string) =>
  postSigned(harness.current.port, new URLSearchParams({ payload }).toString());

const recorded = async () => {
  const rows = (await harness.current.database.current.db.execute(sql`
    select (select count(*) from audit_events)::int as audit, (select count(*) from applications)::int as applications,
           (select count(*) from outbox_messages)::int as messages
  `)) as unknown as { audit: number; applications: number; messages: number }[];
  return rows[0];
};

const blockActions = (actions: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'block_actions',
    team: { id: 'T0TEAM' },
    user: { id: USERS.adminJa.id },
    channel: { id: CHANNEL },
    trigger_id: '1.2.3',
    actions,
    ...extra,
  });

describe('bad requests at the HTTP receiver', () => {
  it('a signed body that is the JSON value null (or a number, a string, an array) gets 400, and the process carries on', async () => {
    for (const body of ['null', '5', '"text"', '[]', '[{"type":"block_actions"}]']) {
      expect((await postJson(body)).status, body).toBe(400);
    }
    const health = await fetch(`http://127.0.0.1:${harness.current.port}/healthz`);
    expect(health.status).toBe(200);
  });

  it('the same bodies unsigned get 401: a bad signature is always 401', async () => {
    for (const body of ['null', '5', '[]', '{"type":"block_actions"}']) {
      expect((await postJson(body, { signed: false })).status, body).toBe(401);
    }
  });

  it('a form whose payload is not a JSON object gets 400; truncated JSON gets 400', async () => {
    for (const payload of ['null', '42', '[]', '{"type":"block_act']) {
      expect((await postPayload(payload)).status, payload).toBe(400);
    }
  });

  it('an unknown action id, an unknown payload type and an unknown callback id are acknowledged with 200 (not a 404 after 3 s), and nothing is recorded', async () => {
    const before = await recorded();
    const unknownAction = await postPayload(
      blockActions([{ action_id: 'kigen:no_such_action', block_id: 'x', type: 'button', value: '1' }]),
    );
    expect(unknownAction.status).toBe(200);
    expect(
      (await postPayload(JSON.stringify({ type: 'something_new', team: { id: 'T0TEAM' } }))).status,
    ).toBe(200);
    const unknownView = JSON.stringify({
      type: 'view_submission',
      team: { id: 'T0TEAM' },
      user: { id: USERS.adminJa.id },
      view: { id: 'V1', callback_id: 'kigen:no_such_view', private_metadata: '{', state: { values: {} } },
    });
    expect((await postPayload(unknownView)).status).toBe(200);
    expect(await recorded()).toEqual(before);
    const lines = harness.current.logs.filter((l) =>
      ['unhandled', 'error'].includes((l.interaction as { outcome?: string } | undefined)?.outcome ?? ''),
    );
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });

  it('fuzzed payloads (known shapes with wrong types, forged private_metadata, random mutations) never get a 5xx, change nothing, and leave the app healthy', async () => {
    const before = await recorded();
    const statuses = new Map<number, number>();
    for (const request of fuzzedRequests(20261207, 150, {
      team: 'T0TEAM',
      user: USERS.adminJa.id,
      channel: CHANNEL,
    })) {
      const { status } = await postSigned(harness.current.port, request.body, {
        headers: { 'content-type': request.contentType },
      });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect([...statuses.keys()].every((s) => s === 200 || s === 400)).toBe(true);
    expect(await recorded()).toEqual(before);
    expect((await fetch(`http://127.0.0.1:${harness.current.port}/healthz`)).status).toBe(200);
  });
});
