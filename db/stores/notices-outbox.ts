import { sql } from 'drizzle-orm';
import type { NoticeKind, NoticeStatus } from '../../domain/index.ts';
import type { NoticeContext } from '../../domain/ports/notices.ts';
import type { Claim } from '../../domain/ports/outbox.ts';
import type { PostedMessage } from '../../domain/ports/read-models.ts';
import type { Executor } from '../server/connection.ts';
import { CONTRACT_FACTS_COLUMNS, toContractFacts } from './contract-facts.ts';
import { stillOurs } from './outbox-queues.ts';
import { toDate, toRenewalCycle } from './renewal-cycles.ts';
import { fromRaw } from './renewal-planning.ts';

const idList = (ids: readonly string[]) =>
  sql`(select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;

/** The due filter of the sweep: pending, due, and not waiting for a retry. */
const due = (now: Date) => sql`status = 'pending' and due_at <= ${now.toISOString()}::timestamptz
  and (next_attempt_at is null or next_attempt_at <= ${now.toISOString()}::timestamptz)`;

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

/** The announcement kinds in the order they fall due, as a text[] for the queries below. */
const kindsArray = (kinds: readonly NoticeKind[]) =>
  sql`array(select value from jsonb_array_elements_text(${JSON.stringify(kinds)}::jsonb))`;

/**
 * R-NOTICE-4, R-NOTICE-1: the announcement n is superseded when a later announcement of its cycle
 * (`kinds` in the order they fall due) is also due at `now`, whatever its status (pending, waiting for
 * a retry, claimed, sent or skipped) except 'failed': a failed one never silences an earlier one.
 */
const laterAnnouncementDue = (now: Date, kinds: readonly NoticeKind[]) => sql`(
  n.cycle_id is not null and n.kind = any(${kindsArray(kinds)})
  and exists (
    select 1 from notices o
     where o.cycle_id = n.cycle_id and o.id <> n.id and o.kind = any(${kindsArray(kinds)})
       and o.status <> 'failed' and o.due_at <= ${now.toISOString()}::timestamptz
       and (o.due_at, array_position(${kindsArray(kinds)}, o.kind))
         > (n.due_at, array_position(${kindsArray(kinds)}, n.kind))))`;

/**
 * Reads the contexts of notices in one query, with recipients by role (R-NOTICE-3) and, given `at`,
 * whether a later announcement supersedes each (false without `at`: a re-rendered notice).
 */
export async function loadNoticeContexts(
  ex: Executor,
  ids: readonly string[],
  at?: { readonly now: Date; readonly kinds: readonly NoticeKind[] },
): Promise<NoticeContext[]> {
  if (ids.length === 0) return [];
  const rows = (await ex.execute(sql`
    select n.id, n.kind, n.status, n.due_at, n.created_at, n.attempts, ${CONTRACT_FACTS_COLUMNS},
           k.id as certificate_id, k.not_after,
           case when r.id is null then null else to_jsonb(r) end as cycle,
           (select coalesce(json_agg(json_build_array(m.slack_user_id, m.role) order by m.slack_user_id), '[]')
              from members m where m.service_group_id = c.service_group_id) as members,
           ${at ? laterAnnouncementDue(at.now, at.kinds) : sql`false`} as later_due
      from notices n
      join contracts c on c.id = n.contract_id
      join certificates k on k.id = n.certificate_id
      join service_groups g on g.id = c.service_group_id
      left join renewal_cycles r on r.id = n.cycle_id
     where n.id in ${idList(ids)}
     order by n.due_at
  `)) as unknown as Record<string, unknown>[];
  return rows.map((r) => {
    const contract = toContractFacts(r);
    const cycle = r.cycle ? fromRaw(r.cycle as Record<string, unknown>) : null;
    const members = (r.members as [string, string][] | null) ?? [];
    return {
      id: r.id as string,
      kind: r.kind as NoticeKind,
      status: r.status as NoticeStatus,
      dueAt: toDate(r.due_at),
      plannedAt: toDate(r.created_at),
      attempts: r.attempts as number,
      contract,
      certificate: { id: r.certificate_id as string, notAfter: toDate(r.not_after) },
      cycle: cycle ? toRenewalCycle(cycle, contract.category) : null,
      thread:
        cycle?.slackChannelId && cycle.slackTs ? { channel: cycle.slackChannelId, ts: cycle.slackTs } : null,
      recipients: {
        groupAdmins: members.filter(([, role]) => role === 'group_admin').map(([user]) => user),
        serviceAdmins: members.filter(([, role]) => role !== 'group_admin').map(([user]) => user),
      },
      laterAnnouncementDue: r.later_due === true,
    };
  });
}

/** Records the posted message, only while the claim is still ours. */
export async function markSent(
  ex: Executor,
  claim: Claim,
  sent: { readonly message: PostedMessage; readonly threadTs: string | null; readonly now: Date },
): Promise<boolean> {
  const at = sent.now.toISOString();
  const rows = (await ex.execute(sql`
    update notices
       set status = 'sent', slack_channel_id = ${sent.message.channel}, slack_ts = ${sent.message.ts},
           slack_thread_ts = ${sent.threadTs}, sent_at = ${at}::timestamptz, last_error = null,
           next_attempt_at = null, uncertain_since = null, updated_at = ${at}::timestamptz
     where ${stillOurs(claim)}
    returning id
  `)) as unknown as unknown[];
  return rows.length > 0;
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

export type RequeuedNotice = {
  readonly id: string;
  readonly cn: string;
  readonly kind: NoticeKind;
  readonly previousError: string | null;
  readonly previousAttempts: number;
};

export type RequeueOutcome =
  | { readonly ok: true; readonly requeued: readonly RequeuedNotice[] }
  | { readonly ok: false; readonly reason: 'notice.not_found' }
  | {
      readonly ok: false;
      readonly reason: 'notice.not_failed';
      readonly params: { readonly cn: string; readonly kind: NoticeKind; readonly status: NoticeStatus };
    };

/**
 * For operators (`kigen notices retry`): puts failed notices (one by id, or every failed one) back to
 * 'pending', due now, with a fresh count of attempts; the last error stays until the next attempt
 * replaces it. One statement, guarded by `status = 'failed'`, so it is safe while dispatchers run:
 * they never touch a failed notice, and two operators retrying at once requeue it once. Each requeued
 * notice gets an audit row (`notice.retry_requested`) in the same statement.
 */
export async function requeueFailedNotices(
  ex: Executor,
  options: { target: { readonly id: string } | 'all-failed'; actor: string; now: Date },
): Promise<RequeueOutcome> {
  const now = options.now.toISOString();
  const where = options.target === 'all-failed' ? sql`n.status = 'failed'` : sql`n.id = ${options.target.id}`;
  // FOR UPDATE: the status read here is the committed one, and the update below sees the same row.
  const rows = (await ex.execute(sql`
    with target as (
      select n.id, n.status, n.kind, n.attempts, n.last_error, n.contract_id, n.cycle_id, n.due_at, c.cn
        from notices n join contracts c on c.id = n.contract_id
       where ${where}
         for update of n
    ), requeued as (
      update notices n
         set status = 'pending', attempts = 0, next_attempt_at = null, claimed_by = null,
             claimed_at = null, claim_token = null, uncertain_since = null,
             -- The channel may have been fixed since (re-import): the notice goes where the contract is now.
             lane = 'slack:' || (select slack_channel_id from contracts where id = t.contract_id),
             updated_at = ${now}::timestamptz
        from target t
       where n.id = t.id and n.status = 'failed'
      returning n.id
    ), audit as (
      insert into audit_events (at, actor, action, contract_id, cycle_id, before, after, detail)
      select ${now}::timestamptz, ${options.actor}, 'notice.retry_requested', t.contract_id, t.cycle_id,
             jsonb_build_object('status', 'failed', 'attempts', t.attempts, 'lastError', t.last_error),
             jsonb_build_object('status', 'pending', 'attempts', 0),
             jsonb_build_object('noticeId', t.id, 'kind', t.kind, 'cn', t.cn)
        from target t join requeued r on r.id = t.id
    )
    select t.id, t.cn, t.kind, t.status, t.attempts, t.last_error, (r.id is not null) as requeued
      from target t left join requeued r on r.id = t.id
     order by t.due_at, t.cn, t.kind
  `)) as unknown as {
    id: string;
    cn: string;
    kind: NoticeKind;
    status: NoticeStatus;
    attempts: number;
    last_error: string | null;
    requeued: boolean;
  }[];
  const [single] = rows;
  if (options.target !== 'all-failed') {
    if (!single) return { ok: false, reason: 'notice.not_found' };
    if (!single.requeued) {
      return {
        ok: false,
        reason: 'notice.not_failed',
        params: { cn: single.cn, kind: single.kind, status: single.status },
      };
    }
  }
  return {
    ok: true,
    requeued: rows
      .filter((r) => r.requeued)
      .map((r) => ({
        id: r.id,
        cn: r.cn,
        kind: r.kind,
        previousError: r.last_error,
        previousAttempts: r.attempts,
      })),
  };
}
