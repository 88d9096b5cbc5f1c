import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type SlackStandIn = {
  /** For SLACK_API_URL. */
  readonly url: string;
  /** chat.postMessage calls, by channel. */
  readonly posts: string[];
  /** apps.connections.open calls. */
  readonly opened: () => number;
  /** Socket Mode WebSockets that got their `hello`. */
  readonly connections: () => number;
  /** Ends every open WebSocket, as Slack does when it recycles a connection without a word. */
  dropConnections(): void;
  close(): Promise<void>;
};

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A server-to-client WebSocket frame (unmasked, FIN set). */
function frame(opcode: number, payload: Buffer): Buffer {
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length])
      : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, payload]);
}

/** Client frames (masked) read from `buffer`; returns the rest that is not a whole frame yet. */
function readFrames(buffer: Buffer, onFrame: (opcode: number, payload: Buffer) => void): Buffer {
  let rest = buffer;
  for (;;) {
    if (rest.length < 2) return rest;
    const opcode = (rest[0] ?? 0) & 0x0f;
    let length = (rest[1] ?? 0) & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (rest.length < 4) return rest;
      length = rest.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (rest.length < 10) return rest;
      length = Number(rest.readBigUInt64BE(2));
      offset = 10;
    }
    if (rest.length < offset + 4 + length) return rest;
    const mask = rest.subarray(offset, offset + 4);
    const payload = Buffer.from(rest.subarray(offset + 4, offset + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
    onFrame(opcode, payload);
    rest = rest.subarray(offset + 4 + length);
  }
}

/**
 * A local Slack for `kigen start`: the Web API methods Kigen calls (SLACK_API_URL), and for Socket Mode
 * apps.connections.open with a WebSocket that says `hello` (enough of RFC 6455 for @slack/socket-mode:
 * text frames out, pings answered, close). `appToken: 'invalid'` answers invalid_auth, as Slack does
 * for a wrong or revoked app-level token (`revoked …`: from the second apps.connections.open on).
 */
export async function startSlackStandIn(
  options: { appToken?: 'valid' | 'invalid' | 'revoked after the first connection' } = {},
): Promise<SlackStandIn> {
  const posts: string[] = [];
  const sockets = new Set<Socket>();
  let opened = 0;
  let connections = 0;
  let seq = 0;
  let port = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const channel = new URLSearchParams(body).get('channel') ?? 'C0TEST0001';
      const reply = (payload: object) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (method === 'apps.connections.open') {
        opened++;
        const refused =
          options.appToken === 'invalid' ||
          (options.appToken === 'revoked after the first connection' && opened > 1);
        if (refused) reply({ ok: false, error: 'invalid_auth' });
        else reply({ ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${opened}` });
      } else if (method === 'chat.postMessage') {
        posts.push(channel);
        reply({ ok: true, channel, ts: `${1_800_000_000 + ++seq}.000100` });
      } else if (method.startsWith('conversations.')) {
        reply({ ok: true, messages: [], members: [], has_more: false });
      } else {
        reply({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0TEAM', channel, ts: '1.0' });
      }
    });
  });
  server.on('upgrade', (req, socket: Socket) => {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string') return socket.destroy();
    const accept = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = readFrames(Buffer.concat([pending, chunk]), (opcode, payload) => {
        if (opcode === 0x9) socket.write(frame(0xa, payload)); // ping: pong
        if (opcode === 0x8) socket.end(frame(0x8, payload.subarray(0, 2))); // close: close
      });
    });
    connections++;
    socket.write(frame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1 }))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    posts,
    opened: () => opened,
    connections: () => connections,
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port on loopback that nothing listens on: Slack unreachable (ECONNREFUSED). */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/api/`;
}
