import type { HandoverChannel, HandoverEvent } from '../../db/stores/handover-outbox.ts';

export type { HandoverChannel, HandoverEvent } from '../../db/stores/handover-outbox.ts';

/**
 * The port through which the scheduler hands an event to the back office. The scheduler owns *when*
 * and *how often* (claims, backoff, ordering, never dropping); the implementations in bot/ own *how*
 * (the signed webhook POST, the operations-channel message). Injected by the composition root.
 */
export interface HandoverDelivery {
  /** The channels this process can deliver to; deliveries of other channels wait for one that can. */
  readonly channels: readonly HandoverChannel[];
  /** Delivers one event to one channel. Never throws: every failure is a value, and is retried. */
  deliver(channel: HandoverChannel, event: HandoverEvent, signal: AbortSignal): Promise<HandoverResult>;
  /**
   * After a crash between delivery and record (a claim whose lease ended): the message already posted
   * for this event, found by its message metadata (`event_id`), so that a retry never posts a second
   * one. Only for channels that can look (ops_channel); the webhook's receivers deduplicate by event
   * id instead. Never throws: null when not found or when it cannot tell (then the event is delivered).
   */
  findPosted?(channel: HandoverChannel, event: HandoverEvent): Promise<HandoverMessage | null>;
}

export type HandoverMessage = { readonly channel: string; readonly ts: string };

export type HandoverResult =
  | {
      readonly ok: true;
      /** ops_channel: the posted message, which the staff's buttons edit later. */
      readonly message?: HandoverMessage;
    }
  | {
      readonly ok: false;
      /** `http_500`, `timeout`, `connection: ECONNRESET`, a Slack error code, …: never a secret. */
      readonly error: string;
      /** The receiver asked to wait (Retry-After). */
      readonly retryAfterMs?: number;
    };
