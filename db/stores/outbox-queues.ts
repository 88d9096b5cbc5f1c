import { type SQL, sql } from 'drizzle-orm';
import type { Claim, LaneId, OutboxQueue, Outcome, QueueName } from '../../domain/ports/outbox.ts';
import type { Executor } from '../server/connection.ts';
import { toDateOrNull } from './renewal-cycles.ts';

/**
 * How one table serves as an outbox queue. Every queue table has the same claim columns (status,
 * lane, attempts, next_attempt_at, last_error, claimed_by, claimed_at, claim_token, uncertain_since);
 * what differs is when a pending row is ready and in which order a lane's rows go.
 */
type QueueTable = {
  readonly name: QueueName;
  readonly table: 'notices' | 'outbox_messages' | 'handover_deliveries';
  /** `from` clause naming the queue row `x` (and whatever the order or readiness needs). */
  readonly from: SQL;
  /** Extra readiness of a pending row `x` at `now` (beyond its retry time). */
  readonly ready: (now: string) => SQL;
  /** Order of a lane's rows. */
  readonly order: SQL;
  readonly doneStatus: 'sent' | 'delivered';
  /** Queues whose items are never given up have no 'skipped' or 'failed' status. */
  readonly canFail: boolean;
};

const QUEUES: Record<QueueName, QueueTable> = {
  // R-NOTICE-4: a notice is ready at its due instant; a lane's notices go in due order, so the first
  // notice of a cycle opens its thread before the next one replies in it.
  notices: {
    name: 'notices',
    table: 'notices',
    from: sql`notices x`,
    ready: (now) => sql`x.due_at <= ${now}::timestamptz`,
    order: sql`x.due_at, x.id`,
    doneStatus: 'sent',
    canFail: true,
  },
  messages: {
    name: 'messages',
    table: 'outbox_messages',
    from: sql`outbox_messages x`,
    ready: () => sql`true`,
    order: sql`x.created_at, x.id`,
    doneStatus: 'sent',
    canFail: true,
  },
  // Hand-over events of one contract reach a channel in the order they happened (an undo never
  // overtakes its opt-out): a delivery waits while an earlier one of its contract is undelivered.
  handover: {
    name: 'handover',
    table: 'handover_deliveries',
    from: sql`handover_deliveries x join handover_events e on e.id = x.event_id`,
    ready: () => sql`not exists (
      select 1 from handover_deliveries y join handover_events f on f.id = y.event_id
       where y.channel = x.channel and f.contract_id = e.contract_id and f.seq < e.seq
         and y.status <> 'delivered')`,
    order: sql`e.seq`,
    doneStatus: 'delivered',
    canFail: false,
  },
};

const retryDue = (now: string) =>
  sql`(x.next_attempt_at is null or x.next_attempt_at <= ${now}::timestamptz)`;

type ClaimRow = { id: string; claim_token: string; attempts: number; uncertain_since: unknown };

/** One queue of the outbox on its table (see `QUEUES`). */
export function createOutboxQueue(ex: Executor, name: QueueName): OutboxQueue {
  const q = QUEUES[name];
  const table = sql.raw(q.table);

  return {
    name,
    canFail: q.canFail,

    async readyLanes(now, limit, workerId) {
      const at = now.toISOString();
      // Pending rows ready now, and rows a holder left claimed (taken over once its lease ended); not
      // the lanes that cannot be taken now (held by another replica, or paced): with many lanes busy,
      // the oldest ready ones would all be held, and the lanes still free never offered. A lane still
      // leased to this worker is offered: its release failed (the database was away) and it is ours.
      const rows = (await ex.execute(sql`
        select lane from (
          select x.lane, min(x.created_at) as since from ${q.from}
           where x.status = 'pending' and ${retryDue(at)} and ${q.ready(at)}
           group by x.lane
          union all
          select x.lane, min(x.created_at) from ${table} x where x.status = 'sending' group by x.lane
        ) r
        where not exists (
          select 1 from outbox_lanes l
           where l.lane = r.lane
             and ((l.holder <> ${workerId} and l.held_until >= ${at}::timestamptz)
                  or l.paced_until > ${at}::timestamptz))
        group by lane order by min(since) limit ${limit}
      `)) as unknown as { lane: LaneId }[];
      return rows.map((r) => r.lane);
    },

    async claimNext(lane, workerId, now) {
      const at = now.toISOString();
      // The lane is ours, so a row still 'sending' was left by an earlier holder (or by an attempt of
      // ours that could not record): it comes first, and may have landed.
      const rows = (await ex.execute(sql`
        with next as (
          select coalesce(
            (select x.id from ${table} x where x.lane = ${lane} and x.status = 'sending'
              limit 1 for update skip locked),
            (select x.id from ${q.from}
              where x.lane = ${lane} and x.status = 'pending' and ${retryDue(at)} and ${q.ready(at)}
              order by ${q.order} limit 1 for update of x skip locked)) as id
        )
        update ${table} t
           set status = 'sending', claimed_by = ${workerId}, claimed_at = ${at}::timestamptz,
               claim_token = gen_random_uuid(), attempts = t.attempts + 1,
               uncertain_since = case when t.status = 'sending'
                                      then coalesce(t.uncertain_since, t.claimed_at)
                                      else t.uncertain_since end,
               updated_at = ${at}::timestamptz
          from next
         where t.id = next.id and t.status in ('pending', 'sending')
        returning t.id, t.claim_token, t.attempts, t.uncertain_since
      `)) as unknown as ClaimRow[];
      const row = rows[0];
      if (!row) return null;
      return {
        queue: name,
        id: row.id,
        lane,
        token: row.claim_token,
        attempts: row.attempts,
        uncertainSince: toDateOrNull(row.uncertain_since),
      };
    },

    async settle(claim, outcome, now, nextAttemptAt) {
      const at = now.toISOString();
      const set = settlement(q, outcome, at, nextAttemptAt);
      const rows = (await ex.execute(sql`
        update ${table} set ${set}, updated_at = ${at}::timestamptz
         where id = ${claim.id} and claim_token = ${claim.token} and status = 'sending'
        returning id
      `)) as unknown as unknown[];
      return rows.length > 0;
    },

    async release(claim, now) {
      await ex.execute(sql`
        update ${table}
           set status = 'pending', claimed_by = null, claim_token = null,
               attempts = greatest(attempts - 1, 0), updated_at = ${now.toISOString()}::timestamptz
         where id = ${claim.id} and claim_token = ${claim.token} and status = 'sending'
      `);
    },
  };
}

function settlement(
  q: QueueTable,
  outcome: Exclude<Outcome, { kind: 'done' }>,
  at: string,
  nextAttemptAt: Date | null,
): SQL {
  switch (outcome.kind) {
    case 'skipped':
      if (!q.canFail) throw new Error(`${q.name}: items are never skipped`);
      return sql`status = 'skipped', skip_reason = ${outcome.reason}, claim_token = null`;
    case 'failed':
      if (!q.canFail) throw new Error(`${q.name}: items never fail`);
      return sql`status = 'failed', last_error = ${outcome.error.slice(0, 500)}, claim_token = null`;
    case 'retry': {
      const counts = outcome.countsAsAttempt ?? true;
      // Since when the item may have landed: the earliest attempt of unknown outcome, kept until a
      // handler knows better (its look-up found nothing and its write was refused).
      const uncertain = outcome.uncertain
        ? sql`coalesce(uncertain_since, claimed_at)`
        : sql`null::timestamptz`;
      return sql`status = 'pending', last_error = ${outcome.error.slice(0, 500)},
        next_attempt_at = ${(nextAttemptAt ?? new Date(at)).toISOString()}::timestamptz,
        uncertain_since = ${uncertain}, claimed_by = null, claim_token = null,
        attempts = ${counts ? sql`attempts` : sql`greatest(attempts - 1, 0)`}`;
    }
  }
}

/**
 * The fragment a handler adds to its own "done" update: only while the claim is still ours (a claim
 * taken over meanwhile makes the late writer's update a no-op).
 */
export const stillOurs = (claim: Pick<Claim, 'id' | 'token'>) =>
  sql`id = ${claim.id} and claim_token = ${claim.token} and status = 'sending'`;
