import { sql } from 'drizzle-orm';
import type { LaneId, LaneLeases } from '../../domain/ports/outbox.ts';
import type { Executor } from '../server/connection.ts';

const iso = (at: Date) => at.toISOString();
/** A list parameter as a subquery (drizzle expands JS arrays into `($1, $2, …)`, which `any` cannot take). */
export const textList = (values: readonly string[]) =>
  sql`(select value from jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

/**
 * Lane leases in `outbox_lanes`: a lane is held by one replica at a time, until `held_until`, and
 * accepts no work before `paced_until`. Rows are made on first use; holding one is an UPDATE with
 * SKIP LOCKED, so replicas acquiring together take disjoint lanes.
 */
export function createLaneLeases(ex: Executor): LaneLeases {
  return {
    async acquire(candidates, workerId, now, leaseMs, limit) {
      if (candidates.length === 0 || limit <= 0) return [];
      await ex.execute(sql`
        insert into outbox_lanes (lane) select value from jsonb_array_elements_text(${JSON.stringify(candidates)}::jsonb)
        on conflict do nothing
      `);
      const until = new Date(now.getTime() + leaseMs);
      const rows = (await ex.execute(sql`
        update outbox_lanes l
           set holder = ${workerId}, held_until = ${iso(until)}::timestamptz, updated_at = now()
         where l.lane in (
           select lane from outbox_lanes
            where lane in ${textList(candidates)}
              and (holder is null or holder = ${workerId} or held_until < ${iso(now)}::timestamptz)
              and (paced_until is null or paced_until <= ${iso(now)}::timestamptz)
            order by paced_until nulls first, lane
            limit ${limit}
            for update skip locked)
        returning l.lane
      `)) as unknown as { lane: LaneId }[];
      return rows.map((r) => r.lane);
    },

    async renew(lanes, workerId, now, leaseMs) {
      if (lanes.length === 0) return [];
      const until = new Date(now.getTime() + leaseMs);
      const rows = (await ex.execute(sql`
        update outbox_lanes set held_until = ${iso(until)}::timestamptz, updated_at = now()
         where holder = ${workerId} and lane in ${textList(lanes)}
        returning lane
      `)) as unknown as { lane: LaneId }[];
      return rows.map((r) => r.lane);
    },

    async release(lane, workerId, pacedUntil) {
      await ex.execute(sql`
        update outbox_lanes
           set holder = null, held_until = null, updated_at = now(),
               paced_until = greatest(paced_until, ${pacedUntil ? iso(pacedUntil) : null}::timestamptz)
         where lane = ${lane} and holder = ${workerId}
      `);
    },
  };
}
