import { type SQL, sql } from 'drizzle-orm';
import type {
  Ca,
  Category,
  CsrMethod,
  Locale,
  NoticeKind,
  NoticeStatus,
  PeriodMonths,
} from '../../domain/index.ts';
import type { Executor } from '../server/connection.ts';
import { type CycleRow, toDate } from './renewal-cycles.ts';
import { fromRaw } from './renewal-planning.ts';

/** Everything the dispatcher needs about one notice, read in one query per batch. */
export type NoticeContext = {
  readonly id: string;
  readonly kind: NoticeKind;
  readonly status: NoticeStatus;
  readonly dueAt: Date;
  readonly attempts: number;
  readonly contract: {
    readonly id: string;
    readonly cn: string;
    readonly category: Category;
    readonly ca: Ca | null;
    readonly productId: string | null;
    readonly periodMonths: PeriodMonths | null;
    readonly csrMethod: CsrMethod | null;
    readonly slackChannelId: string;
    readonly status: 'active' | 'cancelled';
  };
  readonly certificate: { readonly id: string; readonly notAfter: Date };
  readonly cycle: CycleRow | null;
  readonly groupLocale: Locale | null;
  readonly groupAdmins: readonly string[];
  readonly serviceAdmins: readonly string[];
};

const idList = (ids: readonly string[]) =>
  sql`(select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;

/** The due filter of the sweep: pending, due, and not waiting for a retry. */
const due = (now: Date) => sql`status = 'pending' and due_at <= ${now.toISOString()}::timestamptz
  and (next_attempt_at is null or next_attempt_at <= ${now.toISOString()}::timestamptz)`;

/**
 * R-NOTICE-4: claims up to `limit` due notices for `workerId`. Row locks with SKIP LOCKED let
 * concurrent dispatchers take disjoint batches; the status change makes the claim durable.
 */
export async function claimDueNotices(
  ex: Executor,
  options: { workerId: string; now: Date; limit: number },
): Promise<string[]> {
  const now = options.now.toISOString();
  const rows = (await ex.execute(sql`
    update notices
       set status = 'sending', claimed_by = ${options.workerId}, claimed_at = ${now}::timestamptz,
           attempts = attempts + 1, updated_at = ${now}::timestamptz
     where id in (
       select id from notices
        where ${due(options.now)}
        order by due_at
        limit ${options.limit}
        for update skip locked)
    returning id
  `)) as unknown as { id: string }[];
  return rows.map((r) => r.id);
}

/**
 * Claims notices left in 'sending' longer than the lease (a process died between claim and record,
 * or its post timed out): the caller must look for the posted message before posting again.
 */
export async function claimStaleNotices(
  ex: Executor,
  options: { workerId: string; now: Date; leaseMs: number; limit: number },
): Promise<string[]> {
  const now = options.now.toISOString();
  const before = new Date(options.now.getTime() - options.leaseMs).toISOString();
  const rows = (await ex.execute(sql`
    update notices
       set claimed_by = ${options.workerId}, claimed_at = ${now}::timestamptz,
           attempts = attempts + 1, updated_at = ${now}::timestamptz
     where id in (
       select id from notices
        where status = 'sending' and claimed_at < ${before}::timestamptz
        order by claimed_at
        limit ${options.limit}
        for update skip locked)
    returning id
  `)) as unknown as { id: string }[];
  return rows.map((r) => r.id);
}

/** Due notices without claiming them (dry-run: print, change nothing). */
export async function selectDueNotices(
  ex: Executor,
  options: { now: Date; limit: number },
): Promise<string[]> {
  const rows = (await ex.execute(sql`
    select id from notices where ${due(options.now)} order by due_at limit ${options.limit}
  `)) as unknown as { id: string }[];
  return rows.map((r) => r.id);
}

/** How many notices are due (the sweep's filter), without reading them. */
export async function countDueNotices(ex: Executor, now: Date): Promise<number> {
  const rows = (await ex.execute(sql`
    select count(*)::int as n from notices where ${due(now)}
  `)) as unknown as { n: number }[];
  return rows[0]?.n ?? 0;
}

type RawContext = {
  id: string;
  kind: NoticeKind;
  status: NoticeStatus;
  due_at: string;
  attempts: number;
  contract_id: string;
  cn: string;
  category: Category;
  ca: Ca | null;
  product_id: string | null;
  period_months: PeriodMonths | null;
  csr_method: CsrMethod | null;
  slack_channel_id: string;
  contract_status: 'active' | 'cancelled';
  service_group_id: string;
  certificate_id: string;
  not_after: string;
  locale: Locale | null;
  cycle: Record<string, unknown> | null;
};

/** Reads the contexts of notices, with recipients by role (R-NOTICE-3). */
export async function loadNoticeContexts(ex: Executor, ids: readonly string[]): Promise<NoticeContext[]> {
  if (ids.length === 0) return [];
  const rows = (await ex.execute(sql`
    select n.id, n.kind, n.status, n.due_at, n.attempts,
           c.id as contract_id, c.cn, c.category, c.ca, c.product_id, c.period_months, c.csr_method,
           c.slack_channel_id, c.status as contract_status, c.service_group_id,
           k.id as certificate_id, k.not_after, g.locale,
           case when r.id is null then null else to_jsonb(r) end as cycle
      from notices n
      join contracts c on c.id = n.contract_id
      join certificates k on k.id = n.certificate_id
      join service_groups g on g.id = c.service_group_id
      left join renewal_cycles r on r.id = n.cycle_id
     where n.id in ${idList(ids)}
     order by n.due_at
  `)) as unknown as RawContext[];
  const groups = [...new Set(rows.map((r) => r.service_group_id))];
  const memberRows = (await ex.execute(sql`
    select service_group_id, slack_user_id, role from members
     where service_group_id in ${idList(groups)}
     order by slack_user_id
  `)) as unknown as { service_group_id: string; slack_user_id: string; role: string }[];
  const byGroup = new Map<string, { admins: string[]; service: string[] }>();
  for (const m of memberRows) {
    const entry = byGroup.get(m.service_group_id) ?? { admins: [], service: [] };
    (m.role === 'group_admin' ? entry.admins : entry.service).push(m.slack_user_id);
    byGroup.set(m.service_group_id, entry);
  }
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    dueAt: toDate(r.due_at),
    attempts: r.attempts,
    contract: {
      id: r.contract_id,
      cn: r.cn,
      category: r.category,
      ca: r.ca,
      productId: r.product_id,
      periodMonths: r.period_months,
      csrMethod: r.csr_method,
      slackChannelId: r.slack_channel_id,
      status: r.contract_status,
    },
    certificate: { id: r.certificate_id, notAfter: toDate(r.not_after) },
    cycle: r.cycle ? fromRaw(r.cycle) : null,
    groupLocale: r.locale,
    groupAdmins: byGroup.get(r.service_group_id)?.admins ?? [],
    serviceAdmins: byGroup.get(r.service_group_id)?.service ?? [],
  }));
}

/**
 * R-NOTICE-4, R-NOTICE-1: of these notices, the announcements (`kinds`, in the order they fall due)
 * of which a later announcement of the same cycle is also due at `now`: superseded, only the latest
 * is posted. One query per batch. A later announcement counts whatever its status (pending, waiting
 * for a retry, claimed, sent or skipped), except 'failed': a failed one never silences an earlier one.
 */
export async function withLaterAnnouncementDue(
  ex: Executor,
  ids: readonly string[],
  options: { now: Date; kinds: readonly NoticeKind[] },
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const kinds = sql`(select array_agg(value) from jsonb_array_elements_text(${JSON.stringify(options.kinds)}::jsonb))`;
  const rows = (await ex.execute(sql`
    with k as (select ${kinds} as kinds)
    select n.id from notices n, k
     where n.id in ${idList(ids)} and n.cycle_id is not null and n.kind = any(k.kinds)
       and exists (
         select 1 from notices o
          where o.cycle_id = n.cycle_id and o.id <> n.id and o.kind = any(k.kinds)
            and o.status <> 'failed' and o.due_at <= ${options.now.toISOString()}::timestamptz
            and (o.due_at, array_position(k.kinds, o.kind)) > (n.due_at, array_position(k.kinds, n.kind)))
  `)) as unknown as { id: string }[];
  return new Set(rows.map((r) => r.id));
}

// Every outcome is recorded only while the claim is still ours: a claim taken over after the lease
// makes a late writer's update a no-op.
const ours = (id: string, workerId: string) =>
  sql`id = ${id} and status = 'sending' and claimed_by = ${workerId}`;

/** Records an outcome, but only while the claim is still ours (a reclaimed notice is someone else's). */
async function updateClaimed(
  ex: Executor,
  id: string,
  workerId: string,
  set: SQL,
  now: Date,
): Promise<boolean> {
  const rows = (await ex.execute(sql`
    update notices set ${set}, updated_at = ${now.toISOString()}::timestamptz
     where ${ours(id, workerId)}
    returning id
  `)) as unknown as unknown[];
  return rows.length > 0;
}

export async function markSent(
  ex: Executor,
  id: string,
  workerId: string,
  outcome: { channel: string; ts: string; threadTs: string | null; now: Date },
): Promise<boolean> {
  const set = sql`status = 'sent', slack_channel_id = ${outcome.channel}, slack_ts = ${outcome.ts},
    slack_thread_ts = ${outcome.threadTs}, sent_at = ${outcome.now.toISOString()}::timestamptz,
    last_error = null, next_attempt_at = null`;
  return updateClaimed(ex, id, workerId, set, outcome.now);
}

export async function markSkipped(
  ex: Executor,
  id: string,
  workerId: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  return updateClaimed(ex, id, workerId, sql`status = 'skipped', skip_reason = ${reason}`, now);
}

/** Back to 'pending' for a later attempt. */
export async function markRetry(
  ex: Executor,
  id: string,
  workerId: string,
  error: string,
  nextAttemptAt: Date,
  now: Date,
): Promise<boolean> {
  const set = sql`status = 'pending', last_error = ${error},
    next_attempt_at = ${nextAttemptAt.toISOString()}::timestamptz, claimed_by = null, claimed_at = null`;
  return updateClaimed(ex, id, workerId, set, now);
}

export async function markFailed(
  ex: Executor,
  id: string,
  workerId: string,
  error: string,
  now: Date,
): Promise<boolean> {
  return updateClaimed(ex, id, workerId, sql`status = 'failed', last_error = ${error}`, now);
}

/** Keeps the claim (the outcome is unknown, e.g. a post timed out) but notes why. */
export async function noteUncertain(
  ex: Executor,
  id: string,
  workerId: string,
  error: string,
): Promise<void> {
  await ex.execute(sql`update notices set last_error = ${error} where ${ours(id, workerId)}`);
}

/** The cycle's parent message, set once by its first posted notice. */
export async function setCycleParentMessage(
  ex: Executor,
  cycleId: string,
  message: { channel: string; ts: string },
): Promise<void> {
  await ex.execute(sql`
    update renewal_cycles set slack_channel_id = ${message.channel}, slack_ts = ${message.ts}
     where id = ${cycleId} and slack_ts is null
  `);
}

export type NoticeListing = {
  readonly id: string;
  readonly cn: string;
  readonly kind: NoticeKind;
  readonly dueAt: Date;
  readonly status: NoticeStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly skipReason: string | null;
  readonly channel: string;
};

/** For operators (`kigen notices`): read-only. */
export async function listNotices(
  ex: Executor,
  filter: { statuses: readonly NoticeStatus[] | 'all'; limit: number },
): Promise<NoticeListing[]> {
  const where =
    filter.statuses === 'all'
      ? sql`true`
      : sql`n.status in (select value from jsonb_array_elements_text(${JSON.stringify(filter.statuses)}::jsonb))`;
  const rows = (await ex.execute(sql`
    select n.id, c.cn, n.kind, n.due_at, n.status, n.attempts, n.last_error, n.skip_reason,
           coalesce(n.slack_channel_id, c.slack_channel_id) as channel
      from notices n join contracts c on c.id = n.contract_id
     where ${where}
     order by n.due_at, c.cn, n.kind
     limit ${filter.limit}
  `)) as unknown as Record<string, unknown>[];
  return rows.map((r) => ({
    id: r.id as string,
    cn: r.cn as string,
    kind: r.kind as NoticeKind,
    dueAt: toDate(r.due_at),
    status: r.status as NoticeStatus,
    attempts: r.attempts as number,
    lastError: (r.last_error as string | null) ?? null,
    skipReason: (r.skip_reason as string | null) ?? null,
    channel: r.channel as string,
  }));
}
