import { sql } from 'drizzle-orm';
import type {
  HandoverChannel,
  HandoverDelivery,
  HandoverKind,
  HandoverMessage,
} from '../../domain/ports/handover.ts';
import type { Claim } from '../../domain/ports/outbox.ts';
import type { Executor } from '../server/connection.ts';
import { toHandoverEvent } from './handover-outbox.ts';
import { loadOpsApplication } from './operations-repository.ts';
import { stillOurs } from './outbox-queues.ts';

type Json = Record<string, unknown>;

/** One delivery of a hand-over event, with the application as the operations message shows it. */
export async function loadHandoverDelivery(
  ex: Executor,
  deliveryId: string,
): Promise<HandoverDelivery | null> {
  const [row] = (await ex.execute(sql`
    select d.channel, e.id, e.seq, e.kind, e.payload, e.application_id
      from handover_deliveries d join handover_events e on e.id = d.event_id
     where d.id = ${deliveryId}
  `)) as unknown as {
    channel: HandoverChannel;
    id: string;
    seq: string;
    kind: HandoverKind;
    payload: Json;
    application_id: string | null;
  }[];
  if (!row) return null;
  return {
    channel: row.channel,
    event: toHandoverEvent(row),
    application: row.application_id ? await loadOpsApplication(ex, row.application_id) : null,
  };
}

/** Acknowledged, only while the claim is still ours: never sent again. */
export async function markHandoverDelivered(
  ex: Executor,
  claim: Claim,
  outcome: { readonly now: Date; readonly message: HandoverMessage | null },
): Promise<boolean> {
  const at = outcome.now.toISOString();
  const rows = (await ex.execute(sql`
    update handover_deliveries
       set status = 'delivered', delivered_at = ${at}::timestamptz, last_error = null, uncertain_since = null,
           slack_channel_id = ${outcome.message?.channel ?? null}, slack_ts = ${outcome.message?.ts ?? null},
           updated_at = ${at}::timestamptz
     where ${stillOurs(claim)}
    returning id
  `)) as unknown as unknown[];
  return rows.length > 0;
}
