import { sql } from 'drizzle-orm';
import type {
  Applicant,
  ApplicationKind,
  Ca,
  Category,
  CsrMethod,
  CycleState,
  Locale,
} from '../../domain/index.ts';
import type { Executor } from '../server/connection.ts';
import { toDate, toDateOrNull } from './renewal-cycles.ts';

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

type Json = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The stored snapshot as a typed value (timestamps are ISO text in jsonb). */
export function toHandoverEvent(row: {
  id: string;
  seq: unknown;
  kind: HandoverKind;
  payload: Json;
}): HandoverEvent {
  const p = row.payload;
  const c = (p.contract ?? {}) as Json;
  const r = p.cycle as Json | null;
  const k = p.certificate as Json | null;
  const a = p.application as Json | null;
  return {
    id: row.id,
    seq: Number(row.seq),
    kind: row.kind,
    occurredAt: toDate(p.occurredAt),
    actor: str(p.actor),
    contract: {
      id: c.id as string,
      cn: c.cn as string,
      category: c.category as Category,
      ca: (c.ca as Ca | null) ?? null,
      productId: str(c.productId),
      periodMonths: (c.periodMonths as number | null) ?? null,
      csrMethod: (c.csrMethod as CsrMethod | null) ?? null,
      wwwOption: c.wwwOption === true,
      linkedServices: (c.linkedServices as string[] | null) ?? [],
      slackChannelId: c.slackChannelId as string,
      serviceGroup: c.serviceGroup as string,
      locale: (c.locale as Locale | null) ?? null,
    },
    cycle: r
      ? {
          id: r.id as string,
          state: r.state as CycleState,
          expiresAt: toDate(r.expiresAt),
          decisionDeadline: toDateOrNull(r.decisionDeadline),
          dataDeadline: toDateOrNull(r.dataDeadline),
          chosenPeriodMonths: (r.chosenPeriodMonths as number | null) ?? null,
          decision: str(r.decision),
          decidedBy: str(r.decidedBy),
          decidedAt: toDateOrNull(r.decidedAt),
          slackChannelId: str(r.slackChannelId),
          slackTs: str(r.slackTs),
        }
      : null,
    certificate: k
      ? {
          id: k.id as string,
          serial: k.serial as string,
          sha256: k.sha256 as string,
          notBefore: toDate(k.notBefore),
          notAfter: toDate(k.notAfter),
          issuer: k.issuer as string,
        }
      : null,
    application: a
      ? {
          id: a.id as string,
          kind: a.kind as ApplicationKind,
          dn: {
            ...(a.dn as { c: string; st: string; l: string; o: string; cn: string }),
            ou: str((a.dn as Json).ou),
          },
          applicant: a.applicant as Applicant,
          periodMonths: a.periodMonths as number,
          csrMethod: a.csrMethod as CsrMethod,
          csrPem: str(a.csrPem),
          wwwOption: a.wwwOption === true,
          approverAddress: str(a.approverAddress),
          keyGeneratedByProvider: a.keyGeneratedByProvider === true,
          requestedBy: a.requestedBy as string,
          requestedAt: toDate(a.requestedAt),
        }
      : null,
  };
}

/**
 * Which channels new events are handed to (the triggers read this table): set at start-up from
 * KIGEN_OPS_CHANNEL and KIGEN_WEBHOOK_URL. Disabling a channel keeps its pending deliveries.
 */
export async function setHandoverChannels(
  ex: Executor,
  enabled: Readonly<Record<HandoverChannel, boolean>>,
): Promise<void> {
  for (const channel of HANDOVER_CHANNELS) {
    await ex.execute(sql`
      insert into handover_channels (channel, enabled, updated_at) values (${channel}, ${enabled[channel]}, now())
      on conflict (channel) do update set enabled = excluded.enabled, updated_at = excluded.updated_at
       where handover_channels.enabled is distinct from excluded.enabled
    `);
  }
}

export type ClaimedDelivery = {
  readonly deliveryId: string;
  readonly channel: HandoverChannel;
  readonly attempts: number;
  /**
   * The delivery was still 'sending' under an earlier claim whose lease ended: that dispatcher died
   * (or lost its database) after the attempt began, so the event may already have been handed over.
   */
  readonly stale: boolean;
  readonly event: HandoverEvent;
};

/**
 * Claims up to `limit` due deliveries of the given channels for `workerId` (SKIP LOCKED: concurrent
 * dispatchers take disjoint batches), including claims older than the lease (a dispatcher that
 * died; those come back with `stale`). Per contract and channel, a delivery waits until the earlier
 * events are delivered, so the back office never sees an undo before its opt-out.
 */
export async function claimHandoverDeliveries(
  ex: Executor,
  options: {
    workerId: string;
    channels: readonly HandoverChannel[];
    now: Date;
    leaseMs: number;
    limit: number;
  },
): Promise<ClaimedDelivery[]> {
  if (options.channels.length === 0) return [];
  const now = options.now.toISOString();
  const staleBefore = new Date(options.now.getTime() - options.leaseMs).toISOString();
  const rows = (await ex.execute(sql`
    with due as (
      select x.id, (x.status = 'sending' and x.attempts > 0) as stale
        from handover_deliveries x
        join handover_events e on e.id = x.event_id
       where x.channel in (select value from jsonb_array_elements_text(${JSON.stringify(options.channels)}::jsonb))
         and ((x.status = 'pending' and (x.next_attempt_at is null or x.next_attempt_at <= ${now}::timestamptz))
           or (x.status = 'sending' and x.claimed_at < ${staleBefore}::timestamptz))
         and not exists (
           select 1 from handover_deliveries y join handover_events f on f.id = y.event_id
            where y.channel = x.channel and f.contract_id = e.contract_id and f.seq < e.seq
              and y.status <> 'delivered')
       order by e.seq
       limit ${options.limit}
       for update of x skip locked),
    claimed as (
      update handover_deliveries d
         set status = 'sending', claimed_by = ${options.workerId}, claimed_at = ${now}::timestamptz,
             attempts = d.attempts + 1, updated_at = ${now}::timestamptz
        from due
       where d.id = due.id
      returning d.id, d.event_id, d.channel, d.attempts, due.stale)
    select c.id as delivery_id, c.channel, c.attempts, c.stale, e.id, e.seq, e.kind, e.payload
      from claimed c join handover_events e on e.id = c.event_id
     order by e.seq
  `)) as unknown as {
    delivery_id: string;
    channel: HandoverChannel;
    attempts: number;
    stale: boolean;
    id: string;
    seq: string;
    kind: HandoverKind;
    payload: Json;
  }[];
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    channel: r.channel,
    attempts: r.attempts,
    stale: r.stale === true,
    event: toHandoverEvent(r),
  }));
}

const ours = (id: string, workerId: string) =>
  sql`id = ${id} and status = 'sending' and claimed_by = ${workerId}`;

/** Acknowledged: never sent again. `message` is the posted ops-channel message. */
export async function markHandoverDelivered(
  ex: Executor,
  id: string,
  workerId: string,
  outcome: { now: Date; message?: { channel: string; ts: string } | undefined },
): Promise<boolean> {
  const rows = (await ex.execute(sql`
    update handover_deliveries
       set status = 'delivered', delivered_at = ${outcome.now.toISOString()}::timestamptz, last_error = null,
           slack_channel_id = ${outcome.message?.channel ?? null}, slack_ts = ${outcome.message?.ts ?? null},
           updated_at = ${outcome.now.toISOString()}::timestamptz
     where ${ours(id, workerId)}
    returning id
  `)) as unknown as unknown[];
  return rows.length > 0;
}

/** Back to 'pending' until `nextAttemptAt`; there is no 'failed': a hand-over is never dropped. */
export async function markHandoverRetry(
  ex: Executor,
  id: string,
  workerId: string,
  outcome: { error: string; nextAttemptAt: Date; now: Date },
): Promise<boolean> {
  const rows = (await ex.execute(sql`
    update handover_deliveries
       set status = 'pending', last_error = ${outcome.error.slice(0, 500)},
           next_attempt_at = ${outcome.nextAttemptAt.toISOString()}::timestamptz,
           claimed_by = null, claimed_at = null, updated_at = ${outcome.now.toISOString()}::timestamptz
     where ${ours(id, workerId)}
    returning id
  `)) as unknown as unknown[];
  return rows.length > 0;
}

/** Gives a claim back at once (shutdown): another dispatcher takes it without waiting for the lease. */
export async function releaseHandoverClaim(ex: Executor, id: string, workerId: string): Promise<void> {
  await ex.execute(sql`
    update handover_deliveries set status = 'pending', claimed_by = null, claimed_at = null,
           attempts = greatest(attempts - 1, 0)
     where ${ours(id, workerId)}
  `);
}

/** The ops-channel message of an application's hand-over, once posted. */
export async function opsMessageOfApplication(
  ex: Executor,
  applicationId: string,
): Promise<{ channel: string; ts: string } | null> {
  const rows = (await ex.execute(sql`
    select d.slack_channel_id, d.slack_ts from handover_deliveries d
      join handover_events e on e.id = d.event_id
     where e.application_id = ${applicationId} and d.channel = 'ops_channel' and d.slack_ts is not null
     order by e.seq desc limit 1
  `)) as unknown as { slack_channel_id: string; slack_ts: string }[];
  const row = rows[0];
  return row ? { channel: row.slack_channel_id, ts: row.slack_ts } : null;
}

export type HandoverListing = {
  readonly eventId: string;
  readonly kind: HandoverKind;
  readonly cn: string;
  readonly channel: HandoverChannel;
  readonly status: 'pending' | 'sending' | 'delivered';
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly lastError: string | null;
};

/** For operators and tests: deliveries with their event, oldest first. */
export async function listHandoverDeliveries(ex: Executor, limit = 1_000): Promise<HandoverListing[]> {
  const rows = (await ex.execute(sql`
    select e.id as event_id, e.kind, e.payload->'contract'->>'cn' as cn, d.channel, d.status, d.attempts,
           d.next_attempt_at, d.last_error
      from handover_deliveries d join handover_events e on e.id = d.event_id
     order by e.seq, d.channel
     limit ${limit}
  `)) as unknown as Record<string, unknown>[];
  return rows.map((r) => ({
    eventId: r.event_id as string,
    kind: r.kind as HandoverKind,
    cn: r.cn as string,
    channel: r.channel as HandoverChannel,
    status: r.status as HandoverListing['status'],
    attempts: r.attempts as number,
    nextAttemptAt: toDateOrNull(r.next_attempt_at),
    lastError: (r.last_error as string | null) ?? null,
  }));
}

/** Every event, oldest first (tests, operators). */
export async function listHandoverEvents(ex: Executor): Promise<HandoverEvent[]> {
  const rows = (await ex.execute(sql`
    select id, seq, kind, payload from handover_events order by seq
  `)) as unknown as { id: string; seq: string; kind: HandoverKind; payload: Json }[];
  return rows.map(toHandoverEvent);
}
