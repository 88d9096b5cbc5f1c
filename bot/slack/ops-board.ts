import type { WebClient } from '@slack/web-api';
import type { Database } from '../../db/server/connection.ts';
import { loadOpsApplication } from '../../db/stores/handover-applications.ts';
import type { HandoverEvent, HandoverMessage, HandoverResult } from '../../domain/ports/handover.ts';
import type { Locale } from '../i18n/locale.ts';
import { opsEventMessage } from '../views/operations/ops-message.ts';

/** The message metadata's event type of a hand-over post; its payload carries the `event_id`. */
export const HANDOVER_EVENT_TYPE = 'kigen_handover';

/** Posts one hand-over event to the operations channel: the application's data and the staff's buttons. */
export async function postToOpsChannel(
  input: { client: WebClient; db: Database; channel: string; locale: Locale },
  event: HandoverEvent,
): Promise<HandoverResult> {
  try {
    // The application's progress so far (a staff member may have acted on an earlier post).
    const current = event.application ? await loadOpsApplication(input.db, event.application.id) : null;
    const message = opsEventMessage({
      event,
      progress: current?.progress ?? null,
      issuedCertificate: current?.issuedCertificate ?? null,
      locale: input.locale,
    });
    const answer = await input.client.chat.postMessage({
      channel: input.channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      metadata: { event_type: HANDOVER_EVENT_TYPE, event_payload: { event_id: event.id } },
    });
    if (!answer.ok || !answer.ts) return { ok: false, error: answer.error ?? 'no_ts' };
    return { ok: true, message: { channel: answer.channel ?? input.channel, ts: answer.ts } };
  } catch (error) {
    const e = error as { data?: { error?: string }; code?: string; retryAfter?: number; message?: string };
    return {
      ok: false,
      error: e.data?.error ?? e.code ?? e.message ?? 'slack_error',
      ...(typeof e.retryAfter === 'number' ? { retryAfterMs: e.retryAfter * 1000 } : {}),
    };
  }
}

/** findPosted looks at messages from this long before the event occurred (clock skew). */
const HISTORY_MARGIN_MS = 60 * 60_000;
/** findPosted reads at most this many pages of 200 messages, newest first. */
const HISTORY_PAGES = 5;

/**
 * After a crash between the post and its record: the ops-channel message already posted for this
 * event, found by its metadata (`event_id`) in the channel's recent history. Null when it is not
 * there, and on any error (the event is then posted again: at least once).
 */
export async function findOpsPost(
  input: { client: WebClient; channel: string; historyPages?: number },
  event: HandoverEvent,
): Promise<HandoverMessage | null> {
  const oldest = (Math.max(0, event.occurredAt.getTime() - HISTORY_MARGIN_MS) / 1_000).toFixed(6);
  const pages = input.historyPages ?? HISTORY_PAGES;
  try {
    let cursor: string | undefined;
    for (let page = 0; page < pages; page++) {
      const result = await input.client.conversations.history({
        channel: input.channel,
        oldest,
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      if (!result.ok) return null;
      const found = (result.messages ?? []).find((m) => m.ts !== undefined && isPostOf(m.metadata, event.id));
      if (found?.ts) return { channel: input.channel, ts: found.ts };
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) return null;
    }
    return null;
  } catch {
    return null;
  }
}

function isPostOf(metadata: { event_type?: string; event_payload?: unknown } | undefined, eventId: string) {
  if (metadata?.event_type !== HANDOVER_EVENT_TYPE) return false;
  const payload = metadata.event_payload;
  return (
    typeof payload === 'object' &&
    payload !== null &&
    (payload as { event_id?: unknown }).event_id === eventId
  );
}
