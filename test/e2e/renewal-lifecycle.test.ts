/**
 * End to end: contracts driven through their whole renewal lifecycle with the real modules wired as
 * `bot/app/main.ts` wires them — the import, the outbox (`createOutbox`: the store, the keys and the one
 * worker that delivers notices, messages and hand-over events through the Slack boards), the Bolt HTTP
 * receiver with every handler on the same ports. Only Slack itself is replaced (nock records every Web
 * API call and answers like Slack); time is a value passed to the worker's runs and the handlers'
 * clock, never slept.
 */
import { and, asc, eq } from 'drizzle-orm';
import nock from 'nock';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Config, loadConfig } from '../../bot/app/config.ts';
import { createOutbox } from '../../bot/app/outbox.ts';
import { createSlackApp, type SlackApp } from '../../bot/app/slack-app.ts';
import { createNodeDnsResolver } from '../../bot/dns/node-dns-resolver.ts';
import { formatTokyoDateTime } from '../../bot/i18n/locale.ts';
import { DECISION_VIEWS } from '../../bot/views/decisions/modal-parts.ts';
import { NOTICE_ACTIONS, NOTICE_ACTIONS_BLOCK_ID } from '../../bot/views/notice-message.ts';
import { OPS_ACTIONS } from '../../bot/views/operations/ops-message.ts';
import { OPS_VIEWS } from '../../bot/views/operations/ops-modals.ts';
import {
  applicationProgress,
  applications,
  auditEvents,
  certificates,
  contracts,
  handoverDeliveries,
  handoverEvents,
  notices,
  renewalCycles,
} from '../../db/schema.ts';
import { renewalApplicationsOfCycle } from '../../db/stores/decisions.ts';
import { decryptPrivateKey, parseCsr, parseMasterKey } from '../../domain/index.ts';
import type { Outcome, QueueName } from '../../domain/ports/outbox.ts';
import type { OutboxSummary, OutboxWorker } from '../../scheduler/outbox-worker.ts';
import { type FieldValue, submitView, textsOf } from '../handlers/decision-harness.ts';
import { type Answer, postButtonClick, SIGNING_SECRET, SLACK_API, USERS } from '../handlers/slack-harness.ts';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.ts';
import { importSeed } from '../support/seed.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { makeCertificate, makeCertificateForCsr } from '../support/x509-fixtures.ts';

const DAY = 86_400_000;
const MASTER_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const OPS_CHANNEL = 'C0OPSCHAN1';
/** A provider staff member: a member of the operations channel (conversations.members). */
const STAFF = 'U0STAFF001';
const BOT_USER = 'U0BOTUSER';
const ADMIN = USERS.adminJa.id;
const SECOND_ADMIN = USERS.adminEn.id;
const SERVICE_ADMIN = USERS.serviceAdmin.id;

/** One channel per contract, so that every message can be told apart by where it went. */
const CH = { renew: 'C0RENEW001', auto: 'C0AUTO0001', optOut: 'C0OPTOUT01', byo: 'C0BYO00001' } as const;
const CN = {
  renew: 'www.example.jp',
  auto: 'auto.example.jp',
  optOut: 'optout.example.jp',
  byo: 'byo.example.jp',
} as const;

// --- the instants ----------------------------------------------------------------------------------
const IMPORT_AT = new Date('2026-11-01T00:00:00Z');
/** notAfter of the three proxy certificates: 2027-01-04 10:00 JST. */
const PROXY_EXPIRY = new Date('2027-01-04T01:00:00Z');
/** 35 days before is 2026-11-30 10:00 JST: moved earlier to the 09:00 JST delivery time (R-NOTICE-1, R-NOTICE-4). */
const PRE_NOTICE_AT = new Date('2026-11-30T00:00:00Z');
/** 30 days before, 09:00 JST. */
const NOTICE_AT = new Date('2026-12-05T00:00:00Z');
/** 26 and 21 days before the expiry date-time, exactly (R-AUTO-5). */
const DECISION_DEADLINE = new Date('2026-12-09T01:00:00Z');
const DATA_DEADLINE = new Date('2026-12-14T01:00:00Z');
/** notAfter of the BYO certificate: 2027-03-08 12:00 JST; its notice is 90 calendar days before, 09:00 JST. */
const BYO_EXPIRY = new Date('2027-03-08T03:00:00Z');
const BYO_NOTICE_AT = new Date('2026-12-08T00:00:00Z');

const PREVIOUS_APPLICATION = (cn: string) => `
          - kind: new
            dn: { c: JP, st: Tokyo, l: Chiyoda-ku, o: "Sample K.K.", ou: Web, cn: ${cn} }
            applicant: { name: 山田 太郎, email: yamada@example.jp, phone: 03-0000-0000 }
            periodMonths: 12
            csrMethod: customer
            requestedBy: ${ADMIN}
            requestedAt: 2026-01-04T10:00:00+09:00`;

const proxyContract = (cn: string, channel: string, pem: string) => `
      - cn: ${cn}
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: ${channel}
        applications:${PREVIOUS_APPLICATION(cn)}
        certificates:
          - pem: |
${indent(pem, 14)}`;

const indent = (text: string, spaces: number) =>
  text
    .trim()
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');

// --- the Slack stand-in ----------------------------------------------------------------------------

type SlackCall = {
  readonly method: string;
  readonly params: Record<string, unknown>;
  /** The ts Slack answered with (chat.postMessage: the new message's; chat.update: the edited one's). */
  readonly ts: string | null;
};

const calls: SlackCall[] = [];
let tsCounter = 0;
const of = (method: string, channel?: string) =>
  calls.filter((c) => c.method === method && (channel === undefined || c.params.channel === channel));
/** Calls made from `mark` on (a mark is `calls.length` at some point). */
const since = (mark: number, method: string, channel?: string) =>
  calls
    .slice(mark)
    .filter((c) => c.method === method && (channel === undefined || c.params.channel === channel));

function recordSlack(): void {
  const users: Record<string, string | undefined> = Object.fromEntries(
    Object.values(USERS).map((u) => [u.id, u.locale]),
  );
  nock(SLACK_API)
    .persist()
    .post('/api/auth.test')
    .reply(200, { ok: true, user_id: BOT_USER, bot_id: 'B0BOT', team_id: 'T0TEAM', team: 'Test' });
  nock(SLACK_API)
    .persist()
    .post('/api/users.info')
    .reply(200, (_uri, body) => {
      const id = new URLSearchParams(String(body)).get('user') ?? '';
      if (!(id in users) && id !== STAFF) return { ok: false, error: 'user_not_found' };
      const locale = users[id] ?? 'ja-JP';
      return { ok: true, user: { id, locale } };
    });
  nock(SLACK_API)
    .persist()
    .post('/api/conversations.members')
    .reply(200, (_uri, body) => {
      const channel = new URLSearchParams(String(body)).get('channel');
      return channel === OPS_CHANNEL
        ? { ok: true, members: [STAFF, BOT_USER], response_metadata: { next_cursor: '' } }
        : { ok: false, error: 'channel_not_found' };
    });
  for (const method of [
    'chat.postMessage',
    'chat.update',
    'chat.postEphemeral',
    'views.open',
    'views.update',
  ]) {
    nock(SLACK_API)
      .persist()
      .post(`/api/${method}`)
      .reply(200, (_uri, body) => {
        const params: Record<string, unknown> = {};
        for (const [k, v] of new URLSearchParams(String(body))) {
          try {
            params[k] = ['view', 'blocks', 'metadata'].includes(k) ? JSON.parse(v) : v;
          } catch {
            params[k] = v;
          }
        }
        if (method.startsWith('views.')) {
          calls.push({ method, params, ts: null });
          return { ok: true, view: { ...(params.view as object), id: `V0MODAL${calls.length}`, hash: 'h' } };
        }
        const ts =
          method === 'chat.update' ? String(params.ts) : `1790000000.${String(++tsCounter).padStart(6, '0')}`;
        calls.push({ method, params, ts });
        return method === 'chat.postEphemeral'
          ? { ok: true, message_ts: ts }
          : { ok: true, channel: params.channel, ts };
      });
  }
}

const waitFor = (what: string, check: () => boolean | Promise<boolean>) =>
  vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`waiting for ${what}`);
    },
    { timeout: 5_000, interval: 15 },
  );

// --- the running system ----------------------------------------------------------------------------

const database = useTestDatabase();
const db = () => database.current.db;
let clock = IMPORT_AT;
let config: Config;
let slack: SlackApp;
let port: number;
let dns: TestDnsServer;
let worker: OutboxWorker;
const logs: { level: number; msg: string }[] = [];

type Counts = { done: number; skipped: number; failed: number; retried: number };
/** What one run of the outbox did, in total and per queue (notices, messages, hand-over events). */
type Run = OutboxSummary & { readonly [queue in QueueName]: Counts };
let outcomes: { queue: QueueName; outcome: Outcome }[] = [];

/**
 * The outbox worker's run at `clock`: everything ready then (the replica's worker runs by itself,
 * woken by each enqueue; here it is driven, with the clock of the story).
 */
async function deliver(): Promise<Run> {
  outcomes = [];
  const summary = await worker.runUntilIdle(clock);
  const of = (queue: QueueName): Counts => {
    const mine = outcomes.filter((o) => o.queue === queue).map((o) => o.outcome);
    const count = (kind: Outcome['kind']) => mine.filter((o) => o.kind === kind).length;
    return {
      // Delivered and recorded (a delivery whose claim was lost is in the summary's `lost`).
      done: mine.filter((o) => o.kind === 'done' && o.recorded).length,
      skipped: count('skipped'),
      failed: count('failed'),
      retried: count('retry'),
    };
  };
  return { ...summary, notices: of('notices'), messages: of('messages'), handover: of('handover') };
}

/** The outbox at the instant `at`: the notices due then (and anything else ready). */
async function sweepAt(at: Date): Promise<Run> {
  clock = at;
  return deliver();
}

beforeAll(async () => {
  const proxyPems = await Promise.all(
    [CN.renew, CN.auto, CN.optOut].map((cn) =>
      makeCertificate({
        cn,
        notBefore: new Date(PROXY_EXPIRY.getTime() - 199 * DAY),
        notAfter: PROXY_EXPIRY,
      }),
    ),
  );
  const byoPem = await makeCertificate({
    cn: CN.byo,
    sans: [CN.byo, `www.${CN.byo}`],
    notBefore: new Date(BYO_EXPIRY.getTime() - 199 * DAY),
    notAfter: BYO_EXPIRY,
  });
  const seed = `
serviceGroups:
  - name: 株式会社サンプル Web運用チーム
    locale: ja
    members:
      - { slackUserId: ${ADMIN}, role: group_admin }
      - { slackUserId: ${SECOND_ADMIN}, role: group_admin }
      - { slackUserId: ${SERVICE_ADMIN}, role: service_admin }
    contracts:${proxyContract(CN.renew, CH.renew, proxyPems[0]?.pem ?? '')}${proxyContract(CN.auto, CH.auto, proxyPems[1]?.pem ?? '')}${proxyContract(CN.optOut, CH.optOut, proxyPems[2]?.pem ?? '')}
      - cn: ${CN.byo}
        category: byo
        channel: ${CH.byo}
        certificates:
          - pem: |
${indent(byoPem.pem, 14)}
`;
  const loaded = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${SLACK_API}/api/`,
    KIGEN_LOCALE: 'ja',
    KIGEN_MASTER_KEY: MASTER_KEY,
    KIGEN_OPS_CHANNEL: OPS_CHANNEL,
    LOG_LEVEL: 'info',
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  config = { ...loaded.value, slack: { ...loaded.value.slack, port: 0 } } as Config;

  // `kigen import` (bot/cli.ts): the deployment's notice settings, planned in the same transaction.
  await importSeed(db(), seed, IMPORT_AT, { noticeSettings: config.notices });

  recordSlack();
  dns = await startDnsServer({});
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => logs.push(JSON.parse(line) as { level: number; msg: string }) },
  );
  // As bot/main.ts: the outbox (store, keys, the one worker with the Slack boards), and the Bolt app
  // on the same ports. Pacing is Slack's concern, not this story's: the lanes are not paced here.
  const outbox = createOutbox({
    config,
    db: db(),
    logger,
    worker: {
      paceMs: () => 0,
      onOutcome: (queue, _claim, outcome) => void outcomes.push({ queue, outcome }),
    },
  });
  if (!outbox.worker) throw new Error('deliver mode: an outbox worker is expected');
  worker = outbox.worker;
  const resolver = createNodeDnsResolver({ servers: [dns.address], timeoutMs: 800 });
  slack = createSlackApp({
    config,
    logger,
    db: db(),
    resolver,
    wakeOutbox: () => worker.wake(),
    ports: { store: outbox.store, keys: outbox.keys, dns: resolver },
    now: () => clock,
    retryConfig: { retries: 0 },
  });
  const started = await slack.start();
  if (started.port === null) throw new Error('no port');
  port = started.port;
});

afterAll(async () => {
  await slack?.stop();
  await dns?.close();
  nock.cleanAll();
});

// --- what the database holds -----------------------------------------------------------------------

async function contractOf(cn: string) {
  const [row] = await db().select().from(contracts).where(eq(contracts.cn, cn));
  if (!row) throw new Error(`no contract ${cn}`);
  return row;
}

async function cyclesOf(cn: string) {
  const contract = await contractOf(cn);
  return db()
    .select()
    .from(renewalCycles)
    .where(eq(renewalCycles.contractId, contract.id))
    .orderBy(asc(renewalCycles.expiresAt));
}

async function cycleOf(cn: string, index = 0) {
  const cycle = (await cyclesOf(cn))[index];
  if (!cycle) throw new Error(`no cycle ${index} for ${cn}`);
  return cycle;
}

async function noticesOf(cycleId: string) {
  const rows = await db()
    .select()
    .from(notices)
    .where(eq(notices.cycleId, cycleId))
    .orderBy(asc(notices.dueAt));
  return rows.map((n) => ({
    kind: n.kind,
    dueAt: n.dueAt.toISOString(),
    status: n.status,
    id: n.id,
    slackTs: n.slackTs,
  }));
}

// --- what people do in Slack -----------------------------------------------------------------------

/** A click on a button of a message, as Slack sends it: the container is that message. */
async function click(
  action: { actionId: string; value: string; blockId?: string },
  where: { user: string; channel: string; ts: string },
): Promise<{ answer: Promise<Answer> }> {
  const posted = await postButtonClick(port, {
    user: where.user,
    channel: { id: where.channel, name: 'channel' },
    container: { messageTs: where.ts, isEphemeral: false },
    message: { ts: where.ts, text: 'notice' },
    triggerId: `trigger.${Math.random().toString(36).slice(2)}`,
    action: {
      action_id: action.actionId,
      block_id: action.blockId ?? NOTICE_ACTIONS_BLOCK_ID,
      value: action.value,
    },
    actionTs: '1790000001.000100',
  });
  expect(posted.status).toBe(200);
  return { answer: posted.answer };
}

type ModalView = {
  callback_id: string;
  private_metadata: string;
  blocks: {
    type: string;
    block_id?: string;
    element?: {
      type: string;
      initial_value?: string;
      initial_option?: { value: string };
      initial_options?: { value: string }[];
    };
  }[];
};

/** What Slack submits for a modal nobody edited: every input with its initial value. */
function asFilledIn(view: ModalView, overrides: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const block of view.blocks) {
    if (block.type !== 'input' || !block.block_id || !block.element) continue;
    const e = block.element;
    if (e.type === 'plain_text_input') fields[block.block_id] = { text: e.initial_value ?? '' };
    else if (e.type === 'radio_buttons' || e.type === 'static_select')
      fields[block.block_id] = { selected: e.initial_option?.value ?? null };
    else if (e.type === 'checkboxes')
      fields[block.block_id] = { checked: (e.initial_options ?? []).map((o) => o.value) };
  }
  return { ...fields, ...overrides };
}

const actionIdsOf = (blocks: unknown): string[] =>
  ((blocks as { type: string; elements?: { action_id?: string }[] }[]) ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? ''));

const buttonValuesOf = (blocks: unknown): string[] =>
  ((blocks as { type: string; elements?: { value?: string }[] }[]) ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.value ?? ''));

const jst = (at: Date) => formatTokyoDateTime(at, 'ja');

// ====================================================================================================

/** The parent message of each cycle, as the outbox recorded it. */
const parent: Partial<Record<keyof typeof CN, { channel: string; ts: string }>> = {};

describe('import', () => {
  it('plans one cycle per contract with its notices at the promised instants', async () => {
    const renew = await cycleOf(CN.renew);
    expect(renew).toMatchObject({
      state: 'scheduled',
      expiresAt: PROXY_EXPIRY,
      decisionDeadline: DECISION_DEADLINE,
      dataDeadline: DATA_DEADLINE,
      slackTs: null,
    });
    expect((await noticesOf(renew.id)).map(({ kind, dueAt, status }) => ({ kind, dueAt, status }))).toEqual([
      { kind: 'pre_notice', dueAt: PRE_NOTICE_AT.toISOString(), status: 'pending' },
      { kind: 'notice', dueAt: NOTICE_AT.toISOString(), status: 'pending' },
      { kind: 'decision_deadline', dueAt: DECISION_DEADLINE.toISOString(), status: 'pending' },
      { kind: 'data_deadline', dueAt: DATA_DEADLINE.toISOString(), status: 'pending' },
      { kind: 'term_end', dueAt: PROXY_EXPIRY.toISOString(), status: 'pending' },
    ]);
    const byo = await cycleOf(CN.byo);
    expect(byo).toMatchObject({ state: 'scheduled', expiresAt: BYO_EXPIRY, decisionDeadline: null });
    expect((await noticesOf(byo.id)).map(({ kind, dueAt }) => ({ kind, dueAt }))).toEqual([
      { kind: 'byo_notice', dueAt: BYO_NOTICE_AT.toISOString() },
      { kind: 'byo_expiry', dueAt: BYO_EXPIRY.toISOString() },
    ]);
    // Imported history is not handed over again.
    expect(await deliver()).toMatchObject({ claimed: 0 });
  });
});

describe('a proxy contract renewed by a group admin, issued through the operations channel', () => {
  let cycleId = '';
  let applicationId = '';
  let opsMessage: { channel: string; ts: string } | undefined;
  /** The outbox's run after the renewal request, and the calls before it. */
  let renewRun: Run | undefined;
  let renewMark = 0;

  it('nothing is posted a moment before the pre-notice instant', async () => {
    const summary = await sweepAt(new Date(PRE_NOTICE_AT.getTime() - 1));
    expect(summary.claimed).toBe(0);
    expect(calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('at the pre-notice instant the parent message is posted, mentioning both roles, with the three buttons', async () => {
    const summary = await sweepAt(PRE_NOTICE_AT);
    expect(summary).toMatchObject({ notices: { done: 3, failed: 0, retried: 0 } });
    const cycle = await cycleOf(CN.renew);
    cycleId = cycle.id;
    const [preNotice] = await noticesOf(cycleId);

    const posts = of('chat.postMessage', CH.renew);
    expect(posts).toHaveLength(1);
    const post = posts[0] as SlackCall;
    expect(post.params.thread_ts).toBeUndefined();
    const text = textsOf(post.params.blocks);
    expect(text).toContain('35日前の事前通知');
    expect(text).toContain(`\`${CN.renew}\``);
    for (const user of [ADMIN, SECOND_ADMIN, SERVICE_ADMIN]) expect(text).toContain(`<@${user}>`);
    expect(text).toContain(jst(PROXY_EXPIRY));
    expect(text).toContain(jst(DECISION_DEADLINE));
    expect(text).toContain(jst(DATA_DEADLINE));
    expect(actionIdsOf(post.params.blocks)).toEqual([
      NOTICE_ACTIONS.renew,
      NOTICE_ACTIONS.changePeriod,
      NOTICE_ACTIONS.optOut,
    ]);
    expect(buttonValuesOf(post.params.blocks)).toEqual([cycleId, cycleId, cycleId]);
    expect(post.params.metadata).toEqual({
      event_type: 'kigen_notice',
      event_payload: {
        notice_id: preNotice?.id,
        cycle_id: cycleId,
        contract_id: cycle.contractId,
        kind: 'pre_notice',
      },
    });

    // The cycle records its parent message; the notice its message.
    parent.renew = { channel: CH.renew, ts: post.ts as string };
    expect(cycle).toMatchObject({ state: 'noticed', slackChannelId: CH.renew, slackTs: post.ts });
    expect(cycle.noticedAt).toEqual(PRE_NOTICE_AT);
    expect(preNotice).toMatchObject({ status: 'sent', slackTs: post.ts });
    // The other two proxy contracts got theirs, in their own channels.
    for (const key of ['auto', 'optOut'] as const) {
      const [other] = of('chat.postMessage', CH[key]);
      expect(other?.params.thread_ts).toBeUndefined();
      parent[key] = { channel: CH[key], ts: other?.ts as string };
      expect((await cycleOf(CN[key])).slackTs).toBe(other?.ts);
    }
    // A second run at the same instant posts nothing again.
    expect(await sweepAt(PRE_NOTICE_AT)).toMatchObject({ claimed: 0 });
  });

  it('at the 30-day instant the parent is re-rendered and a broadcast reply opens the thread', async () => {
    const mark = calls.length;
    const summary = await sweepAt(NOTICE_AT);
    expect(summary).toMatchObject({ notices: { done: 3, failed: 0 } });
    const updates = since(mark, 'chat.update', CH.renew);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.params).toMatchObject({ channel: CH.renew, ts: parent.renew?.ts });
    expect(actionIdsOf(updates[0]?.params.blocks)).toEqual([
      NOTICE_ACTIONS.renew,
      NOTICE_ACTIONS.changePeriod,
      NOTICE_ACTIONS.optOut,
    ]);
    const replies = since(mark, 'chat.postMessage', CH.renew);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.params).toMatchObject({ thread_ts: parent.renew?.ts, reply_broadcast: 'true' });
    const reply = textsOf(replies[0]?.params.blocks);
    expect(reply).toContain('更新のお知らせ（30日前）');
    expect(reply).toContain(`判断の期限は ${jst(DECISION_DEADLINE)}`);
    expect(reply).toContain(`<@${ADMIN}>`);
    const [, notice] = await noticesOf(cycleId);
    expect(notice).toMatchObject({ kind: 'notice', status: 'sent', slackTs: replies[0]?.ts });
    // The parent stays the first message: the cycle keeps its ts.
    expect((await cycleOf(CN.renew)).slackTs).toBe(parent.renew?.ts);
  });

  it('a service admin who clicks Renew is refused, only to them, and nothing is recorded', async () => {
    clock = new Date(NOTICE_AT.getTime() + 3 * 3_600_000);
    const mark = calls.length;
    const run = await click(
      { actionId: NOTICE_ACTIONS.renew, value: cycleId },
      { user: SERVICE_ADMIN, ...(parent.renew as { channel: string; ts: string }) },
    );
    const answer = await run.answer;
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(answer.text).toContain('グループ管理者');
    expect(answer.text).toContain(`<@${ADMIN}>`);
    expect(since(mark, 'views.open')).toEqual([]);
    expect(calls.slice(mark)).toEqual([]);
    expect(await renewalApplicationsOfCycle(db(), cycleId)).toEqual([]);
    expect(await cycleOf(CN.renew)).toMatchObject({ state: 'noticed', decision: null, decidedBy: null });
    const refused = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'decision.refused'), eq(auditEvents.actor, SERVICE_ADMIN)));
    expect(refused).toHaveLength(1);
  });

  it('a group admin renews through the modal, the provider generating the key: the application is recorded and the parent edited', async () => {
    clock = new Date(NOTICE_AT.getTime() + 4 * 3_600_000);
    const decidedAt = clock;
    const mark = calls.length;
    await click(
      { actionId: NOTICE_ACTIONS.renew, value: cycleId },
      { user: ADMIN, ...(parent.renew as { channel: string; ts: string }) },
    );
    await waitFor('views.open', () => since(mark, 'views.open').length === 1);
    const view = since(mark, 'views.open')[0]?.params.view as ModalView;
    expect(view.callback_id).toBe(DECISION_VIEWS.renew);
    expect(JSON.parse(view.private_metadata)).toEqual({ c: cycleId, ch: CH.renew, ts: parent.renew?.ts });
    const fields = asFilledIn(view, { csr_method: { selected: 'provider' } });
    // Pre-filled from the previous application.
    expect(fields).toMatchObject({ dn_o: { text: 'Sample K.K.' }, applicant_name: { text: '山田 太郎' } });

    const submitted = await submitView(port, {
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata,
      fields,
      user: ADMIN,
    });
    expect(submitted.ack).toBeNull();
    // The person who clicked is told privately at once; the channel hears from the outbox.
    await waitFor('the ephemeral confirmation', () => since(mark, 'chat.postEphemeral').length === 1);
    expect(since(mark, 'chat.postEphemeral')[0]?.params).toMatchObject({ channel: CH.renew, user: ADMIN });
    const [application, ...others] = await renewalApplicationsOfCycle(db(), cycleId);
    expect(others).toEqual([]);
    applicationId = application?.id ?? '';
    expect(application).toMatchObject({
      kind: 'renewal',
      csrMethod: 'provider',
      periodMonths: 12,
      dnCn: CN.renew,
      dnO: 'Sample K.K.',
      requestedBy: ADMIN,
      requestedAt: decidedAt,
    });
    // R-CSR-3: the generated key is stored encrypted, and it is the CSR's key.
    expect(application?.encryptedPrivateKey).toMatch(/^v1:/);
    const masterKey = parseMasterKey(MASTER_KEY);
    if (!masterKey.ok) throw new Error('master key');
    const key = decryptPrivateKey(application?.encryptedPrivateKey ?? '', masterKey.value, {
      context: application?.contractId ?? '',
    });
    if (!key.ok) throw new Error(`key: ${key.reason}`);
    const csr = parseCsr(application?.csrPem ?? '');
    if (!csr.ok) throw new Error(`csr: ${csr.reason}`);
    const { createPublicKey, createHash } = await import('node:crypto');
    const spki = createPublicKey(key.value).export({ type: 'spki', format: 'der' });
    expect(createHash('sha256').update(spki).digest('hex')).toBe(csr.value.publicKey.spkiSha256);

    expect(await cycleOf(CN.renew)).toMatchObject({
      state: 'renewal_requested',
      decision: 'renew',
      decidedBy: ADMIN,
      decidedAt,
      renewalDataComplete: true,
    });

    // The hand-over was enqueued with the decision, in its transaction: pending until the outbox runs.
    expect(
      await db()
        .select({
          kind: handoverEvents.kind,
          channel: handoverDeliveries.channel,
          status: handoverDeliveries.status,
        })
        .from(handoverDeliveries)
        .innerJoin(handoverEvents, eq(handoverEvents.id, handoverDeliveries.eventId))
        .where(eq(handoverEvents.applicationId, applicationId)),
    ).toEqual([{ kind: 'application', channel: 'ops_channel', status: 'pending' }]);
    expect(of('chat.postMessage', OPS_CHANNEL)).toEqual([]);
    expect(since(mark, 'chat.update', CH.renew)).toEqual([]);
    expect(since(mark, 'chat.postMessage', CH.renew)).toEqual([]);

    // The outbox's run delivers what the decision enqueued: the parent re-rendered with its thread
    // reply, and the hand-over.
    renewMark = calls.length;
    renewRun = await deliver();
    expect(renewRun).toMatchObject({ messages: { done: 1, failed: 0, retried: 0 } });
    // The parent the outbox recorded is edited: no buttons, the decision named.
    const updates = since(mark, 'chat.update', CH.renew);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.params).toMatchObject({ channel: CH.renew, ts: parent.renew?.ts });
    expect(actionIdsOf(updates[0]?.params.blocks)).toEqual([]);
    expect(textsOf(updates[0]?.params.blocks)).toContain(
      `<@${ADMIN}> が ${jst(decidedAt)} に更新を申し込みました`,
    );
    const reply = since(mark, 'chat.postMessage', CH.renew)[0];
    expect(reply?.params.thread_ts).toBe(parent.renew?.ts);
    const replyText = textsOf(reply?.params.blocks);
    expect(replyText).toContain('更新の申し込み');
    expect(replyText).toContain('鍵ペアとCSRはプロバイダが新しく生成しました');
    for (const call of calls) expect(JSON.stringify(call.params)).not.toContain('PRIVATE KEY');
  });

  it('a second admin who clicks Renew is told who decided and when', async () => {
    const decidedAt = (await cycleOf(CN.renew)).decidedAt as Date;
    clock = new Date(decidedAt.getTime() + 600_000);
    const mark = calls.length;
    const run = await click(
      { actionId: NOTICE_ACTIONS.renew, value: cycleId },
      { user: SECOND_ADMIN, ...(parent.renew as { channel: string; ts: string }) },
    );
    const answer = await run.answer;
    // The second admin's Slack locale is English.
    expect(answer.text).toBe(
      `<@${ADMIN}> already asked to renew on ${formatTokyoDateTime(decidedAt, 'en')}. Nothing was changed.`,
    );
    expect(since(mark, 'views.open')).toEqual([]);
    expect(await renewalApplicationsOfCycle(db(), cycleId)).toHaveLength(1);
  });

  it('the hand-over posts the application to the operations channel with the staff’s buttons', async () => {
    // Delivered by the outbox's run after the renewal request, with the customer's messages.
    const summary = renewRun;
    expect(summary).toMatchObject({ handover: { done: 1, retried: 0 } });
    const posts = since(renewMark, 'chat.postMessage', OPS_CHANNEL);
    expect(posts).toHaveLength(1);
    const text = textsOf(posts[0]?.params.blocks);
    expect(text).toContain(`更新の申請: ${CN.renew}`);
    expect(text).toContain('プロバイダが鍵とCSRを生成');
    expect(text).toContain('BEGIN CERTIFICATE REQUEST');
    expect(text).not.toContain('PRIVATE KEY');
    expect(actionIdsOf(posts[0]?.params.blocks)).toEqual([
      OPS_ACTIONS.submitted,
      OPS_ACTIONS.issued,
      OPS_ACTIONS.rejected,
    ]);
    expect(buttonValuesOf(posts[0]?.params.blocks)).toEqual([applicationId, applicationId, applicationId]);
    opsMessage = { channel: OPS_CHANNEL, ts: posts[0]?.ts as string };
    expect(await deliver()).toMatchObject({ claimed: 0 });
  });

  it('staff register the issued certificate: the cycle completes, the next is planned, the customer’s thread is told', async () => {
    clock = new Date('2026-12-07T02:00:00Z');
    const issuedAt = clock;
    const [application] = await renewalApplicationsOfCycle(db(), cycleId);
    // What a CA issues today for a 1-year renewal: 199 days, the CA/B Forum cap (R-CABF-1).
    const notBefore = new Date(issuedAt.getTime() - 3_600_000);
    const newExpiry = new Date(notBefore.getTime() + 199 * DAY); // 2027-06-24 10:00 JST
    const issued = await makeCertificateForCsr(application?.csrPem ?? '', { notBefore, notAfter: newExpiry });
    const mark = calls.length;
    await click(
      { actionId: OPS_ACTIONS.issued, value: applicationId, blockId: 'kigen_ops_actions' },
      { user: STAFF, ...(opsMessage as { channel: string; ts: string }) },
    );
    await waitFor('the issued modal', () => since(mark, 'views.open').length === 1);
    const modal = since(mark, 'views.open')[0]?.params.view as ModalView;
    expect(modal.callback_id).toBe(OPS_VIEWS.issued);
    const run = await submitView(port, {
      callbackId: modal.callback_id,
      privateMetadata: modal.private_metadata,
      fields: { certificate: { text: issued.pem } },
      user: STAFF,
    });
    expect(run.ack).toMatchObject({ response_action: 'update' });
    expect(textsOf(run.ack?.view)).toContain('登録しました');

    // R-VALID-1 (DigiCert, 1 year): old expiry + 365 days 23:59:59, as the issue came before the old
    // expiry. R-CABF-2: the renewal follows the end of the contract period, not the short certificate.
    const periodEnd = new Date('2028-01-05T00:59:59Z');
    const cycles = await cyclesOf(CN.renew);
    expect(cycles.map((c) => [c.state, c.expiresAt.toISOString()])).toEqual([
      ['completed', PROXY_EXPIRY.toISOString()],
      ['scheduled', periodEnd.toISOString()],
    ]);
    const [stored] = await db()
      .select()
      .from(certificates)
      .where(eq(certificates.sha256, issued.fingerprintSha256Hex));
    expect(stored).toMatchObject({
      applicationId,
      notAfter: newExpiry,
      contractPeriodEnd: periodEnd,
      registeredBy: `ops:${STAFF}`,
      encryptedPrivateKey: application?.encryptedPrivateKey,
    });
    const [progress] = await db()
      .select()
      .from(applicationProgress)
      .where(eq(applicationProgress.applicationId, applicationId));
    expect(progress).toMatchObject({ status: 'issued', certificateId: stored?.id, issuedAt });
    // The next cycle: the same instants relative to the end of the period (2028-01-05 09:59:59 JST).
    const next = cycles[1];
    expect(next).toMatchObject({
      certificateId: stored?.id,
      decisionDeadline: new Date('2027-12-10T00:59:59Z'),
      dataDeadline: new Date('2027-12-15T00:59:59Z'),
      slackTs: null,
    });
    expect(
      (await noticesOf(next?.id ?? '')).map(({ kind, dueAt, status }) => ({ kind, dueAt, status })),
    ).toEqual([
      { kind: 'pre_notice', dueAt: '2027-12-01T00:00:00.000Z', status: 'pending' },
      { kind: 'notice', dueAt: '2027-12-06T00:00:00.000Z', status: 'pending' },
      { kind: 'decision_deadline', dueAt: '2027-12-10T00:59:59.000Z', status: 'pending' },
      { kind: 'data_deadline', dueAt: '2027-12-15T00:59:59.000Z', status: 'pending' },
      { kind: 'term_end', dueAt: periodEnd.toISOString(), status: 'pending' },
    ]);
    // The short certificate gets its one re-issue notice (no cycle), 30 days before it expires, 09:00 JST.
    const reissue = await db()
      .select({ kind: notices.kind, dueAt: notices.dueAt, cycleId: notices.cycleId })
      .from(notices)
      .where(and(eq(notices.certificateId, stored?.id ?? ''), eq(notices.kind, 'reissue_due')));
    expect(reissue).toEqual([
      { kind: 'reissue_due', dueAt: new Date('2027-05-25T00:00:00Z'), cycleId: null },
    ]);

    // What is told to whom comes from the outbox, in the transaction of the fact: the operations
    // message re-rendered, and the customer's notice re-rendered with a reply in its thread.
    expect(since(mark, 'chat.postMessage', CH.renew)).toEqual([]);
    expect(await deliver()).toMatchObject({ messages: { done: 2, failed: 0, retried: 0 } });
    expect(since(mark, 'chat.postMessage', CH.renew)).toHaveLength(1);
    const told = since(mark, 'chat.postMessage', CH.renew)[0];
    expect(told?.params.thread_ts).toBe(parent.renew?.ts);
    expect(String(told?.params.text)).toContain(
      `\`${CN.renew}\` の新しい証明書が発行されました（有効期限 ${jst(newExpiry)}）`,
    );
    expect(since(mark, 'chat.update', OPS_CHANNEL)).toHaveLength(1);
    const opsUpdate = since(mark, 'chat.update', OPS_CHANNEL)[0];
    expect(opsUpdate?.params.ts).toBe(opsMessage?.ts);
    expect(textsOf(opsUpdate?.params.blocks)).toContain('発行済みの証明書を登録しました');
    expect(actionIdsOf(opsUpdate?.params.blocks)).toEqual([]);
  });
});

describe('a BYO contract whose admin registers the renewed certificate', () => {
  let cycleId = '';

  it('at its 90-day instant the byo_notice is posted with the register button', async () => {
    const mark = calls.length;
    const summary = await sweepAt(BYO_NOTICE_AT);
    expect(summary).toMatchObject({ notices: { done: 1, failed: 0 } });
    const cycle = await cycleOf(CN.byo);
    cycleId = cycle.id;
    const posts = since(mark, 'chat.postMessage', CH.byo);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.params.thread_ts).toBeUndefined();
    const text = textsOf(posts[0]?.params.blocks);
    expect(text).toContain('90日前の通知');
    for (const user of [ADMIN, SECOND_ADMIN, SERVICE_ADMIN]) expect(text).toContain(`<@${user}>`);
    expect(actionIdsOf(posts[0]?.params.blocks)).toEqual([NOTICE_ACTIONS.byoRegister, NOTICE_ACTIONS.optOut]);
    expect(posts[0]?.params.metadata).toMatchObject({
      event_payload: { kind: 'byo_notice', cycle_id: cycleId },
    });
    parent.byo = { channel: CH.byo, ts: posts[0]?.ts as string };
    expect(cycle).toMatchObject({ state: 'noticed', slackChannelId: CH.byo, slackTs: posts[0]?.ts });
    // Nothing else was due.
    expect(calls.slice(mark).filter((c) => c.params.channel !== CH.byo)).toEqual([]);
  });

  it('the admin registers the renewed certificate through the modal: the cycle completes and the next one is planned', async () => {
    clock = new Date('2026-12-08T02:00:00Z');
    const newExpiry = new Date('2027-09-01T03:00:00Z');
    const renewed = await makeCertificate({
      cn: CN.byo,
      sans: [CN.byo, `www.${CN.byo}`],
      notBefore: new Date(clock.getTime() - DAY),
      notAfter: newExpiry,
    });
    const mark = calls.length;
    await click(
      { actionId: NOTICE_ACTIONS.byoRegister, value: cycleId },
      { user: ADMIN, ...(parent.byo as { channel: string; ts: string }) },
    );
    await waitFor('views.open', () => since(mark, 'views.open').length === 1);
    const view = since(mark, 'views.open')[0]?.params.view as ModalView;
    expect(view.callback_id).toBe(DECISION_VIEWS.byoRegister);
    const run = await submitView(port, {
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata,
      fields: asFilledIn(view, { certificate: { text: renewed.pem } }),
      user: ADMIN,
    });
    expect(run.ack).toMatchObject({ response_action: 'update' });
    expect(textsOf(run.ack?.view)).toContain('登録しました');

    const cycles = await cyclesOf(CN.byo);
    expect(cycles.map((c) => [c.state, c.expiresAt.toISOString()])).toEqual([
      ['completed', BYO_EXPIRY.toISOString()],
      ['scheduled', newExpiry.toISOString()],
    ]);
    // 90 calendar days before 2027-09-01 is 2027-06-03, at 09:00 JST; the expiry reminder at the instant.
    expect(
      (await noticesOf(cycles[1]?.id ?? '')).map(({ kind, dueAt, status }) => ({ kind, dueAt, status })),
    ).toEqual([
      { kind: 'byo_notice', dueAt: '2027-06-03T00:00:00.000Z', status: 'pending' },
      { kind: 'byo_expiry', dueAt: newExpiry.toISOString(), status: 'pending' },
    ]);
    const [stored] = await db()
      .select()
      .from(certificates)
      .where(eq(certificates.sha256, renewed.fingerprintSha256Hex));
    expect(stored).toMatchObject({ registeredBy: ADMIN, notAfter: newExpiry });

    // A BYO renewal is the customer's own: the outbox's run tells the thread, nothing for the back office.
    expect(await deliver()).toMatchObject({
      messages: { done: 1 },
      notices: { done: 0 },
      handover: { done: 0 },
    });
    await waitFor('the thread reply', () => since(mark, 'chat.postMessage', CH.byo).length === 1);
    const updates = since(mark, 'chat.update', CH.byo);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.params.ts).toBe(parent.byo?.ts);
    expect(actionIdsOf(updates[0]?.params.blocks)).toEqual([]);
    expect(textsOf(updates[0]?.params.blocks)).toContain('更新された証明書が登録されました');
    const reply = since(mark, 'chat.postMessage', CH.byo)[0];
    expect(reply?.params.thread_ts).toBe(parent.byo?.ts);
    expect(textsOf(reply?.params.blocks)).toContain(jst(newExpiry));
    expect(await deliver()).toMatchObject({ claimed: 0 });
  });
});

describe('nobody acts, or someone opts out: the deadlines decide', () => {
  it('R-AUTO-1: opt out, Undo, opt out again: each recorded, the parent edited, the thread told, each handed over', async () => {
    const cycle = await cycleOf(CN.optOut);
    const where = (user: string) => ({ user, ...(parent.optOut as { channel: string; ts: string }) });

    clock = new Date('2026-12-08T03:00:00Z');
    const first = calls.length;
    let mark = calls.length;
    // Each decision's run of the outbox: the notice and its thread, and the hand-over.
    const delivered = async () =>
      expect(await deliver()).toMatchObject({
        messages: { done: 1, failed: 0 },
        handover: { done: 1, failed: 0, retried: 0 },
      });
    let run = await click({ actionId: NOTICE_ACTIONS.optOut, value: cycle.id }, where(ADMIN));
    expect((await run.answer).text).toContain('解約を受け付けました');
    await delivered();
    await waitFor('the opt-out reply', () => since(mark, 'chat.postMessage', CH.optOut).length === 1);
    expect(await cycleOf(CN.optOut)).toMatchObject({
      state: 'opted_out',
      decision: 'opt_out',
      decidedBy: ADMIN,
    });
    let update = since(mark, 'chat.update', CH.optOut)[0];
    expect(update?.params.ts).toBe(parent.optOut?.ts);
    expect(actionIdsOf(update?.params.blocks)).toEqual([NOTICE_ACTIONS.undoOptOut]);
    expect(textsOf(update?.params.blocks)).toContain(`<@${ADMIN}> が ${jst(clock)} に解約を選びました`);
    expect(since(mark, 'chat.postMessage', CH.optOut)[0]?.params.thread_ts).toBe(parent.optOut?.ts);

    clock = new Date('2026-12-08T03:10:00Z');
    mark = calls.length;
    run = await click({ actionId: NOTICE_ACTIONS.undoOptOut, value: cycle.id }, where(ADMIN));
    expect((await run.answer).text).toContain('解約を取り消しました');
    await delivered();
    await waitFor('the undo reply', () => since(mark, 'chat.postMessage', CH.optOut).length === 1);
    expect(await cycleOf(CN.optOut)).toMatchObject({ state: 'noticed', decision: null });
    update = since(mark, 'chat.update', CH.optOut)[0];
    expect(update?.params.ts).toBe(parent.optOut?.ts);
    expect(actionIdsOf(update?.params.blocks)).toEqual([
      NOTICE_ACTIONS.renew,
      NOTICE_ACTIONS.changePeriod,
      NOTICE_ACTIONS.optOut,
    ]);
    expect(textsOf(since(mark, 'chat.postMessage', CH.optOut)[0]?.params.blocks)).toContain('解約の取り消し');

    clock = new Date('2026-12-08T03:20:00Z');
    mark = calls.length;
    run = await click({ actionId: NOTICE_ACTIONS.optOut, value: cycle.id }, where(SECOND_ADMIN));
    expect((await run.answer).text).toContain('opt-out');
    await delivered();
    await waitFor('the second opt-out reply', () => since(mark, 'chat.postMessage', CH.optOut).length === 1);
    expect(await cycleOf(CN.optOut)).toMatchObject({
      state: 'opted_out',
      decision: 'opt_out',
      decidedBy: SECOND_ADMIN,
      decidedAt: clock,
    });
    expect(actionIdsOf(since(mark, 'chat.update', CH.optOut)[0]?.params.blocks)).toEqual([
      NOTICE_ACTIONS.undoOptOut,
    ]);

    // The back office learned all three, in order, once each.
    expect(await deliver()).toMatchObject({ claimed: 0 });
    const headers = since(first, 'chat.postMessage', OPS_CHANNEL).map(
      (c) => textsOf(c.params.blocks).split('\n')[0],
    );
    expect(headers).toEqual([`解約: ${CN.optOut}`, `解約の取り消し: ${CN.optOut}`, `解約: ${CN.optOut}`]);
  });

  it('at the decision deadline the buttons close and each thread says what follows; a completed cycle says nothing', async () => {
    const mark = calls.length;
    const summary = await sweepAt(DECISION_DEADLINE);
    expect(summary).toMatchObject({ notices: { done: 2, failed: 0 } });

    const autoUpdate = since(mark, 'chat.update', CH.auto);
    expect(autoUpdate).toHaveLength(1);
    expect(autoUpdate[0]?.params.ts).toBe(parent.auto?.ts);
    expect(actionIdsOf(autoUpdate[0]?.params.blocks)).toEqual([]);
    const autoReply = since(mark, 'chat.postMessage', CH.auto);
    expect(autoReply[0]?.params).toMatchObject({ thread_ts: parent.auto?.ts, reply_broadcast: 'true' });
    expect(textsOf(autoReply[0]?.params.blocks)).toContain(
      `判断の期限（${jst(DECISION_DEADLINE)}）を過ぎました。`,
    );
    expect(textsOf(autoReply[0]?.params.blocks)).toContain('自動更新されます');

    expect(actionIdsOf(since(mark, 'chat.update', CH.optOut)[0]?.params.blocks)).toEqual([]);
    const optOutReply = since(mark, 'chat.postMessage', CH.optOut);
    expect(optOutReply[0]?.params.thread_ts).toBe(parent.optOut?.ts);
    expect(textsOf(optOutReply[0]?.params.blocks)).toContain('解約が確定しました');

    // The renewed contract's old cycle is completed: its remaining notices are skipped, silently.
    expect(since(mark, 'chat.update', CH.renew)).toEqual([]);
    expect(since(mark, 'chat.postMessage', CH.renew)).toEqual([]);
    const old = await noticesOf((await cycleOf(CN.renew, 0)).id);
    expect(old.find((n) => n.kind === 'decision_deadline')?.status).toBe('skipped');

    // Undo is over once the decision deadline passed.
    clock = new Date(DECISION_DEADLINE.getTime() + 60_000);
    const run = await click(
      { actionId: NOTICE_ACTIONS.undoOptOut, value: (await cycleOf(CN.optOut)).id },
      { user: ADMIN, ...(parent.optOut as { channel: string; ts: string }) },
    );
    expect((await run.answer).text).toContain('判断の期限');
    expect(await cycleOf(CN.optOut)).toMatchObject({ state: 'opted_out', decision: 'opt_out' });
  });

  it('R-AUTO-2, R-AUTO-3: at the data deadline the outbox applies for the auto-renewal and the thread says so', async () => {
    const mark = calls.length;
    const summary = await sweepAt(DATA_DEADLINE);
    expect(summary).toMatchObject({ notices: { done: 2, failed: 0 } });
    const cycle = await cycleOf(CN.auto);
    expect(cycle).toMatchObject({ state: 'auto_renewal_requested' });
    const autos = await renewalApplicationsOfCycle(db(), cycle.id);
    expect(autos).toHaveLength(1);
    expect(autos[0]).toMatchObject({
      kind: 'auto_renewal',
      csrMethod: 'provider',
      periodMonths: 12,
      dnCn: CN.auto,
      dnO: 'Sample K.K.',
      requestedBy: 'system:data_deadline',
      requestedAt: DATA_DEADLINE,
    });
    expect(autos[0]?.csrPem).toContain('BEGIN CERTIFICATE REQUEST');
    expect(autos[0]?.encryptedPrivateKey).toMatch(/^v1:/);

    const update = since(mark, 'chat.update', CH.auto);
    expect(update[0]?.params.ts).toBe(parent.auto?.ts);
    expect(textsOf(update[0]?.params.blocks)).toContain('自動更新を申し込みました');
    const reply = since(mark, 'chat.postMessage', CH.auto);
    expect(reply).toHaveLength(1);
    expect(reply[0]?.params).toMatchObject({ thread_ts: parent.auto?.ts, reply_broadcast: 'true' });
    const text = textsOf(reply[0]?.params.blocks);
    expect(text).toContain(`申請情報の期限（${jst(DATA_DEADLINE)}）を過ぎたため、自動更新を申し込みました。`);
    expect(text).toContain('期間は 1年');
    // The previous CSR was the customer's: the provider generated a new key pair.
    expect(text).toContain('CSR作成方法を「お客様」から「プロバイダ」に切り替え');

    // The opted-out contract is not renewed, and its thread says so.
    expect(await renewalApplicationsOfCycle(db(), (await cycleOf(CN.optOut)).id)).toEqual([]);
    expect(textsOf(since(mark, 'chat.postMessage', CH.optOut)[0]?.params.blocks)).toContain(
      '更新は行いません',
    );

    // The auto-renewal goes to the back office like any application: enqueued with it, in the same
    // transaction, and handed over by the same run of the outbox.
    expect(summary).toMatchObject({ handover: { done: 1, failed: 0, retried: 0 } });
    const ops = since(mark, 'chat.postMessage', OPS_CHANNEL);
    expect(ops).toHaveLength(1);
    expect(textsOf(ops[0]?.params.blocks)).toContain(`自動更新の申請: ${CN.auto}`);
    expect(buttonValuesOf(ops[0]?.params.blocks)).toEqual([autos[0]?.id, autos[0]?.id, autos[0]?.id]);
    // Once.
    expect(await deliver()).toMatchObject({ claimed: 0 });
  });

  it('R-AUTO-1: at the end of the term the opted-out contract is cancelled and its thread told; the others go on', async () => {
    const mark = calls.length;
    const summary = await sweepAt(PROXY_EXPIRY);
    expect(summary).toMatchObject({ notices: { done: 1, failed: 0 } });
    expect(summary.notices.skipped).toBeGreaterThanOrEqual(1);

    const optOut = await contractOf(CN.optOut);
    expect(optOut.status).toBe('cancelled');
    expect(await cycleOf(CN.optOut)).toMatchObject({ state: 'cancelled' });
    const [cancelled] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'contract.cancelled'), eq(auditEvents.contractId, optOut.id)));
    expect(cancelled).toMatchObject({ actor: 'system:expiry', at: PROXY_EXPIRY });
    const update = since(mark, 'chat.update', CH.optOut);
    expect(update[0]?.params.ts).toBe(parent.optOut?.ts);
    expect(textsOf(update[0]?.params.blocks)).toContain('契約は解約されました');
    const reply = since(mark, 'chat.postMessage', CH.optOut);
    expect(reply).toHaveLength(1);
    expect(reply[0]?.params).toMatchObject({ thread_ts: parent.optOut?.ts, reply_broadcast: 'true' });
    expect(textsOf(reply[0]?.params.blocks)).toContain('この契約は解約されました');

    // The auto-renewed contract goes on, silently.
    expect((await contractOf(CN.auto)).status).toBe('active');
    expect(since(mark, 'chat.postMessage', CH.auto)).toEqual([]);
    const [termEnd] = (await noticesOf((await cycleOf(CN.auto)).id)).filter((n) => n.kind === 'term_end');
    expect(termEnd?.status).toBe('skipped');
    expect(await db().select().from(applications).where(eq(applications.contractId, optOut.id))).toHaveLength(
      1,
    );
  });

  it('nothing went wrong on the way: no warning or error was logged, no notice failed, every hand-over delivered', async () => {
    expect(logs.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([]);
    expect(await db().select().from(notices).where(eq(notices.status, 'failed'))).toEqual([]);
    // The renewal, the opt-out, its undo and the second opt-out, the auto-renewal: each once, to the ops channel.
    const handedOver = await db()
      .select({ channel: handoverDeliveries.channel, status: handoverDeliveries.status })
      .from(handoverDeliveries);
    expect(handedOver).toHaveLength(5);
    expect(handedOver.every((d) => d.channel === 'ops_channel' && d.status === 'delivered')).toBe(true);
    expect(await deliver()).toMatchObject({ claimed: 0 });
  });
});
