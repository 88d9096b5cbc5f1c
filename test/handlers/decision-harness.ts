import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import nock from 'nock';
import pino from 'pino';
import { beforeAll, vi } from 'vitest';
import { wireOutboxWorker } from '../../bot/app/outbox.ts';
import { createKeyMaker } from '../../bot/keys/provider-keys.ts';
import { createSlackMessageBoard } from '../../bot/slack/message-board.ts';
import { createSlackNoticeBoard } from '../../bot/slack/notice-board.ts';
import { createOutboxSlackClient } from '../../bot/slack/web-client.ts';
import { applications, contracts, notices, renewalCycles } from '../../db/schema.ts';
import type { Database } from '../../db/server/connection.ts';
import { createStore } from '../../db/stores/store.ts';
import type { OutboxSummary } from '../../scheduler/outbox-worker.ts';
import { importSeed } from '../support/seed.ts';
import {
  CHANNEL,
  type CommandRun,
  type Harness,
  postButtonClick,
  postSigned,
  SAMPLE_MEMBERS,
  SLACK_API,
  sampleContracts,
  textsIn,
  USERS,
  useSlackHarness,
} from './slack-harness.ts';

/** Contracts with a current certificate each, so that every one has an open renewal cycle. */
export const DECISION_SEED = `
serviceGroups:
  - name: 株式会社サンプル Web運用チーム
    locale: ja
    members:
${SAMPLE_MEMBERS}
    contracts:
${sampleContracts({ wwwOu: 'Web', certificates: true })}
  - name: Example Global Inc. Platform
    locale: en
    members:
      - { slackUserId: ${USERS.otherGroupAdmin.id}, role: group_admin }
`;

export const PARENT_TS = '1764000000.000100';

/** A re-issue application for `cn` (its hand-over trigger enqueues one event); returns its id. */
export async function insertReissue(
  db: Database,
  ids: { contractId: string; cycleId: string | null; cn: string; now: Date },
): Promise<string> {
  const [row] = await db
    .insert(applications)
    .values({
      contractId: ids.contractId,
      cycleId: ids.cycleId,
      kind: 'reissue',
      dnSt: 'Tokyo',
      dnL: 'Minato-ku',
      dnO: 'Sample K.K.',
      dnCn: ids.cn,
      applicant: { name: '佐藤 花子', email: 'sato@example.jp' },
      periodMonths: 12,
      csrMethod: 'customer',
      csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n',
      requestedBy: USERS.adminEn.id,
      requestedAt: ids.now,
    })
    .returning({ id: applications.id });
  if (!row) throw new Error('re-issue application not stored');
  return row.id;
}

/**
 * A re-issue application for `cn` (insertReissue), handed over by `store`'s hand-over port as recorded by
 * the English-speaking admin; returns its id.
 */
export async function handOverReissue(
  db: Database,
  store: Pick<ReturnType<typeof createStore>, 'handover'>,
  ids: { contractId: string; cycleId: string | null; cn: string; now: Date },
): Promise<string> {
  const applicationId = await insertReissue(db, ids);
  await store.handover.enqueue({
    kind: 'application',
    contractId: ids.contractId,
    cycleId: ids.cycleId,
    applicationId,
    actor: USERS.adminEn.id,
    occurredAt: ids.now,
  });
  return applicationId;
}

/**
 * DECISION_SEED imported at `now`, every cycle already noticed: the starting point of the hand-over
 * tests. Returns the cycle and contract ids by CN.
 */
export async function seedNoticedCycles(
  db: Database,
  now: Date,
): Promise<{ cycleIds: Record<string, string>; contractIds: Record<string, string> }> {
  await importSeed(db, DECISION_SEED, now);
  const rows = (await db.execute(
    sql`select r.id, c.cn, c.id as contract_id from renewal_cycles r join contracts c on c.id = r.contract_id`,
  )) as unknown as { id: string; cn: string; contract_id: string }[];
  await db.execute(
    sql`update renewal_cycles set state = 'noticed', noticed_at = ${now.toISOString()}::timestamptz`,
  );
  return {
    cycleIds: Object.fromEntries(rows.map((r) => [r.cn, r.id])),
    contractIds: Object.fromEntries(rows.map((r) => [r.cn, r.contract_id])),
  };
}

export type SlackCall = { readonly method: string; readonly params: Record<string, unknown> };

export type SlackCalls = { readonly calls: SlackCall[]; of(method: string): SlackCall[] };

/** Records the Web API calls a decision makes (views.*, chat.*) into `calls`, answering like Slack. */
export function recordSlackCalls(calls: SlackCall[] = []): SlackCalls {
  for (const method of [
    'views.open',
    'views.update',
    'chat.update',
    'chat.postMessage',
    'chat.postEphemeral',
  ]) {
    nock(SLACK_API)
      .persist()
      .post(`/api/${method}`)
      .reply(200, (_uri, body) => {
        const form = new URLSearchParams(typeof body === 'string' ? body : '');
        const params: Record<string, unknown> = {};
        for (const [k, v] of form) {
          try {
            params[k] = k === 'view' || k === 'blocks' || k === 'metadata' ? JSON.parse(v) : v;
          } catch {
            params[k] = v;
          }
        }
        calls.push({ method, params });
        const view = params.view as Record<string, unknown> | undefined;
        return method.startsWith('views.')
          ? { ok: true, view: { ...view, id: 'V0MODAL', hash: `hash-${calls.length}` } }
          : {
              ok: true,
              // Slack answers with the channel the message is in.
              channel: typeof params.channel === 'string' ? params.channel : CHANNEL,
              ts: `1764000001.${String(calls.length).padStart(6, '0')}`,
            };
      });
  }
  return { calls, of: (method) => calls.filter((c) => c.method === method) };
}

/**
 * The outbox worker of a replica (bot/app/outbox.ts `wireOutboxWorker`) over nock's Slack, run until
 * nothing is ready at `now`: what a decision enqueued (the notice re-rendered, the thread reply) is
 * delivered now. No hand-over channel is configured here.
 */
export async function deliverOutbox(db: Database, now: Date): Promise<OutboxSummary> {
  const logger = pino({ level: 'silent' });
  const client = createOutboxSlackClient({
    token: 'xoxb-test-token',
    slackApiUrl: `${SLACK_API}/api/`,
    logger,
  });
  const worker = wireOutboxWorker({
    db,
    store: createStore(db, { handoverChannels: [] }),
    keys: createKeyMaker(undefined),
    defaultLocale: 'ja',
    boards: {
      notices: createSlackNoticeBoard({ client, logger }),
      messages: createSlackMessageBoard({ client, logger, opsLocale: 'ja' }),
      ops: null,
      webhook: null,
    },
    logger,
    worker: { paceMs: () => 0 },
  });
  return worker.runUntilIdle(now);
}

/**
 * The set-up of the decision tests: the Slack harness on DECISION_SEED (with `env`), and the Web API
 * calls Kigen makes recorded from before the first test on.
 */
export function useDecisionHarness(env?: Record<string, string>): {
  readonly harness: { readonly current: Harness };
  readonly db: () => Database;
  readonly slack: SlackCalls;
} {
  const harness = useSlackHarness(env ? { seed: DECISION_SEED, env } : { seed: DECISION_SEED });
  const calls: SlackCall[] = [];
  beforeAll(() => {
    recordSlackCalls(calls);
  });
  return {
    harness,
    db: () => harness.current.database.current.db,
    slack: { calls, of: (method) => calls.filter((c) => c.method === method) },
  };
}

/** The renewal cycle `id` as stored. */
export const cycleRow = async (db: Database, id: string) =>
  (await db.select().from(renewalCycles).where(eq(renewalCycles.id, id)))[0];

/**
 * The open cycle of a contract, given a parent message like the one a notice posts: its first
 * announcement is recorded as sent with that message (the outbox re-renders the parent from it).
 */
export async function cycleOf(db: Database, cn: string): Promise<string> {
  const [row] = await db
    .select({ id: renewalCycles.id })
    .from(renewalCycles)
    .innerJoin(contracts, eq(contracts.id, renewalCycles.contractId))
    .where(eq(contracts.cn, cn));
  if (!row) throw new Error(`seed: no cycle for ${cn}`);
  await db
    .update(renewalCycles)
    .set({
      slackChannelId: CHANNEL,
      slackTs: PARENT_TS,
      state: 'noticed',
      noticedAt: new Date('2026-11-20T00:00:00Z'),
    })
    .where(eq(renewalCycles.id, row.id));
  const [first] = await db
    .select({ id: notices.id })
    .from(notices)
    .where(and(eq(notices.cycleId, row.id), inArray(notices.kind, ['notice', 'byo_notice'])))
    .orderBy(asc(notices.dueAt))
    .limit(1);
  if (first) {
    await db
      .update(notices)
      .set({
        status: 'sent',
        slackChannelId: CHANNEL,
        slackTs: PARENT_TS,
        sentAt: new Date('2026-11-20T00:00:00Z'),
      })
      .where(eq(notices.id, first.id));
  }
  return row.id;
}

/** A click on a notice button, as Slack sends it (the message container is the notice). */
export function clickNotice(
  port: number,
  actionId: string,
  value: string,
  options: { user?: string; retryNum?: number } = {},
): Promise<CommandRun> {
  return postButtonClick(port, {
    user: options.user ?? USERS.adminJa.id,
    container: { messageTs: PARENT_TS, isEphemeral: false },
    message: { ts: PARENT_TS, text: 'notice' },
    triggerId: '1234.5678.trigger',
    action: { action_id: actionId, block_id: 'kigen_notice_actions', value },
    actionTs: '1764000002.000200',
    // As Slack retries it.
    ...(options.retryNum === undefined
      ? {}
      : {
          headers: { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' },
        }),
  });
}

export type FieldValue =
  | { readonly text: string }
  | { readonly selected: string | null }
  | { readonly checked: readonly string[] };

/** A view_submission of one of our modals, with the given inputs (block_id → value). */
export async function submitView(
  port: number,
  input: {
    callbackId: string;
    privateMetadata: string;
    fields: Record<string, FieldValue>;
    user?: string;
  },
) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [blockId, field] of Object.entries(input.fields)) {
    values[blockId] = {
      value:
        'text' in field
          ? { type: 'plain_text_input', value: field.text }
          : 'selected' in field
            ? {
                type: 'radio_buttons',
                selected_option: field.selected === null ? null : { value: field.selected },
              }
            : { type: 'checkboxes', selected_options: field.checked.map((value) => ({ value })) },
    };
  }
  const payload = {
    type: 'view_submission',
    team: { id: 'T0TEAM', domain: 'test' },
    user: { id: input.user ?? USERS.adminJa.id, name: 'someone', team_id: 'T0TEAM' },
    api_app_id: 'A0KIGEN',
    token: 'legacy-verification-token',
    trigger_id: '1234.5678.trigger2',
    view: {
      id: 'V0MODAL',
      team_id: 'T0TEAM',
      type: 'modal',
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata,
      hash: 'hash-1',
      state: { values },
      blocks: [],
      title: { type: 'plain_text', text: 'x' },
      app_id: 'A0KIGEN',
      bot_id: 'B0BOT',
      root_view_id: 'V0MODAL',
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
    },
    response_urls: [],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const posted = await postSigned(port, body);
  const ack = posted.ackBody === '' ? null : (JSON.parse(posted.ackBody) as Record<string, unknown>);
  return { ...posted, ack };
}

/** All plain and mrkdwn texts of a view or a message's blocks. */
export const textsOf = (node: unknown): string => textsIn(node);

export const waitForCalls = (recorder: SlackCalls, method: string, count: number) =>
  vi.waitFor(
    () => {
      if (recorder.of(method).length < count) throw new Error(`waiting for ${count} ${method}`);
    },
    { timeout: 5_000, interval: 20 },
  );
