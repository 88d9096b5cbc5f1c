import type { WebClient } from '@slack/web-api';
import type {
  DeliveryResult,
  NoticeBoard,
  NoticeToDeliver,
  PostedMessage,
} from '../../domain/ports/notices.ts';
import type { Logger } from '../app/logger.ts';
import { NOTICE_EVENT_TYPE, noticeParentMessage, noticeThreadReply } from '../views/notice-message.ts';
import { classifySlackError } from './api-errors.ts';
import { findMessageByMetadata } from './message-lookup.ts';

export type SlackNoticeBoardOptions = {
  /** A client without retries of its own (the outbox retries, after looking): `createOutboxSlackClient`. */
  readonly client: WebClient;
  readonly logger: Logger;
};

type DeliveryFailure = Extract<DeliveryResult, { ok: false }>;

/**
 * Notices in Slack: the first notice of a cycle posts its parent message; every later one re-renders
 * the parent (chat.update) and adds a reply to its thread, so the thread is the cycle's history. Never
 * throws: every failure is classified for the outbox (retryable, and whether it may have landed).
 */
export function createSlackNoticeBoard(options: SlackNoticeBoardOptions): NoticeBoard {
  const { client } = options;
  const logger = options.logger.child({ component: 'slack-notice-board' });

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
        if (classifySlackError(error).error === 'message_not_found') {
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
        const failure: DeliveryFailure = { ok: false, ...classifySlackError(error) };
        logger[failure.retryable ? 'warn' : 'error'](
          {
            noticeId: n.notice.id,
            kind: n.notice.kind,
            channel: n.contract.slackChannelId,
            error: failure.error,
            retryable: failure.retryable,
            uncertain: failure.uncertain,
          },
          'notice delivery failed',
        );
        return failure;
      }
    },

    async findPosted(n, window) {
      // A parent is looked for in the channel, a reply in its cycle's thread.
      return findMessageByMetadata(client, {
        channel: n.thread?.channel ?? n.contract.slackChannelId,
        threadTs: n.thread?.ts ?? null,
        eventType: NOTICE_EVENT_TYPE,
        matches: (payload) => payload.notice_id === n.notice.id,
        since: window.since,
        until: window.until,
      });
    },
  };
}

function requireTs(ts: string | undefined): string {
  if (!ts) throw new Error('chat.postMessage answered ok without a ts');
  return ts;
}
