import type { ApplicationProgress } from '../rules/application-progress.ts';
import type { Applicant, ApplicationKind, CsrMethod, Locale } from '../rules/contract-terms.ts';
import type { CycleState } from '../rules/cycle-vocabulary.ts';
import type { Claim } from './outbox.ts';
import type { ContractFacts, MessageLookup } from './read-models.ts';

export type HandoverChannel = 'ops_channel' | 'webhook';
export type HandoverKind = 'application' | 'opt_out' | 'opt_out_undone';
export const HANDOVER_CHANNELS: readonly HandoverChannel[] = ['ops_channel', 'webhook'];

/** The snapshot stored with each event when its fact is recorded (db/stores/handover-enqueue.ts). */
export type HandoverEvent = {
  readonly id: string;
  readonly seq: number;
  readonly kind: HandoverKind;
  readonly occurredAt: Date;
  /** Slack user id or 'system:<job>' of who caused the fact; null when unknown. */
  readonly actor: string | null;
  /** The webhook's published shape: the contract's facts, its service group by name. */
  readonly contract: Pick<
    ContractFacts,
    | 'id'
    | 'cn'
    | 'category'
    | 'ca'
    | 'productId'
    | 'periodMonths'
    | 'csrMethod'
    | 'wwwOption'
    | 'linkedServices'
    | 'slackChannelId'
    | 'locale'
  > & { readonly serviceGroup: string };
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

/** One claimed delivery of a hand-over event, with what the operations message shows. */
export type HandoverDelivery = {
  readonly channel: HandoverChannel;
  readonly event: HandoverEvent;
  /** The application's progress so far (a staff member may have acted on an earlier post). */
  readonly application: OpsApplication | null;
};

export type HandoverRepositories = {
  readonly handoverDeliveries: {
    load(deliveryId: string): Promise<HandoverDelivery | null>;
    /** Acknowledged, only while the claim is still ours: never sent again. */
    markDelivered(
      claim: Claim,
      outcome: { readonly now: Date; readonly message: HandoverMessage | null },
    ): Promise<boolean>;
  };
};

/** The provider's operations channel (bot/slack/ops-board.ts). Never throws. */
export interface OpsBoard {
  post(delivery: HandoverDelivery): Promise<HandoverResult>;
  /** The message an earlier attempt may have posted for this event, by its metadata (`event_id`). */
  findPosted(
    event: HandoverEvent,
    window: { readonly since: Date; readonly until: Date },
  ): Promise<MessageLookup>;
}

/** The back office's webhook (bot/webhook/webhook-sender.ts): at least once; receivers deduplicate by event id. */
export interface HandoverWebhook {
  send(event: HandoverEvent, signal: AbortSignal): Promise<HandoverResult>;
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
      /** The event may have been taken although no answer says so (a time-out, a 5xx of Slack). */
      readonly uncertain?: boolean;
    };

export type { ApplicationProgress, ProgressStatus } from '../rules/application-progress.ts';

/** An application as the operations channel shows it, with where the customer reads about it. */
export type OpsApplication = {
  readonly applicationId: string;
  /** The hand-over event of the application (its snapshot). */
  readonly event: HandoverEvent;
  readonly progress: ApplicationProgress | null;
  readonly contract: { readonly id: string; readonly cn: string; readonly slackChannelId: string };
  /** The renewal cycle the application belongs to (its customer's thread); null for none. */
  readonly cycleId: string | null;
  /** The customer's thread: the cycle's parent message, once a notice was posted. */
  readonly thread: { readonly channel: string; readonly ts: string } | null;
  readonly customerLocale: Locale | null;
  readonly issuedCertificate: { readonly notAfter: Date; readonly sha256: string } | null;
};
