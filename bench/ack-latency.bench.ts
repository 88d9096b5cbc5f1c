// `npm run bench:ack`: time from a signed Slack request to Bolt's ack, on loopback, at a steady rate.
// Everything is real but Slack: an embedded PostgreSQL with the demo data, the HTTP receiver of
// bot/slack-app.ts, and a stand-in for the Web API and response_url on 127.0.0.1.
// Bounded: RATE requests per second for SECONDS seconds, then it stops by itself.
import { createHmac } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../bot/app/config.ts';
import { demoFile } from '../bot/app/demo.ts';
import { createSlackApp } from '../bot/app/slack-app.ts';
import { createNodeDnsResolver } from '../bot/dns/node-dns-resolver.ts';
import { importData } from '../db/import/import-data.ts';
import { readImportFile } from '../db/import/read-import-file.ts';
import { connect } from '../db/server/connection.ts';
import { ensureDatabase } from '../db/server/database-server.ts';
import { startEmbeddedPostgres } from '../db/server/embedded-postgres.ts';
import { migrateDatabase } from '../db/server/migrate.ts';
import { type FuzzedRequest, fuzzedRequests } from '../test/support/fuzz-payloads.ts';

const RATE = Number(process.env.BENCH_RATE ?? 100);
/** BENCH_FUZZ=1: 16 senders at once, every other request a fuzzed payload, /healthz probed meanwhile. */
const FUZZ = process.env.BENCH_FUZZ === '1';
const SENDERS = Number(process.env.BENCH_SENDERS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SIGNING_SECRET = 'bench-signing-secret';

const dir = await mkdtemp(path.join(tmpdir(), 'kigen-bench-ack-'));
await chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), settings: { fsync: 'off' } });
const standIn = await startSlackStandIn();
try {
  const url = await ensureDatabase(pg.url, 'kigen');
  await migrateDatabase(url);
  const connection = connect(url);
  const source = await readImportFile(demoFile);
  if (!source.ok) throw new Error('demo file unreadable');
  const imported = await importData(connection.db, source.value, new Date());
  if (!imported.ok) throw new Error('demo import failed');

  const loaded = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${standIn.url}/api/`,
    PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const slack = createSlackApp({
    config: loaded.value,
    logger: pino({ level: 'silent' }),
    db: connection.db,
    // No DNS server is reachable here; look-ups fail fast and are answered as failed.
    resolver: createNodeDnsResolver({ servers: ['127.0.0.1:9'], timeoutMs: 200 }),
    retryConfig: { retries: 0 },
  });
  const { port } = await slack.start();
  const events = `http://127.0.0.1:${port}/slack/events`;

  // Warm-up: the first requests pay for module loading and the locale cache.
  for (let i = 0; i < 20; i++) await send(events, command('help', i));

  // Buttons of real notices: a service admin's refused click and an admin's Change-period modal.
  const cycles = await connection.sql<{ id: string }[]>`
    select c.id from renewal_cycles c join contracts k on k.id = c.contract_id
    where k.category = 'proxy' and k.slack_channel_id = 'C0DEMOWEB1' order by k.cn`;
  const cycleId = cycles[0]?.id;
  if (!cycleId) throw new Error('no demo cycle to click on');

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const inFlight: Promise<void>[] = [];
  const total = RATE * SECONDS;
  const requests: ((i: number) => URLSearchParams)[] = [
    (i) => command('help', i),
    (i) => command('status', i),
    (i) => command('dn www.example.jp', i),
    (i) => command('dcv www.example.jp', i),
    (i) => buttonClick('renewal.opt_out', cycleId, 'U0DEMOSVC1', i),
    (i) => buttonClick('renewal.change_period', cycleId, 'U0DEMOADM1', i),
  ];
  if (FUZZ) {
    const fuzzed = fuzzedRequests(20261207, 2_000, {
      team: 'T0BENCH',
      user: 'U0DEMOADM1',
      channel: 'C0DEMOWEB1',
    });
    const rssBefore = process.memoryUsage().rss;
    const health = new Map<number, number>();
    const until = performance.now() + SECONDS * 1000;
    const probe = (async () => {
      while (performance.now() < until) {
        const status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
        health.set(status, (health.get(status) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    let next = 0;
    const sender = async () => {
      while (performance.now() < until) {
        const i = next++;
        const sent =
          i % 2 === 0
            ? await sendRaw(events, fuzzed[(i / 2) % fuzzed.length] as FuzzedRequest)
            : await send(events, (requests[i % requests.length] as (i: number) => URLSearchParams)(i));
        latencies.push(sent.ms);
        statuses.set(sent.status, (statuses.get(sent.status) ?? 0) + 1);
      }
    };
    const t0 = performance.now();
    await Promise.all([...Array.from({ length: SENDERS }, sender), probe]);
    const elapsed = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1500));
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
    const fiveHundreds = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    const result = {
      requests: latencies.length,
      rate: Math.round(latencies.length / elapsed),
      senders: SENDERS,
      statuses: Object.fromEntries(statuses),
      fiveHundreds,
      ackMs: { median: round(pct(50)), p95: round(pct(95)), p99: round(pct(99)), max: round(pct(100)) },
      healthz: Object.fromEntries(health),
      rssMb: {
        before: Math.round(rssBefore / 1048576),
        after: Math.round(process.memoryUsage().rss / 1048576),
      },
    };
    console.log(JSON.stringify(result));
    console.log(
      `fuzz: ${result.requests} requests from ${SENDERS} senders (half fuzzed) at ${result.rate}/s: ` +
        `5xx ${fiveHundreds}; ack p50 ${result.ackMs.median} ms, p99 ${result.ackMs.p99} ms, max ${result.ackMs.max} ms ` +
        `(target p99 < 50 ms); /healthz ${JSON.stringify(result.healthz)}; RSS ${result.rssMb.before} → ${result.rssMb.after} MB`,
    );
    await slack.stop();
    await connection.close();
    process.exitCode = fiveHundreds === 0 && [...health.keys()].every((s) => s === 200) ? 0 : 1;
  } else {
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(
        send(events, (requests[i % requests.length] as (i: number) => URLSearchParams)(i)).then(
          ({ ms, status }) => {
            latencies.push(ms);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - started) / 1000;
    // Let the follow-up answers (after the ack) arrive before counting them.
    await new Promise((r) => setTimeout(r, 1500));

    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
    const result = {
      requests: latencies.length,
      rate: Math.round(latencies.length / elapsed),
      statuses: Object.fromEntries(statuses),
      ackMs: { median: round(pct(50)), p95: round(pct(95)), p99: round(pct(99)), max: round(pct(100)) },
      followUpsReceived: standIn.responses(),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    console.log(JSON.stringify(result));
    console.log(
      `ack latency at ${result.rate} req/s over ${result.requests} signed requests (/cert commands and notice buttons): ` +
        `median ${result.ackMs.median} ms, p95 ${result.ackMs.p95} ms, p99 ${result.ackMs.p99} ms, max ${result.ackMs.max} ms ` +
        `(target p99 < 50 ms); follow-ups ${result.followUpsReceived}; peak RSS ${result.peakRssMb} MB`,
    );
    await slack.stop();
    await connection.close();
    process.exitCode = result.ackMs.p99 < 50 && (statuses.get(200) ?? 0) === latencies.length ? 0 : 1;
  }
} finally {
  await standIn.close();
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}

function command(text: string, i: number): URLSearchParams {
  return new URLSearchParams({
    token: 'unused',
    team_id: 'T0BENCH',
    team_domain: 'bench',
    channel_id: 'C0DEMOWEB1',
    channel_name: 'web',
    user_id: i % 2 ? 'U0DEMOADM1' : 'U0DEMOSVC1',
    user_name: 'bench',
    command: '/cert',
    text,
    api_app_id: 'A0BENCH',
    response_url: `${standIn.url}/respond/${i}`,
    trigger_id: `trigger-${i}`,
  });
}

function buttonClick(actionId: string, cycle: string, user: string, i: number): URLSearchParams {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0BENCH', domain: 'bench' },
    user: { id: user, username: 'bench', team_id: 'T0BENCH' },
    api_app_id: 'A0BENCH',
    token: 'unused',
    container: {
      type: 'message',
      message_ts: '1764000000.000100',
      channel_id: 'C0DEMOWEB1',
      is_ephemeral: false,
    },
    trigger_id: `trigger-${i}`,
    channel: { id: 'C0DEMOWEB1', name: 'web' },
    message: { ts: '1764000000.000100', text: 'notice' },
    response_url: `${standIn.url}/respond/${i}`,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'kigen_notice_actions',
        value: cycle,
        text: { type: 'plain_text', text: 'x' },
        action_ts: '1764000002.000200',
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) });
}

async function send(url: string, form: URLSearchParams): Promise<{ ms: number; status: number }> {
  return sendRaw(url, { body: form.toString(), contentType: 'application/x-www-form-urlencoded' });
}

async function sendRaw(url: string, request: FuzzedRequest): Promise<{ ms: number; status: number }> {
  const body = request.body;
  const ts = Math.floor(Date.now() / 1000).toString();
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const t0 = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': request.contentType,
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signature,
    },
    body,
  });
  await response.arrayBuffer();
  return { ms: performance.now() - t0, status: response.status };
}

async function startSlackStandIn() {
  let responses = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/respond/')) {
        responses++;
        res.end('{"ok":true}');
      } else if (req.url?.startsWith('/api/users.info')) {
        res.end(JSON.stringify({ ok: true, user: { id: 'U', locale: 'ja-JP' } }));
      } else if (req.url?.startsWith('/api/auth.test')) {
        res.end(JSON.stringify({ ok: true, user_id: 'U0BOT', team_id: 'T0BENCH', bot_id: 'B0BOT' }));
      } else {
        res.end('{"ok":true}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    responses: () => responses,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
