import type { WebClient } from '@slack/web-api';
import type { HandoverDelivery, OpsBoard } from '../../domain/ports/handover.ts';
import type { Locale } from '../i18n/locale.ts';
import { opsEventMessage } from '../views/operations/ops-message.ts';
import { classifySlackError } from './api-errors.ts';
import { findMessageByMetadata } from './message-lookup.ts';

/** The message metadata's event type of a hand-over post; its payload carries the `event_id`. */
export const HANDOVER_EVENT_TYPE = 'kigen_handover';

/** The operations channel: one post per hand-over event, with the application's data and the staff's buttons. */
export function createSlackOpsBoard(input: { client: WebClient; channel: string; locale: Locale }): OpsBoard {
  const { client, channel } = input;
  return {
    async post(delivery: HandoverDelivery) {
      const message = opsEventMessage({
        event: delivery.event,
        progress: delivery.application?.progress ?? null,
        issuedCertificate: delivery.application?.issuedCertificate ?? null,
        locale: input.locale,
      });
      try {
        const answer = await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          metadata: { event_type: HANDOVER_EVENT_TYPE, event_payload: { event_id: delivery.event.id } },
        });
        if (!answer.ts) return { ok: false, error: 'no_ts', uncertain: true };
        return { ok: true, message: { channel: answer.channel ?? channel, ts: answer.ts } };
      } catch (error) {
        const failure = classifySlackError(error);
        return {
          ok: false,
          error: failure.error,
          uncertain: failure.uncertain,
          ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
        };
      }
    },

    findPosted(event, window) {
      return findMessageByMetadata(client, {
        channel,
        eventType: HANDOVER_EVENT_TYPE,
        matches: (payload) => payload.event_id === event.id,
        since: window.since,
        until: window.until,
      });
    },
  };
}
