import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  type WebClient,
} from '@slack/web-api';
import type {
  DeliveryResult,
  NoticeDelivery,
  NoticeToDeliver,
  PostedMessage,
} from '../../domain/ports/notices.ts';
import type { Logger } from '../app/logger.ts';
import { NOTICE_EVENT_TYPE, noticeParentMessage, noticeThreadReply } from '../views/notice-message.ts';

export type SlackNoticeDeliveryOptions = {
  readonly client: WebClient;
  readonly logger: Logger;
  /** findPosted looks at messages from this long before the notice was due. */
  readonly historyMarginMs?: number;
  /** findPosted reads at most this many pages of 200 messages. */
  readonly historyPages?: number;
};

type DeliveryFailure = Extract<DeliveryResult, { ok: false }>;

/** Channel, auth and content errors that a retry cannot fix: the notice is marked failed at once. */
const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'msg_too_long',
  'invalid_blocks',
]);

/** Platform errors that Slack documents as transient. */
const TRANSIENT_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

const DEFAULT_HISTORY_MARGIN_MS = 60 * 60_000;
const DEFAULT_HISTORY_PAGES = 5;

/**
 * Delivers notices to Slack: the first notice of a cycle posts its parent message; every later one
 * re-renders the parent (chat.update) and adds a reply to its thread, so the thread is the cycle's
 * history. Never throws: every failure is classified for the scheduler's retry policy.
 */
export function createSlackNoticeDelivery(options: SlackNoticeDeliveryOptions): NoticeDelivery {
  const { client } = options;
  const logger = options.logger.child({ component: 'slack-notice-delivery' });
  const marginMs = options.historyMarginMs ?? DEFAULT_HISTORY_MARGIN_MS;
  const maxPages = options.historyPages ?? DEFAULT_HISTORY_PAGES;

  async function postParent(n: NoticeToDeliver, now: Date): Promise<DeliveryResult> {
    const parent = noticeParentMessage({ ...n, thread: null }, now);
    const posted = await client.chat.postMessage({
      channel: n.contract.slackChannelId,
      text: parent.text,
      blocks: parent.blocks,
      metadata: parent.metadata,
      unfurl_links: false,
      unfurl_media: false,
    });
    return {
      ok: true,
      message: { channel: posted.channel ?? n.contract.slackChannelId, ts: requireTs(posted.ts) },
      threadTs: null,
    };
  }

  async function replyInThread(
    n: NoticeToDeliver,
    thread: PostedMessage,
    now: Date,
  ): Promise<DeliveryResult> {
    if (n.cycle !== null) {
      const parent = noticeParentMessage(n, now);
      try {
        // No metadata: the parent keeps its first notice's, which findPosted relies on.
        await client.chat.update({
          channel: thread.channel,
          ts: thread.ts,
          text: parent.text,
          blocks: parent.blocks,
        });
      } catch (error) {
        if (platformCode(error) === 'message_not_found') {
          // Someone deleted the parent: this notice starts the cycle's thread afresh.
          logger.warn({ noticeId: n.notice.id, thread }, 'notice parent message is gone; posting a new one');
          return postParent(n, now);
        }
        throw error;
      }
    }
    const reply = noticeThreadReply(n, now);
    const posted = await client.chat.postMessage({
      channel: thread.channel,
      thread_ts: thread.ts,
      reply_broadcast: reply.broadcast,
      text: reply.text,
      blocks: reply.blocks,
      metadata: reply.metadata,
      unfurl_links: false,
      unfurl_media: false,
    });
    return {
      ok: true,
      message: { channel: posted.channel ?? thread.channel, ts: requireTs(posted.ts) },
      threadTs: thread.ts,
    };
  }

  return {
    async deliver(n, now) {
      try {
        return n.thread === null ? await postParent(n, now) : await replyInThread(n, n.thread, now);
      } catch (error) {
        const failure = classifySlackError(error);
        logger[failure.retryable ? 'warn' : 'error'](
          {
            noticeId: n.notice.id,
            kind: n.notice.kind,
            channel: n.contract.slackChannelId,
            error: failure.error,
            retryable: failure.retryable,
          },
          'notice delivery failed',
        );
        return failure;
      }
    },

    async findPosted(n) {
      const oldest = slackTs(new Date(n.notice.dueAt.getTime() - marginMs));
      const thread = n.thread;
      try {
        let cursor: string | undefined;
        for (let page = 0; page < maxPages; page++) {
          const result = thread
            ? await client.conversations.replies({
                channel: thread.channel,
                ts: thread.ts,
                oldest,
                include_all_metadata: true,
                limit: 200,
                ...(cursor ? { cursor } : {}),
              })
            : await client.conversations.history({
                channel: n.contract.slackChannelId,
                oldest,
                include_all_metadata: true,
                limit: 200,
                ...(cursor ? { cursor } : {}),
              });
          const found = (result.messages ?? []).find(
            (m) => m.ts !== undefined && isMetadataOf(m.metadata, n.notice.id),
          );
          if (found?.ts) return { channel: thread?.channel ?? n.contract.slackChannelId, ts: found.ts };
          cursor = result.response_metadata?.next_cursor || undefined;
          if (!cursor) return null;
        }
        return null;
      } catch (error) {
        logger.warn(
          { noticeId: n.notice.id, error: classifySlackError(error).error },
          'could not look for an already posted notice',
        );
        return null;
      }
    },
  };
}

/** Slack's answer, or a transport failure, as the port's failure value. */
export function classifySlackError(error: unknown): DeliveryFailure {
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (code === 'ratelimited') {
      const retryAfter = error.data.response_metadata?.retryAfter;
      return withRetryAfter({ ok: false, retryable: true, error: code }, retryAfter);
    }
    if (PERMANENT_ERRORS.has(code)) return { ok: false, retryable: false, error: code };
    return { ok: false, retryable: TRANSIENT_ERRORS.has(code), error: code };
  }
  if (error instanceof WebAPIRateLimitedError) {
    return withRetryAfter({ ok: false, retryable: true, error: 'ratelimited' }, error.retryAfter);
  }
  if (error instanceof WebAPIHTTPError) {
    const retryable = error.statusCode >= 500 || error.statusCode === 408 || error.statusCode === 429;
    const header = Number.parseInt(error.headers['retry-after'] ?? '', 10);
    return withRetryAfter(
      { ok: false, retryable, error: `http_${error.statusCode}` },
      Number.isNaN(header) ? undefined : header,
    );
  }
  if (error instanceof WebAPIRequestError) {
    // The client's own 429 path: after waiting Retry-After with no retries left, it fails with a
    // request error whose message names the wait (or the missing header).
    const rateLimited = rateLimitFailure(error.original.message);
    if (rateLimited) return rateLimited;
    const timedOut = error.original.name === 'TimeoutError' || error.original.name === 'AbortError';
    return { ok: false, retryable: true, error: timedOut ? 'request_timeout' : 'network_error' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    rateLimitFailure(message) ?? {
      ok: false,
      retryable: false,
      error: `unexpected: ${message.slice(0, 200)}`,
    }
  );
}

function rateLimitFailure(message: string): DeliveryFailure | null {
  const waited = /rate limit was exceeded.*retry-after: (\d+)/i.exec(message);
  if (waited) return withRetryAfter({ ok: false, retryable: true, error: 'ratelimited' }, Number(waited[1]));
  if (/Retry header did not contain a valid timeout/i.test(message)) {
    return { ok: false, retryable: true, error: 'ratelimited' };
  }
  return null;
}

function withRetryAfter(failure: DeliveryFailure, retryAfterSeconds: number | undefined): DeliveryFailure {
  return retryAfterSeconds === undefined || !Number.isFinite(retryAfterSeconds)
    ? failure
    : { ...failure, retryAfterMs: retryAfterSeconds * 1_000 };
}

function platformCode(error: unknown): string | null {
  return error instanceof WebAPIPlatformError ? error.data.error : null;
}

function requireTs(ts: string | undefined): string {
  if (!ts) throw new Error('chat.postMessage answered ok without a ts');
  return ts;
}

function isMetadataOf(
  metadata: { event_type?: string; event_payload?: unknown } | undefined,
  noticeId: string,
) {
  if (metadata?.event_type !== NOTICE_EVENT_TYPE) return false;
  const payload = metadata.event_payload;
  return (
    typeof payload === 'object' &&
    payload !== null &&
    (payload as Record<string, unknown>).notice_id === noticeId
  );
}

/** A Slack timestamp ('1767225600.000000') for an instant. */
function slackTs(at: Date): string {
  return (Math.max(0, at.getTime()) / 1_000).toFixed(6);
}
