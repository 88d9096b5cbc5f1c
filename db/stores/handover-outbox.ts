import { sql } from 'drizzle-orm';
import type {
  Applicant,
  ApplicationKind,
  Ca,
  Category,
  CsrMethod,
  CycleState,
  Locale,
  PeriodMonths,
} from '../../domain/index.ts';
import type { HandoverChannel, HandoverEvent, HandoverKind } from '../../domain/ports/handover.ts';
import type { Executor } from '../server/connection.ts';
import { toDate, toDateOrNull } from './renewal-cycles.ts';

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
      periodMonths: (c.periodMonths as PeriodMonths | null) ?? null,
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
