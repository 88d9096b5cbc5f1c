import { createHmac } from 'node:crypto';
import nock from 'nock';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../bot/app/config.ts';
import { createSlackApp, type SlackApp } from '../../bot/app/slack-app.ts';
import { createNodeDnsResolver } from '../../bot/dns/node-dns-resolver.ts';
import { startDnsServer, type TestDnsServer, type Zone } from '../support/dns-server.ts';
import { importSeed } from '../support/seed.ts';
import { type TestDatabase, useTestDatabase } from '../support/test-database.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const SLACK_API = 'https://slack.test';
export const HOOKS = 'https://hooks.slack.test';
export const NOW = new Date('2026-11-25T01:00:00Z');
/** Short DNS timeout for the tests (production: 2 s). */
export const DNS_TIMEOUT_MS = 800;

/** Users and their Slack locales, answered by `users.info`. */
export const USERS = {
  adminJa: { id: 'U0ADMINJA', locale: 'ja-JP' },
  adminEn: { id: 'U0ADMINEN', locale: 'en-US' },
  serviceAdmin: { id: 'U0SERVICE', locale: 'ja-JP' },
  otherGroupAdmin: { id: 'U0OTHERGA', locale: 'en-GB' },
  outsider: { id: 'U0OUTSIDE', locale: 'ja-JP' },
  noLocale: { id: 'U0NOLOCAL', locale: undefined },
} as const;
export const CHANNEL = 'C0CHANNEL1';

/** The sample group's admins and service admin (list items under `members:`). */
export const SAMPLE_MEMBERS = `      - { slackUserId: ${USERS.adminJa.id}, role: group_admin }
      - { slackUserId: ${USERS.adminEn.id}, role: group_admin }
      - { slackUserId: ${USERS.serviceAdmin.id}, role: service_admin }`;

/**
 * The sample group's contracts in CHANNEL, one of each CA and a BYO one (list items under `contracts:`).
 * The GlobalSign and BYO contracts have a current certificate; `certificates` gives the DigiCert and
 * Cybertrust ones one too, so that every contract has an open renewal cycle.
 */
export function sampleContracts(options: { readonly wwwOu: string; readonly certificates: boolean }): string {
  const certificate = (validityDays: number) =>
    options.certificates
      ? `
        certificates:
          - generate: { expiresInDays: 40, validityDays: ${validityDays} }`
      : '';
  return `      - cn: www.example.jp
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: ${CHANNEL}
        applications:
          - kind: new
            dn: { c: JP, st: Tokyo, l: Chiyoda-ku, o: "Sample K.K.", ou: ${options.wwwOu}, cn: www.example.jp }
            applicant: { name: 山田 太郎, email: yamada@example.jp, phone: 03-0000-0000 }
            periodMonths: 12
            csrMethod: customer
            requestedBy: ${USERS.adminJa.id}
            requestedAt: 2025-12-01T10:00:00+09:00${certificate(365)}
      - cn: shop.example.jp
        category: proxy
        ca: cybertrust
        product: cybertrust.sureserver_cloud
        periodMonths: 6
        csrMethod: provider
        wwwOption: true
        channel: ${CHANNEL}
        applications:
          - kind: new
            dn: { c: JP, st: Tokyo, l: Minato-ku, o: "Sample K.K.", cn: shop.example.jp }
            applicant: { name: 佐藤 花子, email: sato@example.jp }
            periodMonths: 6
            csrMethod: provider
            wwwOption: true
            requestedBy: ${USERS.adminEn.id}
            requestedAt: 2026-05-20T15:30:00+09:00${certificate(199)}
      - cn: api.example.co.jp
        category: proxy
        ca: globalsign
        product: globalsign.quick_ssl
        periodMonths: 12
        csrMethod: customer
        channel: ${CHANNEL}
        applications:
          - kind: new
            dn: { c: JP, st: Osaka, l: Osaka-shi, o: "Sample K.K.", ou: API, cn: api.example.co.jp }
            applicant: { name: 鈴木 一郎, email: suzuki@example.co.jp }
            periodMonths: 12
            csrMethod: customer
            approverAddress: admin@example.co.jp
            requestedBy: ${USERS.adminJa.id}
            requestedAt: 2026-03-01T09:00:00+09:00
        certificates:
          - generate: { expiresInDays: 40, validityDays: 199 }
      - cn: byo.example.jp
        category: byo
        channel: ${CHANNEL}
        certificates:
          - generate: { expiresInDays: 80, validityDays: 199, sans: [byo.example.jp, www.byo.example.jp] }`;
}

/** Contracts of each CA and kind, in one channel; another group's contract in the same channel. */
export const SEED_YAML = `
serviceGroups:
  - name: 株式会社サンプル Web運用チーム
    locale: ja
    members:
${SAMPLE_MEMBERS}
      - { slackUserId: ${USERS.noLocale.id}, role: service_admin }
    contracts:
${sampleContracts({ wwwOu: '"Web/Ops *team*"', certificates: false })}
      - cn: broken.example.net
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: C0ELSEWHER
      - cn: slow.example.org
        category: proxy
        ca: globalsign
        product: globalsign.organization_ssl
        periodMonths: 12
        csrMethod: customer
        channel: C0ELSEWHER
  - name: Example Global Inc. Platform
    locale: en
    members:
      - { slackUserId: ${USERS.otherGroupAdmin.id}, role: group_admin }
    contracts:
      - cn: secret.example.net
        category: proxy
        ca: digicert
        product: digicert.global_server_id
        periodMonths: 12
        csrMethod: customer
        channel: ${CHANNEL}
`;

export const ZONE: Zone = {
  '_validation-contactemail.www.example.jp': { txt: [['dcv@example.jp']] },
  'www.example.jp': {},
  'example.jp': { soa: { mname: 'ns.example.jp', rname: 'dns-admin.example.jp' } },
  'shop.example.jp': {},
  '_validation-contactemail.api.example.co.jp': {
    txt: [['approver@example.co.jp'], ['<@U999> *not an address*']],
  },
  'api.example.co.jp': {},
  'example.co.jp': { soa: { mname: 'ns.example.co.jp', rname: 'hostmaster.example.co.jp' } },
  '_validation-contactemail.broken.example.net': { rcode: 'servfail' },
  'broken.example.net': { rcode: 'servfail' },
  '_validation-contactemail.slow.example.org': { silent: true },
  'slow.example.org': { silent: true },
  'example.org': { silent: true },
  '_validation-contactemail.new.example.com': { txt: [['ops@example.com']] },
  'new.example.com': {},
  'example.com': { soa: { mname: 'ns.example.com', rname: 'dns.example.com' } },
};

export type Harness = {
  readonly database: { readonly current: TestDatabase };
  readonly slack: SlackApp;
  readonly port: number;
  readonly dns: TestDnsServer;
  /** Log lines of the app (JSON objects). */
  readonly logs: Record<string, unknown>[];
};

let hookCounter = 0;

/** Starts PostgreSQL (seeded), the loopback DNS server and the Bolt app on a loopback port, for one test file. */
export function useSlackHarness(
  options: { zone?: Zone; seed?: string; now?: Date; env?: Record<string, string> } = {},
): {
  readonly current: Harness;
} {
  const database = useTestDatabase();
  const holder = { current: undefined as unknown as Harness };
  beforeAll(async () => {
    await importSeed(database.current.db, options.seed ?? SEED_YAML, options.now ?? NOW);

    mockSlackApi();
    const dns = await startDnsServer(options.zone ?? ZONE);
    const loaded = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: `${SLACK_API}/api/`,
      KIGEN_LOCALE: 'ja',
      LOG_LEVEL: 'debug',
      ...options.env,
    });
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const config = {
      ...loaded.value,
      slack: { ...loaded.value.slack, port: 0 },
    } as typeof loaded.value;
    const logs: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'debug' },
      { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const slack = createSlackApp({
      config,
      logger,
      db: database.current.db,
      resolver: createNodeDnsResolver({ servers: [dns.address], timeoutMs: DNS_TIMEOUT_MS }),
      now: () => options.now ?? NOW,
      retryConfig: { retries: 0 },
    });
    const { port } = await slack.start();
    if (port === null) throw new Error('no port');
    holder.current = { database, slack, port, dns, logs };
  });
  afterAll(async () => {
    await holder.current?.slack.stop();
    await holder.current?.dns.close();
    nock.cleanAll();
  });
  return holder;
}

/** auth.test and users.info of the Slack Web API (users.info answers with the user's locale). */
function mockSlackApi(): void {
  nock(SLACK_API)
    .persist()
    .post('/api/auth.test')
    .reply(200, { ok: true, user_id: 'U0BOTUSER', bot_id: 'B0BOT', team_id: 'T0TEAM', team: 'Test' });
  nock(SLACK_API)
    .persist()
    .post('/api/users.info')
    .reply(200, (_uri, body) => {
      const params = new URLSearchParams(typeof body === 'string' ? body : '');
      const user = Object.values(USERS).find((u) => u.id === params.get('user'));
      if (!user) return { ok: false, error: 'user_not_found' };
      return {
        ok: true,
        user: {
          id: user.id,
          ...(user.locale && params.get('include_locale') === 'true' ? { locale: user.locale } : {}),
        },
      };
    });
}

export type Answer = {
  readonly response_type?: string;
  readonly text: string;
  readonly blocks?: unknown[];
  readonly replace_original?: boolean;
};

/** A response_url that nock answers, with the body Kigen posts to it. */
export function responseUrl(): {
  readonly url: string;
  readonly answer: Promise<Answer>;
  readonly path: string;
} {
  hookCounter += 1;
  const path = `/commands/T0TEAM/${hookCounter}/${Math.random().toString(36).slice(2)}`;
  let resolve!: (body: Answer) => void;
  const answer = new Promise<Answer>((r) => {
    resolve = r;
  });
  nock(HOOKS)
    .post(path)
    .reply(200, (_uri, body) => {
      resolve(body as Answer);
      return 'ok';
    });
  return { url: `${HOOKS}${path}`, answer, path };
}

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export type Posted = {
  readonly status: number;
  /** Milliseconds from sending to the HTTP response (the ack). */
  readonly ackMs: number;
  readonly ackBody: string;
};

/**
 * POSTs a form body to /slack/events, signed like Slack (or not: `signature`, `timestamp`), with any
 * further `headers` Slack adds (its retry headers, say).
 */
export async function postSigned(
  port: number,
  body: string,
  options: { timestamp?: number; signature?: string; headers?: Record<string, string> } = {},
): Promise<Posted> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? sign(body, timestamp),
      ...options.headers,
    },
    body,
  });
  const ackBody = await response.text();
  return { status: response.status, ackMs: performance.now() - started, ackBody };
}

export type CommandRun = Posted & { readonly answer: Promise<Answer>; readonly responsePath: string };

/** The body of `/cert <text>` with only the fields Kigen reads, answered at `responseUrl`. */
export const commandBody = (
  responseUrl: string,
  options: { readonly text?: string; readonly user?: string } = {},
): string =>
  new URLSearchParams({
    team_id: 'T0TEAM',
    channel_id: CHANNEL,
    user_id: options.user ?? USERS.adminJa.id,
    command: '/cert',
    text: options.text ?? 'help',
    response_url: responseUrl,
    trigger_id: '1.2.3',
  }).toString();

/** `/cert <text>` as Slack sends it. */
export async function slashCommand(
  port: number,
  text: string,
  options: { user?: string; channel?: string; timestamp?: number; signature?: string } = {},
): Promise<CommandRun> {
  const hook = responseUrl();
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0TEAM',
    team_domain: 'test',
    channel_id: options.channel ?? CHANNEL,
    channel_name: 'web-ops',
    user_id: options.user ?? USERS.adminJa.id,
    user_name: 'someone',
    command: '/cert',
    text,
    api_app_id: 'A0KIGEN',
    response_url: hook.url,
    trigger_id: '1234.5678.abcdef',
  }).toString();
  const posted = await postSigned(port, body, options);
  return { ...posted, answer: hook.answer, responsePath: hook.path };
}

/**
 * A click on one button as Slack posts it (block_actions), in `channel` (CHANNEL, #web-ops, unless
 * given), answered through a response_url.
 */
export async function postButtonClick(
  port: number,
  click: {
    readonly user: string;
    readonly channel?: { readonly id: string; readonly name: string };
    /** The message the button is in. */
    readonly container: { readonly messageTs: string; readonly isEphemeral: boolean };
    readonly message?: { readonly ts: string; readonly text: string };
    readonly triggerId: string;
    readonly action: { readonly action_id: string; readonly block_id: string; readonly value: string };
    readonly actionTs: string;
    readonly headers?: Record<string, string>;
  },
): Promise<CommandRun> {
  const hook = responseUrl();
  const channel = click.channel ?? { id: CHANNEL, name: 'web-ops' };
  const payload = {
    type: 'block_actions',
    team: { id: 'T0TEAM', domain: 'test' },
    user: { id: click.user, username: 'someone', team_id: 'T0TEAM' },
    api_app_id: 'A0KIGEN',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: click.container.messageTs,
      channel_id: channel.id,
      is_ephemeral: click.container.isEphemeral,
    },
    trigger_id: click.triggerId,
    channel,
    ...(click.message ? { message: click.message } : {}),
    response_url: hook.url,
    actions: [
      {
        type: 'button',
        action_id: click.action.action_id,
        block_id: click.action.block_id,
        value: click.action.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: click.actionTs,
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const posted = await postSigned(port, body, click.headers ? { headers: click.headers } : {});
  return { ...posted, answer: hook.answer, responsePath: hook.path };
}

/** A block_actions payload for one button (in an ephemeral answer), as Slack sends it. */
export function clickButton(
  port: number,
  action: { action_id: string; value: string; block_id?: string },
  options: { user?: string } = {},
): Promise<CommandRun> {
  return postButtonClick(port, {
    user: options.user ?? USERS.adminJa.id,
    container: { messageTs: '1700000000.000100', isEphemeral: true },
    triggerId: '1234.5678.abcdef',
    action: {
      action_id: action.action_id,
      block_id: action.block_id ?? 'dcv.approver.0',
      value: action.value,
    },
    actionTs: '1700000001.000200',
  });
}

/** All plain and mrkdwn texts in a view, blocks or any part of them (but what is under `skipKeys`). */
export function textsIn(node: unknown, skipKeys: readonly string[] = []): string {
  const parts: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') parts.push(o.text);
      for (const [k, v] of Object.entries(o)) if (!skipKeys.includes(k) && typeof v === 'object') walk(v);
    }
  };
  walk(node);
  return parts.join('\n');
}

/** All the text of an answer (section texts, fields, context), as a person reads it. */
export function answerText(answer: Answer): string {
  return textsIn(answer.blocks ?? [], ['confirm']);
}
