import type { HandoverEvent, HandoverResult } from '../../domain/ports/handover.ts';
import { webhookBody, webhookSignature } from './webhook-payload.ts';

export type WebhookSenderOptions = {
  readonly url: string;
  /** KIGEN_WEBHOOK_SECRET: signs, never sent, never logged. */
  readonly secret: string;
  /** Per request: a receiver that hangs is given up on and retried later. */
  readonly timeoutMs?: number;
  readonly clock?: () => Date;
};

export const WEBHOOK_TIMEOUT_MS = 10_000;

export type WebhookSender = {
  send(event: HandoverEvent, signal?: AbortSignal): Promise<HandoverResult>;
};

/**
 * POSTs a hand-over event as signed JSON. Only a 2xx acknowledges it; a 5xx, a 4xx, a time-out or a
 * closed connection is a failure value, retried by the dispatcher (the event is never dropped).
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const clock = options.clock ?? (() => new Date());
  return {
    async send(event, signal) {
      const body = JSON.stringify(webhookBody(event));
      const timestamp = Math.floor(clock().getTime() / 1000);
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'Kigen-Handover/1',
            'x-kigen-event-id': event.id,
            'x-kigen-timestamp': String(timestamp),
            'x-kigen-signature': webhookSignature(options.secret, timestamp, body),
          },
          body,
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
          redirect: 'error',
        });
        // The receiver's answer is not read beyond its status.
        await response.body?.cancel().catch(() => undefined);
        if (response.status >= 200 && response.status < 300) return { ok: true };
        const retryAfterMs = retryAfterOf(response.headers.get('retry-after'));
        return {
          ok: false,
          error: `http_${response.status}`,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        };
      } catch (error) {
        if (timeout.aborted) return { ok: false, error: 'timeout' };
        if (signal?.aborted) return { ok: false, error: 'aborted' };
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        return {
          ok: false,
          error: `connection: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        };
      }
    },
  };
}

function retryAfterOf(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3_600) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.min(at - Date.now(), 3_600_000));
}
