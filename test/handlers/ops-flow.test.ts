import { and, count, eq } from 'drizzle-orm';
import nock from 'nock';
import pino from 'pino';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { wireOutboxWorker } from '../../bot/app/outbox.ts';
import { createKeyMaker } from '../../bot/keys/provider-keys.ts';
import { createSlackMessageBoard } from '../../bot/slack/message-board.ts';
import { createSlackNoticeBoard } from '../../bot/slack/notice-board.ts';
import { createSlackOpsBoard, HANDOVER_EVENT_TYPE } from '../../bot/slack/ops-board.ts';
import { createOutboxSlackClient } from '../../bot/slack/web-client.ts';
import { OPS_ACTIONS } from '../../bot/views/operations/ops-message.ts';
import { OPS_VIEWS } from '../../bot/views/operations/ops-modals.ts';
import {
  applicationProgress,
  applications,
  certificates,
  contracts,
  notices,
  renewalCycles,
} from '../../db/schema.ts';
import { listHandoverDeliveries, opsMessageOfApplication } from '../../db/stores/handover-outbox.ts';
import { createStore } from '../../db/stores/store.ts';
import { type OutboxSummary, type OutboxWorker, SLACK_PACE_MS } from '../../scheduler/outbox-worker.ts';
import { decisions } from '../support/decisions.ts';
import { makeCertificate, makeCsr } from '../support/x509-fixtures.ts';
import {
  cycleOf,
  PARENT_TS,
  submitView,
  textsOf,
  useDecisionHarness,
  waitForCalls,
} from './decision-harness.ts';
import { CHANNEL, NOW, postSigned, responseUrl, SLACK_API, USERS } from './slack-harness.ts';

const OPS_CHANNEL = 'C0OPSCHAN1';
const STAFF_LISTED = 'U0STAFFLST';
const STAFF_MEMBER = 'U0STAFFMEM';
const DAY = 86_400_000;

const { harness, db, slack } = useDecisionHarness({
  KIGEN_OPS_CHANNEL: OPS_CHANNEL,
  KIGEN_OPS_USERS: STAFF_LISTED,
});

let membersCalls = 0;
const opsMessageTs = new Map<string, string>();
let csr: Awaited<ReturnType<typeof makeCsr>>;

/** A click on one of the staff's buttons of the ops message of `applicationId`. */
async function clickOps(actionId: string, applicationId: string, user: string) {
  const hook = responseUrl();
  const ts = opsMessageTs.get(applicationId) ?? '0';
  const payload = {
    type: 'block_actions',
    team: { id: 'T0TEAM', domain: 'test' },
    user: { id: user, username: 'staff', team_id: 'T0TEAM' },
    api_app_id: 'A0KIGEN',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: OPS_CHANNEL, is_ephemeral: false },
    trigger_id: '1234.5678.ops',
    channel: { id: OPS_CHANNEL, name: 'cert-ops' },
    message: { ts, text: 'handover' },
    response_url: hook.url,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'kigen_ops_actions',
        value: applicationId,
        text: { type: 'plain_text', text: 'x' },
        action_ts: '1764000003.000300',
      },
    ],
  };
  const posted = await postSigned(
    harness.current.port,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  );
  return { ...posted, answer: hook.answer };
}

async function renewalApplication(cn: string, csrPem: string | null): Promise<string> {
  const cycleId = await cycleOf(db(), cn);
  // The parent message was posted by the cycle's notice: the outbox re-renders that notice.
  await db()
    .update(notices)
    .set({ status: 'sent', slackChannelId: CHANNEL, slackTs: PARENT_TS, sentAt: NOW })
    .where(and(eq(notices.cycleId, cycleId), eq(notices.kind, 'notice')));
  // This deployment hands over to its operations channel (KIGEN_OPS_CHANNEL). Without a CSR of the
  // customer's, the provider makes the key pair.
  await decisions(db(), ['ops_channel']).requestRenewal(
    { cycleId, userId: USERS.adminJa.id, now: NOW },
    {
      dn: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Sample K.K.', ou: 'Web' },
      applicant: { name: '山田 太郎', email: 'yamada@example.jp', phone: '03-0000-0000' },
      ...(csrPem ? { csrMethod: 'customer', csr: csrPem } : { csrMethod: 'provider' }),
    },
  );
  const [row] = await db()
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.cycleId, cycleId), eq(applications.kind, 'renewal')));
  if (!row) throw new Error('no application');
  return row.id;
}

let worker: OutboxWorker;

/** The replica's outbox worker as bot/app/outbox.ts wires it, its boards on the Slack API of nock. */
function outboxWorker(): OutboxWorker {
  const logger = pino({ level: 'silent' });
  const client = createOutboxSlackClient({
    token: 'xoxb-test-token',
    slackApiUrl: `${SLACK_API}/api/`,
    logger,
  });
  return wireOutboxWorker({
    db: db(),
    store: createStore(db(), { handoverChannels: ['ops_channel'] }),
    keys: createKeyMaker(undefined),
    defaultLocale: 'ja',
    boards: {
      notices: createSlackNoticeBoard({ client, logger }),
      messages: createSlackMessageBoard({ client, logger, opsLocale: 'ja' }),
      ops: createSlackOpsBoard({ client, channel: OPS_CHANNEL, locale: 'ja' }),
      webhook: null,
    },
    logger,
  });
}

/**
 * The outbox delivers what is due from `from` on (hand-over events first), as its background loop
 * would: a lane that wrote waits Slack's pace (SLACK_PACE_MS) before its next write.
 */
async function handOver(from = NOW): Promise<OutboxSummary> {
  const total: OutboxSummary = { claimed: 0, done: 0, skipped: 0, failed: 0, retried: 0, lost: 0 };
  for (let round = 0, at = from.getTime(); round < 20; round++, at += SLACK_PACE_MS) {
    const summary = await worker.runUntilIdle(new Date(at));
    for (const key of Object.keys(total) as (keyof OutboxSummary)[]) total[key] += summary[key];
    if (summary.claimed === 0) break;
  }
  return total;
}

/**
 * What the staff's actions enqueued (the ops message re-rendered, the customer's notice and thread),
 * delivered by the outbox: each run later than the last, past every lane's pace.
 */
let deliveredAt = NOW.getTime() + 2 * 60 * 60_000;
function deliverOutbox(): Promise<OutboxSummary> {
  deliveredAt += 60 * 60_000;
  return handOver(new Date(deliveredAt));
}

let wwwApplication = '';
let shopApplication = '';

beforeAll(async () => {
  nock(SLACK_API)
    .persist()
    .post('/api/conversations.members')
    .reply(200, () => {
      membersCalls++;
      return { ok: true, members: [STAFF_MEMBER, 'U0BOTUSER'], response_metadata: { next_cursor: '' } };
    });
  worker = outboxWorker();
  csr = await makeCsr({ cn: 'www.example.jp', subjectPrefix: 'C=JP, ST=Tokyo, O=Sample K.K.' });
  wwwApplication = await renewalApplication('www.example.jp', csr.pem);
  shopApplication = await renewalApplication('shop.example.jp', null);
  const summary = await handOver();
  expect(summary).toMatchObject({ failed: 0, retried: 0, lost: 0 });
  for (const call of slack.of('chat.postMessage')) {
    const value = JSON.stringify(call.params.blocks).match(/"value":"([0-9a-f-]{36})"/)?.[1];
    if (value)
      opsMessageTs.set(value, `1764000001.${String(slack.calls.indexOf(call) + 1).padStart(6, '0')}`);
  }
});

describe('the operations channel', () => {
  it('gets each application with its data and the staff’s buttons, once', async () => {
    const posts = slack.of('chat.postMessage').filter((c) => c.params.channel === OPS_CHANNEL);
    expect(posts).toHaveLength(2);
    const www = posts.find((p) => textsOf(p.params.blocks).includes('www.example.jp'));
    const text = textsOf(www?.params.blocks);
    expect(text).toContain('更新の申請');
    expect(text).toContain('セキュア・サーバID');
    expect(text).toContain('DigiCert');
    expect(text).toContain('O=Sample K.K.');
    expect(text).toContain('山田 太郎');
    expect(text).toContain('お客様がCSRを作成');
    expect(text).toContain('BEGIN CERTIFICATE REQUEST');
    expect(JSON.stringify(www?.params.blocks)).toContain(OPS_ACTIONS.issued);
    expect((await listHandoverDeliveries(db())).every((d) => d.status === 'delivered')).toBe(true);
    // Each post is recorded with its delivery: the staff's buttons edit that message later.
    expect((await opsMessageOfApplication(db(), wwwApplication))?.ts).toBe(opsMessageTs.get(wwwApplication));
    expect((await opsMessageOfApplication(db(), shopApplication))?.ts).toBe(
      opsMessageTs.get(shopApplication),
    );
    expect(posts.map((p) => (p.params.metadata as { event_type?: string }).event_type)).toEqual([
      HANDOVER_EVENT_TYPE,
      HANDOVER_EVENT_TYPE,
    ]);
    // Later runs (past the lane's pace) post nothing again.
    expect(await handOver(new Date(NOW.getTime() + 60 * 60_000))).toMatchObject({ claimed: 0 });
    expect(slack.of('chat.postMessage').filter((c) => c.params.channel === OPS_CHANNEL)).toHaveLength(2);
  });

  it('when someone who is not provider staff presses a button, then it is refused ephemerally and nothing changes', async () => {
    const run = await clickOps(OPS_ACTIONS.submitted, wwwApplication, USERS.adminJa.id);
    expect(run.status).toBe(200);
    const answer = await run.answer;
    expect(answer.text).toContain('プロバイダの担当者');
    expect(membersCalls).toBeGreaterThan(0);
    const progress = await db().select().from(applicationProgress);
    expect(progress).toEqual([]);
    const opens = slack.of('views.open').length;
    const issued = await clickOps(OPS_ACTIONS.issued, wwwApplication, USERS.outsider.id);
    expect((await issued.answer).text).toContain('プロバイダの担当者');
    expect(slack.of('views.open')).toHaveLength(opens);
  });

  it('when a listed staff member presses Submitted to CA, then the application is marked and the ops message edited', async () => {
    const updates = slack.of('chat.update').length;
    await clickOps(OPS_ACTIONS.submitted, wwwApplication, STAFF_LISTED);
    // Bolt acknowledged before the use-case ran: its fact and its message commit together.
    await vi.waitFor(
      async () => {
        const [marked] = await db()
          .select()
          .from(applicationProgress)
          .where(eq(applicationProgress.applicationId, wwwApplication));
        if (!marked) throw new Error('waiting for the progress');
      },
      { timeout: 5_000, interval: 20 },
    );
    expect(await deliverOutbox()).toMatchObject({ done: 1, failed: 0, retried: 0 });
    expect(slack.of('chat.update')).toHaveLength(updates + 1);
    const update = slack.of('chat.update').at(-1);
    expect(update?.params).toMatchObject({ channel: OPS_CHANNEL, ts: opsMessageTs.get(wwwApplication) });
    expect(textsOf(update?.params.blocks)).toContain('認証局へ申請しました');
    expect(JSON.stringify(update?.params.blocks)).not.toContain(OPS_ACTIONS.submitted);
    const [progress] = await db()
      .select()
      .from(applicationProgress)
      .where(eq(applicationProgress.applicationId, wwwApplication));
    expect(progress).toMatchObject({ status: 'submitted', submittedBy: `ops:${STAFF_LISTED}` });
  });

  it('when the pasted certificate has another CN or another public key than the CSR, then it is refused on the field and nothing is stored', async () => {
    const opens = slack.of('views.open').length;
    await clickOps(OPS_ACTIONS.issued, wwwApplication, STAFF_MEMBER);
    await waitForCalls(slack, 'views.open', opens + 1);
    const modal = slack.of('views.open').at(-1)?.params.view as {
      callback_id: string;
      private_metadata: string;
    };
    expect(modal.callback_id).toBe(OPS_VIEWS.issued);
    const [contract] = await db().select().from(contracts).where(eq(contracts.cn, 'www.example.jp'));
    const certificateCount = async () =>
      (
        await db()
          .select({ n: count() })
          .from(certificates)
          .where(eq(certificates.contractId, contract?.id ?? ''))
      )[0]?.n;
    const before = await certificateCount();

    const otherCn = await makeCertificate({
      cn: 'shop.example.jp',
      keys: csr.keys,
      notBefore: new Date(NOW.getTime() - DAY),
    });
    const cnRun = await submitView(harness.current.port, {
      callbackId: OPS_VIEWS.issued,
      privateMetadata: modal.private_metadata,
      fields: { certificate: { text: otherCn.pem } },
      user: STAFF_MEMBER,
    });
    expect(cnRun.ack).toMatchObject({ response_action: 'errors' });
    expect((cnRun.ack?.errors as Record<string, string> | undefined)?.certificate).toContain(
      'shop.example.jp',
    );

    const otherKey = await makeCertificate({
      cn: 'www.example.jp',
      notBefore: new Date(NOW.getTime() - DAY),
    });
    const keyRun = await submitView(harness.current.port, {
      callbackId: OPS_VIEWS.issued,
      privateMetadata: modal.private_metadata,
      fields: { certificate: { text: otherKey.pem } },
      user: STAFF_MEMBER,
    });
    expect((keyRun.ack?.errors as Record<string, string> | undefined)?.certificate).toContain('公開鍵');
    expect(await certificateCount()).toBe(before);
  });

  it('when a non-staff user submits the issued modal (forged or stale), then it is refused', async () => {
    const good = await makeCertificate({
      cn: 'www.example.jp',
      keys: csr.keys,
      notBefore: new Date(NOW.getTime() - DAY),
    });
    const run = await submitView(harness.current.port, {
      callbackId: OPS_VIEWS.issued,
      privateMetadata: JSON.stringify({ a: wwwApplication }),
      fields: { certificate: { text: good.pem } },
      user: USERS.adminEn.id,
    });
    expect(run.ack).toMatchObject({ response_action: 'update' });
    // adminEn's Slack locale is English.
    expect(textsOf(run.ack?.view)).toContain('Only the provider’s staff');
    const [progress] = await db()
      .select()
      .from(applicationProgress)
      .where(eq(applicationProgress.applicationId, wwwApplication));
    expect(progress?.status).toBe('submitted');
  });

  it('when the matching certificate is pasted, then it is stored, the cycle completed, the next planned, the ops message edited and the customer’s thread told', async () => {
    const issued = await makeCertificate({
      cn: 'www.example.jp',
      keys: csr.keys,
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 396 * DAY),
    });
    const updates = slack.of('chat.update').length;
    const posts = slack.of('chat.postMessage').length;
    const run = await submitView(harness.current.port, {
      callbackId: OPS_VIEWS.issued,
      privateMetadata: JSON.stringify({
        a: wwwApplication,
        ch: OPS_CHANNEL,
        ts: opsMessageTs.get(wwwApplication),
      }),
      fields: { certificate: { text: issued.pem } },
      user: STAFF_MEMBER,
    });
    expect(run.ack).toMatchObject({ response_action: 'update' });
    expect(textsOf(run.ack?.view)).toContain('登録しました');

    const [application] = await db().select().from(applications).where(eq(applications.id, wwwApplication));
    const cycles = await db()
      .select()
      .from(renewalCycles)
      .where(eq(renewalCycles.contractId, application?.contractId ?? ''))
      .orderBy(renewalCycles.expiresAt);
    expect(cycles.map((c) => c.state)).toEqual(['completed', 'scheduled']);
    expect(cycles[1]?.expiresAt.toISOString()).toBe(issued.cert.notAfter.toISOString());
    const [stored] = await db()
      .select()
      .from(certificates)
      .where(eq(certificates.sha256, issued.fingerprintSha256Hex));
    expect(stored).toMatchObject({ applicationId: wwwApplication, registeredBy: `ops:${STAFF_MEMBER}` });
    const [progress] = await db()
      .select()
      .from(applicationProgress)
      .where(eq(applicationProgress.applicationId, wwwApplication));
    expect(progress).toMatchObject({ status: 'issued', certificateId: stored?.id });

    // Two edits: the operations message, and the customer's notice (its cycle is completed now).
    expect(await deliverOutbox()).toMatchObject({ done: 2, failed: 0, retried: 0 });
    expect(slack.of('chat.update')).toHaveLength(updates + 2);
    expect(slack.of('chat.postMessage')).toHaveLength(posts + 1);
    const edits = slack.of('chat.update').slice(updates);
    const update = edits.find((u) => u.params.channel === OPS_CHANNEL);
    expect(textsOf(update?.params.blocks)).toContain('発行済みの証明書を登録しました');
    expect(JSON.stringify(update?.params.blocks)).not.toContain(OPS_ACTIONS.issued);
    const notice = edits.find((u) => u.params.channel === CHANNEL);
    expect(notice?.params.ts).toBe(PARENT_TS);
    expect(JSON.stringify(notice?.params.blocks)).not.toContain('renewal.renew');
    const reply = slack.of('chat.postMessage').at(-1);
    expect(reply?.params).toMatchObject({ channel: CHANNEL, thread_ts: PARENT_TS });
    expect(String(reply?.params.text)).toContain('新しい証明書が発行されました');

    // The same certificate again: nothing changes, nobody is told twice.
    const again = await submitView(harness.current.port, {
      callbackId: OPS_VIEWS.issued,
      privateMetadata: JSON.stringify({ a: wwwApplication }),
      fields: { certificate: { text: issued.pem } },
      user: STAFF_MEMBER,
    });
    expect(textsOf(again.ack?.view)).toContain('すでに登録されています');
    expect(await deliverOutbox()).toMatchObject({ claimed: 0 });
  });

  it('when staff reject an application with a reason, then the reason is relayed to the customer’s thread', async () => {
    const opens = slack.of('views.open').length;
    await clickOps(OPS_ACTIONS.rejected, shopApplication, STAFF_MEMBER);
    await waitForCalls(slack, 'views.open', opens + 1);
    const modal = slack.of('views.open').at(-1)?.params.view as {
      callback_id: string;
      private_metadata: string;
    };
    expect(modal.callback_id).toBe(OPS_VIEWS.rejected);
    const empty = await submitView(harness.current.port, {
      callbackId: OPS_VIEWS.rejected,
      privateMetadata: modal.private_metadata,
      fields: { reason: { text: '   ' } },
      user: STAFF_MEMBER,
    });
    expect(empty.ack).toMatchObject({ response_action: 'errors', errors: { reason: expect.any(String) } });

    const posts = slack.of('chat.postMessage').length;
    const run = await submitView(harness.current.port, {
      callbackId: OPS_VIEWS.rejected,
      privateMetadata: modal.private_metadata,
      fields: { reason: { text: 'DCVメールの承認期限切れ <!channel>' } },
      user: STAFF_MEMBER,
    });
    expect(run.ack).toMatchObject({ response_action: 'update' });
    expect(await deliverOutbox()).toMatchObject({ done: 2, failed: 0, retried: 0 });
    expect(slack.of('chat.postMessage')).toHaveLength(posts + 1);
    const reply = slack.of('chat.postMessage').at(-1);
    expect(reply?.params).toMatchObject({ channel: CHANNEL, thread_ts: PARENT_TS });
    expect(String(reply?.params.text)).toContain('DCVメールの承認期限切れ');
    expect(String(reply?.params.text)).not.toContain('<!channel>');
    const [progress] = await db()
      .select()
      .from(applicationProgress)
      .where(eq(applicationProgress.applicationId, shopApplication));
    expect(progress).toMatchObject({
      status: 'rejected',
      rejectionReason: 'DCVメールの承認期限切れ <!channel>',
    });

    // A rejected application takes no certificate.
    const closed = await clickOps(OPS_ACTIONS.issued, shopApplication, STAFF_LISTED);
    expect((await closed.answer).text).toContain('却下');
  });
});
