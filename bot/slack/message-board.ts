import type { WebClient } from '@slack/web-api';
import type { MessageBoard, MessageFailure } from '../../domain/ports/messages.ts';
import type { Logger } from '../app/logger.ts';
import type { Locale } from '../i18n/locale.ts';
import { noticeParentMessage } from '../views/notice-message.ts';
import { opsEventMessage } from '../views/operations/ops-message.ts';
import { threadReplyText } from '../views/thread-replies.ts';
import { classifySlackError } from './api-errors.ts';
import { findMessageByMetadata } from './message-lookup.ts';

/** Message metadata of an outbox reply: a later attempt finds it by `message_id` (exactly once). */
export const MESSAGE_EVENT_TYPE = 'kigen_message';

const failureOf = (error: unknown): MessageFailure => ({ ok: false, ...classifySlackError(error) });

/** The outbox's messages in Slack: re-rendered notices and operations messages, thread replies. */
export function createSlackMessageBoard(options: {
  client: WebClient;
  logger: Logger;
  /** KIGEN_LOCALE: the operations channel reads the deployment's language. */
  opsLocale: Locale;
}): MessageBoard {
  const { client } = options;
  const logger = options.logger.child({ component: 'slack-message-board' });
  return {
    async refreshNotice(notice, parent, now) {
      const message = noticeParentMessage(notice, now);
      try {
        await client.chat.update({
          channel: parent.channel,
          ts: parent.ts,
          text: message.text,
          blocks: message.blocks,
        });
        return { ok: true };
      } catch (error) {
        logger.warn({ err: error, cycleId: notice.cycle?.id }, 'notice not re-rendered');
        return failureOf(error);
      }
    },

    async postReply(target, reply, about) {
      const text = threadReplyText(reply, about.contract, about.locale);
      try {
        const posted = await client.chat.postMessage({
          channel: target.channel,
          ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
          text: text.replaceAll('*', '').slice(0, 3_000),
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3_000) } }],
          metadata: { event_type: MESSAGE_EVENT_TYPE, event_payload: { message_id: about.messageId } },
          unfurl_links: false,
          unfurl_media: false,
        });
        if (!posted.ts) return { ok: false, error: 'no_ts', retryable: true, uncertain: true };
        return { ok: true, posted: { channel: posted.channel ?? target.channel, ts: posted.ts } };
      } catch (error) {
        logger.warn({ err: error, messageId: about.messageId }, 'thread reply not posted');
        return failureOf(error);
      }
    },

    findReply(target, messageId, window) {
      return findMessageByMetadata(client, {
        channel: target.channel,
        threadTs: target.threadTs,
        eventType: MESSAGE_EVENT_TYPE,
        matches: (payload) => payload.message_id === messageId,
        since: window.since,
        until: window.until,
      });
    },

    async refreshOps(application, message) {
      const view = opsEventMessage({
        event: application.event,
        progress: application.progress,
        issuedCertificate: application.issuedCertificate,
        locale: options.opsLocale,
      });
      try {
        await client.chat.update({
          channel: message.channel,
          ts: message.ts,
          text: view.text,
          blocks: view.blocks,
        });
        return { ok: true };
      } catch (error) {
        logger.warn(
          { err: error, applicationId: application.applicationId },
          'operations message not updated',
        );
        return failureOf(error);
      }
    },
  };
}
