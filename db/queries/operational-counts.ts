import { sql } from 'drizzle-orm';
import type { NoticeStatus } from '../../domain/index.ts';
import type { Executor } from '../server/connection.ts';
import { toDate } from '../stores/renewal-cycles.ts';

export type NoticeFigures = {
  readonly byStatus: Readonly<Record<NoticeStatus, number>>;
  /** Pending and due now (a retry counts once its next attempt time has come). */
  readonly due: number;
  /** Due time of the oldest of those; null when none is due. */
  readonly oldestDueAt: Date | null;
};

const STATUSES: readonly NoticeStatus[] = ['pending', 'sending', 'sent', 'skipped', 'failed'];

/**
 * For `/metrics`. The due figures use the partial index of the sweep (`notices_due_idx`); the counts by
 * status read the whole table once (a sequential scan of a narrow table; the caller caches them).
 */
export async function noticeFigures(ex: Executor, now: Date): Promise<NoticeFigures> {
  const at = now.toISOString();
  const [statusRows, dueRows] = await Promise.all([
    ex.execute(sql`select status, count(*)::int as n from notices group by status`),
    ex.execute(sql`
      select count(*)::int as n, min(due_at) as oldest from notices
       where status = 'pending' and due_at <= ${at}::timestamptz
         and (next_attempt_at is null or next_attempt_at <= ${at}::timestamptz)
    `),
  ]);
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<NoticeStatus, number>;
  for (const row of statusRows as unknown as { status: NoticeStatus; n: number }[])
    byStatus[row.status] = row.n;
  const due = (dueRows as unknown as { n: number; oldest: string | null }[])[0];
  return {
    byStatus,
    due: due?.n ?? 0,
    oldestDueAt: due?.oldest ? toDate(due.oldest) : null,
  };
}

/** Decisions recorded in the audit trail (`decision.<kind>`, refusals included), by kind. */
export async function decisionCounts(ex: Executor): Promise<Record<string, number>> {
  const rows = (await ex.execute(sql`
    select substr(action, length('decision.') + 1) as kind, count(*)::int as n
      from audit_events where action like 'decision.%' group by action
  `)) as unknown as { kind: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/**
 * When the recurring job named `jobName` last finished on any replica (Agenda's table), or null
 * when it never ran or the table does not exist yet.
 */
export async function lastJobFinishedAt(ex: Executor, jobName: string): Promise<Date | null> {
  const rows = (await ex.execute(sql`
    select max(last_finished_at) as at from agenda_jobs where name = ${jobName}
  `)) as unknown as { at: string | null }[];
  const at = rows[0]?.at;
  return at ? toDate(at) : null;
}
