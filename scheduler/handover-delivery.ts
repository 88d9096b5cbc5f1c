import type { HandoverChannel, HandoverEvent } from '../db/handover-outbox.ts';

export type { HandoverChannel, HandoverEvent } from '../db/handover-outbox.ts';

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
}

export type HandoverResult =
  | {
      readonly ok: true;
      /** ops_channel: the posted message, which the staff's buttons edit later. */
      readonly message?: { readonly channel: string; readonly ts: string };
    }
  | {
      readonly ok: false;
      /** `http_500`, `timeout`, `connection: ECONNRESET`, a Slack error code, …: never a secret. */
      readonly error: string;
      /** The receiver asked to wait (Retry-After). */
      readonly retryAfterMs?: number;
    };
