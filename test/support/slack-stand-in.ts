import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A stand-in of the Slack Web API on loopback, close enough to Slack for the outbox's promises to be
 * tested black-box: one message per second per channel (a faster post gets HTTP 429 with Retry-After),
 * message metadata kept and returned by `conversations.history` (in pages of at most 15, as Slack
 * allows distributed apps), and faults on `chat.postMessage` that happen after Slack stored the
 * message (the answer is lost or never comes) or before (a 5xx).
 */
export type Faults = {
  /** Stored, then the connection is cut before the answer. */
  readonly lostAnswer?: number;
  /** Stored, then no answer at all (the client's time-out decides). */
  readonly hang?: number;
  /** Not stored: HTTP 500. */
  readonly serverError?: number;
};

export type StoredMessage = {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | null;
  readonly noticeId: string | null;
  readonly metadata: unknown;
  readonly at: number;
};

export type SlackStandIn = {
  readonly url: string;
  /** Every stored message, in the order Slack stored it. */
  readonly messages: StoredMessage[];
  /** Calls per method, 429s and injected faults. */
  readonly counts: Record<string, number>;
  setFaults(faults: Faults): void;
  /** Stored posts per notice id (metadata `notice_id`). */
  postsPerNotice(): Map<string, number>;
  close(): Promise<void>;
};

const HISTORY_PAGE = 15;

export async function startSlackStandIn(
  options: { faults?: Faults; perChannelIntervalMs?: number; random?: () => number } = {},
): Promise<SlackStandIn> {
  let faults: Faults = options.faults ?? {};
  const interval = options.perChannelIntervalMs ?? 1_000;
  const random = options.random ?? Math.random;
  const messages: StoredMessage[] = [];
  const byChannel = new Map<string, StoredMessage[]>();
  const lastPostAt = new Map<string, number>();
  const counts: Record<string, number> = {};
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let seq = 0;
  const count = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };

  const store = (channel: string, params: Record<string, unknown>): StoredMessage => {
    const at = Date.now();
    seq = (seq + 1) % 1000;
    const ts = `${Math.floor(at / 1000)}.${String((at % 1000) * 1000 + seq).padStart(6, '0')}`;
    const metadata = parseJson(params.metadata);
    const payload = (metadata as { event_payload?: { notice_id?: unknown } } | undefined)?.event_payload;
    const message: StoredMessage = {
      channel,
      ts,
      threadTs: typeof params.thread_ts === 'string' ? params.thread_ts : null,
      noticeId: typeof payload?.notice_id === 'string' ? payload.notice_id : null,
      metadata,
      at,
    };
    messages.push(message);
    const list = byChannel.get(channel) ?? [];
    list.push(message);
    byChannel.set(channel, list);
    return message;
  };

  const answer = (
    res: ServerResponse,
    status: number,
    body: object,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const postMessage = (req: IncomingMessage, res: ServerResponse, params: Record<string, unknown>) => {
    const channel = String(params.channel ?? '');
    const now = Date.now();
    const last = lastPostAt.get(channel);
    if (last !== undefined && now - last < interval) {
      count('rate_limited');
      return answer(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
    }
    const roll = random();
    const f = { lostAnswer: 0, hang: 0, serverError: 0, ...faults };
    if (roll < f.serverError) {
      count('fault:server_error');
      return answer(res, 500, { ok: false, error: 'internal_error' });
    }
    lastPostAt.set(channel, now);
    const message = store(channel, params);
    if (roll < f.serverError + f.lostAnswer) {
      count('fault:lost_answer');
      req.socket.destroy();
      return;
    }
    if (roll < f.serverError + f.lostAnswer + f.hang) {
      count('fault:hang');
      hanging.add(res);
      return;
    }
    answer(res, 200, { ok: true, channel, ts: message.ts, message: { ts: message.ts } });
  };

  const history = (res: ServerResponse, params: Record<string, unknown>, thread: string | null) => {
    const channel = String(params.channel ?? '');
    const oldest = Number(params.oldest ?? 0);
    const latest = params.latest === undefined ? Number.POSITIVE_INFINITY : Number(params.latest);
    const limit = Math.min(Number(params.limit ?? 100), HISTORY_PAGE);
    const offset = Number(params.cursor ?? 0);
    const all = (byChannel.get(channel) ?? [])
      .filter((m) => (thread === null ? m.threadTs === null : m.ts === thread || m.threadTs === thread))
      .filter((m) => Number(m.ts) >= oldest && Number(m.ts) <= latest)
      .reverse();
    const page = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? String(offset + limit) : '';
    answer(res, 200, {
      ok: true,
      messages: page.map((m) => ({
        type: 'message',
        ts: m.ts,
        ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
        ...(m.metadata ? { metadata: m.metadata } : {}),
      })),
      has_more: next !== '',
      response_metadata: { next_cursor: next },
    });
  };

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const method = new URL(req.url ?? '/', 'http://stand-in').pathname.replace(/^\/(api\/)?/, '');
      count(method);
      const params = parseParams(body, req.headers['content-type']);
      switch (method) {
        case 'chat.postMessage':
          return postMessage(req, res, params);
        case 'conversations.history':
          return history(res, params, null);
        case 'conversations.replies':
          return history(res, params, String(params.ts ?? ''));
        case 'auth.test':
          return answer(res, 200, {
            ok: true,
            user_id: 'U0KIGENBOT',
            bot_id: 'B0KIGEN',
            team_id: 'T0STANDIN',
          });
        default:
          return answer(res, 200, { ok: true, channel: params.channel, ts: params.ts });
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    messages,
    counts,
    setFaults(next) {
      faults = next;
    },
    postsPerNotice() {
      const posts = new Map<string, number>();
      for (const m of messages) if (m.noticeId) posts.set(m.noticeId, (posts.get(m.noticeId) ?? 0) + 1);
      return posts;
    },
    async close() {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseParams(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return (parseJson(body) as Record<string, unknown>) ?? {};
  return Object.fromEntries(new URLSearchParams(body));
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
