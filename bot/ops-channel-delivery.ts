import type { WebClient } from '@slack/web-api';
import type { Database } from '../db/connection.ts';
import { loadOpsApplication } from '../db/handover-applications.ts';
import type { HandoverEvent, HandoverResult } from '../scheduler/handover-delivery.ts';
import type { Locale } from './i18n/locale.ts';
import { opsEventMessage } from './views/operations/ops-message.ts';

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
      metadata: { event_type: 'kigen_handover', event_payload: { event_id: event.id } },
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
