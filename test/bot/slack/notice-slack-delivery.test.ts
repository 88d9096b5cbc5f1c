import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/app/logger.ts';
import { LOOKUP_PAGE_LIMIT } from '../../../bot/slack/message-lookup.ts';
import { createSlackNoticeBoard } from '../../../bot/slack/notice-board.ts';
import { createOutboxSlackClient } from '../../../bot/slack/web-client.ts';
import { MS_PER_DAY, type NoticeKind, newRenewalCycle, type RenewalCycle } from '../../../domain/index.ts';
import type { NoticeToDeliver } from '../../../domain/ports/notices.ts';

// A base URL like SLACK_API_URL; nothing listens on port 9, nock answers.
const ORIGIN = 'http://127.0.0.1:9';
const API_URL = `${ORIGIN}/api/`;
const CHANNEL = 'C0123ABCD';
const PARENT_TS = '1764118800.000100';

const EXPIRES = new Date('2026-12-25T00:00:00Z');
const daysBefore = (days: number) => new Date(EXPIRES.getTime() - days * MS_PER_DAY);

function notice(
  kind: NoticeKind,
  o: { thread?: boolean; cycle?: Partial<RenewalCycle>; id?: string } = {},
): NoticeToDeliver {
  return {
    notice: {
      id: o.id ?? `notice-${kind}`,
      kind,
      dueAt: daysBefore(kind === 'pre_notice' ? 35 : 30),
      plannedAt: daysBefore(200),
      attempts: 1,
      late: null,
    },
    contract: {
      id: 'contract-1',
      cn: 'www.example.jp',
      category: 'proxy',
      ca: 'digicert',
      productId: 'digicert.secure_server_id',
      periodMonths: 12,
      slackChannelId: CHANNEL,
    },
    certificate: { id: 'cert-1', notAfter: EXPIRES },
    cycle: {
      ...newRenewalCycle({
        id: 'cycle-1',
        contractId: 'contract-1',
        category: 'proxy',
        expiresAt: EXPIRES,
        decisionDeadline: daysBefore(26),
        dataDeadline: daysBefore(21),
      }),
      state: 'noticed',
      noticedAt: daysBefore(35),
      version: 1,
      ...o.cycle,
    },
    recipients: { groupAdmins: ['U0GA1'], serviceAdmins: ['U0SA1'] },
    locale: 'ja',
    thread: o.thread ? { channel: CHANNEL, ts: PARENT_TS } : null,
  };
}

type Form = Record<string, string>;

/** The board of the outbox on its client: no retries and no waiting inside a call (the outbox retries). */
function board(o: { slackApiUrl?: string; timeoutMs?: number } = {}) {
  const logger = createLogger('silent');
  const client = createOutboxSlackClient({
    token: 'xoxb-test',
    slackApiUrl: o.slackApiUrl ?? API_URL,
    logger,
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  return createSlackNoticeBoard({ client, logger });
}

/** Records each form-encoded body that reaches `method`. */
function recorder() {
  const bodies: Record<string, Form[]> = {};
  const record = (method: string) => (body: Form) => {
    bodies[method] = [...(bodies[method] ?? []), body];
    return true;
  };
  return { bodies, record };
}

const api = () => nock(ORIGIN);
const okPost = (ts: string) => ({ ok: true, channel: CHANNEL, ts });

afterEach(() => {
  nock.cleanAll();
});

describe('Slack notice board', () => {
  it('the first notice of a cycle posts the parent message with its metadata and returns its ts', async () => {
    const { bodies, record } = recorder();
    const scope = api().post('/api/chat.postMessage', record('post')).reply(200, okPost(PARENT_TS));

    const result = await board().deliver(notice('pre_notice'), daysBefore(35));

    expect(result).toEqual({ ok: true, message: { channel: CHANNEL, ts: PARENT_TS }, threadTs: null });
    expect(scope.isDone()).toBe(true);
    const body = bodies.post?.[0] as Form;
    expect(body.channel).toBe(CHANNEL);
    expect(body.thread_ts).toBeUndefined();
    expect(JSON.parse(body.metadata as string)).toEqual({
      event_type: 'kigen_notice',
      event_payload: {
        notice_id: 'notice-pre_notice',
        cycle_id: 'cycle-1',
        contract_id: 'contract-1',
        kind: 'pre_notice',
      },
    });
    const blocks = JSON.parse(body.blocks as string) as {
      type: string;
      elements?: { action_id: string }[];
    }[];
    expect(blocks.find((b) => b.type === 'actions')?.elements?.map((e) => e.action_id)).toEqual([
      'renewal.renew',
      'renewal.change_period',
      'renewal.opt_out',
    ]);
    expect(body.text).toContain('www.example.jp');
  });

  it('a later notice updates the parent and replies in its thread, broadcast to the channel for the 30-day notice', async () => {
    const { bodies, record } = recorder();
    const scope = api()
      .post('/api/chat.update', record('update'))
      .reply(200, { ok: true, channel: CHANNEL, ts: PARENT_TS })
      .post('/api/chat.postMessage', record('post'))
      .reply(200, okPost('1764550800.000200'));

    const result = await board().deliver(notice('notice', { thread: true }), daysBefore(30));

    expect(result).toEqual({
      ok: true,
      message: { channel: CHANNEL, ts: '1764550800.000200' },
      threadTs: PARENT_TS,
    });
    expect(scope.isDone()).toBe(true);
    const update = bodies.update?.[0] as Form;
    expect(update).toMatchObject({ channel: CHANNEL, ts: PARENT_TS });
    expect(update.metadata).toBeUndefined(); // the parent keeps the first notice's metadata
    expect(update.blocks).toContain('renewal.renew'); // still before the decision deadline
    const reply = bodies.post?.[0] as Form;
    expect(reply).toMatchObject({ channel: CHANNEL, thread_ts: PARENT_TS, reply_broadcast: 'true' });
    expect(JSON.parse(reply.metadata as string).event_payload.notice_id).toBe('notice-notice');
  });

  it('at the decision deadline the parent loses its buttons and the reply is broadcast; a reminder is not', async () => {
    const { bodies, record } = recorder();
    api()
      .post('/api/chat.update', record('update'))
      .times(2)
      .reply(200, { ok: true, channel: CHANNEL, ts: PARENT_TS })
      .post('/api/chat.postMessage', record('post'))
      .times(2)
      .reply(200, okPost('1764550800.000300'));
    const slack = board();

    const deadline = await slack.deliver(notice('decision_deadline', { thread: true }), daysBefore(26));
    const reminder = await slack.deliver(notice('reminder_1', { thread: true }), daysBefore(27));

    expect(deadline.ok && reminder.ok).toBe(true);
    expect(bodies.update?.[0]?.blocks).not.toContain('renewal.renew');
    expect(bodies.update?.[0]?.blocks).toContain('判断の期限');
    expect(bodies.post?.[0]?.reply_broadcast).toBe('true');
    expect(bodies.post?.[1]?.reply_broadcast).toBe('false');
    expect(bodies.update?.[1]?.blocks).toContain('renewal.renew');
  });

  it('HTTP 429 with Retry-After: 1 is a retryable result, not uncertain, with retryAfterMs: the call neither waits nor retries (the outbox waits in the lane)', async () => {
    let posts = 0;
    const scope = api()
      .post('/api/chat.postMessage', () => ++posts > 0)
      .reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '1' });

    const result = await board().deliver(notice('pre_notice'), daysBefore(35));

    expect(result).toEqual({
      ok: false,
      retryable: true,
      uncertain: false,
      error: 'ratelimited',
      retryAfterMs: 1_000,
    });
    expect(posts).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it('after a 429 the next attempt delivers, once: nothing dropped', async () => {
    let posts = 0;
    api()
      .post('/api/chat.postMessage', () => ++posts > 0)
      .reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '1' })
      .post('/api/chat.postMessage', () => ++posts > 0)
      .reply(200, okPost(PARENT_TS));
    const slack = board();

    const first = await slack.deliver(notice('pre_notice'), daysBefore(35));
    const second = await slack.deliver(notice('pre_notice'), daysBefore(35));

    expect(first).toMatchObject({ ok: false, retryable: true, uncertain: false, retryAfterMs: 1_000 });
    expect(second).toEqual({ ok: true, message: { channel: CHANNEL, ts: PARENT_TS }, threadTs: null });
    expect(posts).toBe(2);
  });

  it('HTTP 500 is retryable and uncertain (the post may have landed: the next attempt looks first), tried once', async () => {
    let posts = 0;
    api()
      .post('/api/chat.postMessage', () => ++posts > 0)
      .reply(500, 'upstream trouble');
    const result = await board().deliver(notice('pre_notice'), daysBefore(35));
    expect(result).toEqual({ ok: false, retryable: true, uncertain: true, error: 'http_500' });
    expect(posts).toBe(1);
  });

  it('a network error is retryable and uncertain', async () => {
    api().post('/api/chat.postMessage').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const result = await board().deliver(notice('pre_notice'), daysBefore(35));
    expect(result).toEqual({ ok: false, retryable: true, uncertain: true, error: 'network_error' });
  });

  it('a request that times out is retryable and uncertain', async () => {
    api().post('/api/chat.postMessage').delay(1_000).reply(200, okPost(PARENT_TS));
    const result = await board({ timeoutMs: 100 }).deliver(notice('pre_notice'), daysBefore(35));
    expect(result).toEqual({ ok: false, retryable: true, uncertain: true, error: 'request_timeout' });
  });

  it('takes SLACK_API_URL with or without its trailing slash', async () => {
    const scope = api().post('/api/chat.postMessage').reply(200, okPost(PARENT_TS));
    const result = await board({ slackApiUrl: `${ORIGIN}/api` }).deliver(
      notice('pre_notice'),
      daysBefore(35),
    );
    expect(result.ok).toBe(true);
    expect(scope.isDone()).toBe(true);
  });

  it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'invalid_blocks'])(
    '%s is not retryable, not uncertain (Slack refused it), and is named',
    async (code) => {
      api().post('/api/chat.postMessage').reply(200, { ok: false, error: code });
      const result = await board().deliver(notice('pre_notice'), daysBefore(35));
      expect(result).toEqual({ ok: false, retryable: false, uncertain: false, error: code });
    },
  );

  it('a failure of the update stops the reply: the retry redoes both, nothing half-posted twice', async () => {
    const { bodies, record } = recorder();
    api()
      .post('/api/chat.update')
      .reply(503, 'busy')
      .post('/api/chat.postMessage', record('post'))
      .reply(200, okPost('9.9'));
    const result = await board().deliver(notice('notice', { thread: true }), daysBefore(30));
    expect(result).toEqual({ ok: false, retryable: true, uncertain: true, error: 'http_503' });
    expect(bodies.post).toBeUndefined();
  });

  it('when the parent was deleted, the notice posts a new parent instead of a reply into nothing', async () => {
    const { bodies, record } = recorder();
    api()
      .post('/api/chat.update')
      .reply(200, { ok: false, error: 'message_not_found' })
      .post('/api/chat.postMessage', record('post'))
      .reply(200, okPost('1764550800.000400'));
    const result = await board().deliver(notice('notice', { thread: true }), daysBefore(30));
    expect(result).toEqual({
      ok: true,
      message: { channel: CHANNEL, ts: '1764550800.000400' },
      threadTs: null,
    });
    expect(bodies.post?.[0]?.thread_ts).toBeUndefined();
    expect(JSON.parse(bodies.post?.[0]?.metadata as string).event_payload.notice_id).toBe('notice-notice');
  });
});

describe('findPosted', () => {
  const meta = (noticeId: string) => ({
    event_type: 'kigen_notice',
    event_payload: { notice_id: noticeId, kind: 'pre_notice' },
  });
  // The window of the earlier attempt that may have posted: from its start until now.
  const since = new Date(daysBefore(35).getTime() + 60_000);
  const until = new Date(since.getTime() + 3 * 60_000);
  const window = { since, until };

  it('finds the message whose metadata names the notice, and ignores the others', async () => {
    const { bodies, record } = recorder();
    api()
      .post('/api/conversations.history', record('history'))
      .reply(200, {
        ok: true,
        messages: [
          { ts: '1.000001', text: 'someone else' },
          { ts: '1.000002', metadata: meta('another-notice') },
          {
            ts: '1.000003',
            metadata: { event_type: 'other_app', event_payload: { notice_id: 'notice-pre_notice' } },
          },
          { ts: '1.000004', metadata: meta('notice-pre_notice') },
        ],
        has_more: false,
      });

    const found = await board().findPosted(notice('pre_notice'), window);

    expect(found).toEqual({ kind: 'found', message: { channel: CHANNEL, ts: '1.000004' } });
    const body = bodies.history?.[0] as Form;
    expect(body).toMatchObject({
      channel: CHANNEL,
      include_all_metadata: 'true',
      inclusive: 'true',
      limit: String(LOOKUP_PAGE_LIMIT),
    });
    // Only the window of the earlier attempt, with 5 s for clock skew on both sides.
    expect(Number(body.oldest)).toBeCloseTo(since.getTime() / 1_000 - 5, 3);
    expect(Number(body.latest)).toBeCloseTo(until.getTime() / 1_000 + 5, 3);
  });

  it('reads further pages; answers absent when the window ends without the notice', async () => {
    let pages = 0;
    const page = (cursor: string) => ({
      ok: true,
      messages: [{ ts: '1.1', metadata: meta('x') }],
      response_metadata: { next_cursor: cursor },
    });
    api()
      .post('/api/conversations.history', () => ++pages > 0)
      .times(2)
      .reply(200, page('more'))
      .post('/api/conversations.history', () => ++pages > 0)
      .reply(200, page(''));
    await expect(board().findPosted(notice('pre_notice'), window)).resolves.toEqual({ kind: 'absent' });
    expect(pages).toBe(3);
  });

  it('reads 10 pages at most, then answers unknown, never absent', async () => {
    let pages = 0;
    api()
      .post('/api/conversations.history', () => ++pages > 0)
      .times(12)
      .reply(200, {
        ok: true,
        messages: [{ ts: '1.1', metadata: meta('x') }],
        response_metadata: { next_cursor: 'more' },
      });
    await expect(board().findPosted(notice('pre_notice'), window)).resolves.toEqual({
      kind: 'unknown',
      error: 'lookup_window_too_busy',
    });
    expect(pages).toBe(10);
  });

  it('finds a thread reply through conversations.replies of the cycle thread', async () => {
    const { bodies, record } = recorder();
    api()
      .post('/api/conversations.replies', record('replies'))
      .reply(200, {
        ok: true,
        messages: [
          { ts: PARENT_TS, metadata: meta('notice-pre_notice') },
          { ts: '1764550800.000200', thread_ts: PARENT_TS, metadata: meta('notice-notice') },
        ],
      });
    const found = await board().findPosted(notice('notice', { thread: true }), window);
    expect(found).toEqual({ kind: 'found', message: { channel: CHANNEL, ts: '1764550800.000200' } });
    expect(bodies.replies?.[0]).toMatchObject({
      channel: CHANNEL,
      ts: PARENT_TS,
      include_all_metadata: 'true',
    });
  });

  it('answers absent when the cycle thread is gone: nothing of ours can be in it', async () => {
    api().post('/api/conversations.replies').reply(200, { ok: false, error: 'thread_not_found' });
    await expect(board().findPosted(notice('notice', { thread: true }), window)).resolves.toEqual({
      kind: 'absent',
    });
  });

  it.each([
    [
      'a Slack error',
      () => api().post('/api/conversations.history').reply(200, { ok: false, error: 'channel_not_found' }),
      { error: 'channel_not_found' },
    ],
    ['HTTP 500', () => api().post('/api/conversations.history').reply(500, 'busy'), { error: 'http_500' }],
    [
      'a network error',
      () => api().post('/api/conversations.history').replyWithError({ code: 'ECONNRESET', message: 'reset' }),
      { error: 'network_error' },
    ],
    [
      'HTTP 429',
      () =>
        api()
          .post('/api/conversations.history')
          .reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '30' }),
      { error: 'ratelimited', retryAfterMs: 30_000 },
    ],
  ] as const)('answers unknown on %s, never absent, never throws', async (_, reply, expected) => {
    reply();
    await expect(board().findPosted(notice('pre_notice'), window)).resolves.toEqual({
      kind: 'unknown',
      ...expected,
    });
  });
});
