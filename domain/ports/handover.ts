import type { Applicant, ApplicationKind, Ca, Category, CsrMethod, Locale } from '../rules/contract-terms.ts';
import type { CycleState } from '../rules/cycle-vocabulary.ts';

export type HandoverChannel = 'ops_channel' | 'webhook';
export type HandoverKind = 'application' | 'opt_out' | 'opt_out_undone';
export const HANDOVER_CHANNELS: readonly HandoverChannel[] = ['ops_channel', 'webhook'];

/** The snapshot the triggers of migration 0002 store with each event (see kigen_handover_enqueue). */
export type HandoverEvent = {
  readonly id: string;
  readonly seq: number;
  readonly kind: HandoverKind;
  readonly occurredAt: Date;
  /** Slack user id or 'system:<job>' of who caused the fact; null when unknown. */
  readonly actor: string | null;
  readonly contract: {
    readonly id: string;
    readonly cn: string;
    readonly category: Category;
    readonly ca: Ca | null;
    readonly productId: string | null;
    readonly periodMonths: number | null;
    readonly csrMethod: CsrMethod | null;
    readonly wwwOption: boolean;
    readonly linkedServices: readonly string[];
    readonly slackChannelId: string;
    readonly serviceGroup: string;
    readonly locale: Locale | null;
  };
  readonly cycle: {
    readonly id: string;
    readonly state: CycleState;
    readonly expiresAt: Date;
    readonly decisionDeadline: Date | null;
    readonly dataDeadline: Date | null;
    readonly chosenPeriodMonths: number | null;
    readonly decision: string | null;
    readonly decidedBy: string | null;
    readonly decidedAt: Date | null;
    readonly slackChannelId: string | null;
    readonly slackTs: string | null;
  } | null;
  /** The contract's current certificate at the time of the fact (the one being renewed). */
  readonly certificate: {
    readonly id: string;
    readonly serial: string;
    readonly sha256: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
    readonly issuer: string;
  } | null;
  readonly application: {
    readonly id: string;
    readonly kind: ApplicationKind;
    readonly dn: {
      readonly c: string;
      readonly st: string;
      readonly l: string;
      readonly o: string;
      readonly ou: string | null;
      readonly cn: string;
    };
    readonly applicant: Applicant;
    readonly periodMonths: number;
    readonly csrMethod: CsrMethod;
    readonly csrPem: string | null;
    readonly wwwOption: boolean;
    readonly approverAddress: string | null;
    readonly keyGeneratedByProvider: boolean;
    readonly requestedBy: string;
    readonly requestedAt: Date;
  } | null;
};

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
