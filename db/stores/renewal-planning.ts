import { sql } from 'drizzle-orm';
import {
  applyCycleCommand,
  type Category,
  DEFAULT_NOTICE_SETTINGS,
  type NoticeSettings,
  noticeSchedule,
} from '../../domain/index.ts';
import type { Executor } from '../server/connection.ts';
import { type CycleRow, saveTransition, toDate, toDateOrNull, toRenewalCycle } from './renewal-cycles.ts';

export type PlanningOptions = {
  /** Deployment notice settings (KIGEN_DELIVERY_TIME and the deadlines). */
  readonly settings?: NoticeSettings;
  readonly now: Date;
  /** Who planned, for the audit log ('system:import', 'system:reconcile', a Slack user id, …). */
  readonly actor: string;
};

export type PlanningSummary = {
  /** Contracts whose latest certificate was looked at. */
  contracts: number;
  cyclesCreated: number;
  noticesCreated: number;
  /** Older cycles completed by a newer certificate. */
  cyclesSuperseded: number;
  /** Pending notices of superseded cycles or re-issued certificates. */
  noticesSkipped: number;
};

const CHUNK = 2_000;

type LatestCertificate = {
  contract_id: string;
  category: Category;
  certificate_id: string;
  not_after: string;
  contract_period_end: string | null;
};

/**
 * Plans the renewal of each contract from its latest certificate (the one that reaches furthest):
 * its renewal cycle and its notices with their due instants (domain `noticeSchedule`), in the
 * caller's transaction. Idempotent: cycles are unique per contract and expiry, notices per
 * certificate and kind and per cycle and kind, so planning again writes nothing. A newer certificate
 * completes the older open cycles of its contract and skips their pending notices.
 */
export async function planRenewals(
  ex: Executor,
  contractIds: readonly string[],
  options: PlanningOptions,
): Promise<PlanningSummary> {
  const summary: PlanningSummary = {
    contracts: 0,
    cyclesCreated: 0,
    noticesCreated: 0,
    cyclesSuperseded: 0,
    noticesSkipped: 0,
  };
  for (let i = 0; i < contractIds.length; i += CHUNK) {
    await planChunk(ex, contractIds.slice(i, i + CHUNK), options, summary);
  }
  return summary;
}

async function planChunk(
  ex: Executor,
  contractIds: readonly string[],
  options: PlanningOptions,
  summary: PlanningSummary,
): Promise<void> {
  const settings = options.settings ?? DEFAULT_NOTICE_SETTINGS;
  const latest = (await ex.execute(sql`
    select distinct on (c.id) c.id as contract_id, c.category, k.id as certificate_id, k.not_after,
           k.contract_period_end
      from contracts c
      join certificates k on k.contract_id = c.id
     where c.id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(contractIds)}::jsonb))
       and c.status = 'active'
     order by c.id, coalesce(k.contract_period_end, k.not_after) desc, k.not_after desc
  `)) as unknown as LatestCertificate[];
  if (latest.length === 0) return;
  summary.contracts += latest.length;

  const cycles: object[] = [];
  const notices: object[] = [];
  for (const row of latest) {
    const schedule = noticeSchedule({
      category: row.category,
      certificateNotAfter: toDate(row.not_after),
      contractPeriodEnd: row.contract_period_end ? toDate(row.contract_period_end) : undefined,
      settings,
    });
    cycles.push({
      contract_id: row.contract_id,
      certificate_id: row.certificate_id,
      expires_at: schedule.expiresAt.toISOString(),
      decision_deadline: schedule.decisionDeadline?.toISOString() ?? null,
      data_deadline: schedule.dataDeadline?.toISOString() ?? null,
    });
    for (const n of schedule.notices) {
      notices.push({
        contract_id: row.contract_id,
        certificate_id: row.certificate_id,
        kind: n.kind,
        due_at: n.dueAt.toISOString(),
        // R-CABF-2: a re-issue notice belongs to no cycle.
        in_cycle: n.kind !== 'reissue_due',
        expires_at: schedule.expiresAt.toISOString(),
      });
    }
  }

  const planned = (await ex.execute(sql`
    with inserted as (
      insert into renewal_cycles (contract_id, certificate_id, expires_at, decision_deadline, data_deadline)
      select contract_id, certificate_id, expires_at, decision_deadline, data_deadline
        from jsonb_to_recordset(${JSON.stringify(cycles)}::jsonb)
          as x(contract_id uuid, certificate_id uuid, expires_at timestamptz,
               decision_deadline timestamptz, data_deadline timestamptz)
      on conflict (contract_id, expires_at) do nothing
      returning id, contract_id, expires_at, decision_deadline, data_deadline
    )
    insert into audit_events (at, actor, action, contract_id, cycle_id, after)
    select ${options.now.toISOString()}::timestamptz, ${options.actor}, 'cycle.planned', contract_id, id,
           jsonb_build_object('state', 'scheduled', 'expiresAt', expires_at,
                              'decisionDeadline', decision_deadline, 'dataDeadline', data_deadline)
      from inserted
    returning cycle_id
  `)) as unknown as unknown[];
  summary.cyclesCreated += planned.length;

  const inserted = (await ex.execute(sql`
    insert into notices (contract_id, certificate_id, cycle_id, kind, due_at)
    select x.contract_id, x.certificate_id, case when x.in_cycle then r.id end, x.kind, x.due_at
      from jsonb_to_recordset(${JSON.stringify(notices)}::jsonb)
        as x(contract_id uuid, certificate_id uuid, kind text, due_at timestamptz, in_cycle boolean,
             expires_at timestamptz)
      left join renewal_cycles r on x.in_cycle and r.contract_id = x.contract_id and r.expires_at = x.expires_at
    on conflict do nothing
    returning id
  `)) as unknown as unknown[];
  summary.noticesCreated += inserted.length;

  await supersedeOlder(ex, cycles, options, summary);
}

/**
 * A newer certificate for the same contract completes the older open cycles (through the domain's
 * `registerRenewedCertificate`), and their pending notices, and pending re-issue notices of older
 * certificates (R-CABF-2), become skipped with the reason.
 */
async function supersedeOlder(
  ex: Executor,
  planned: readonly object[],
  options: PlanningOptions,
  summary: PlanningSummary,
): Promise<void> {
  const plannedJson = JSON.stringify(planned);
  const older = (await ex.execute(sql`
    select r.*, c.category
      from renewal_cycles r
      join contracts c on c.id = r.contract_id
      join jsonb_to_recordset(${plannedJson}::jsonb) as x(contract_id uuid, expires_at timestamptz)
        on r.contract_id = x.contract_id and r.expires_at < x.expires_at
     where r.state not in ('completed', 'cancelled', 'expired_registered')
  `)) as unknown as Record<string, unknown>[];
  const olderIds: string[] = [];
  for (const raw of older) {
    const cycle = toRenewalCycle(fromRaw(raw), raw.category as Category);
    olderIds.push(cycle.id);
    const result = applyCycleCommand(
      cycle,
      {
        type: 'registerRenewedCertificate',
        actor: { type: 'system', job: options.actor.replace(/^system:/, '') },
      },
      options.now,
    );
    // An opted-out or cancelled cycle keeps its state; its reminders stop all the same.
    if (result.ok && result.value.changed && (await saveTransition(ex, cycle.version, result.value))) {
      summary.cyclesSuperseded++;
    }
  }
  const skipped = (await ex.execute(sql`
    update notices n
       set status = 'skipped', skip_reason = 'notice.superseded', updated_at = ${options.now.toISOString()}::timestamptz
     where n.status = 'pending'
       and n.cycle_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(olderIds)}::jsonb))
    returning n.id
  `)) as unknown as unknown[];
  const reissued = (await ex.execute(sql`
    update notices n
       set status = 'skipped', skip_reason = 'notice.reissued', updated_at = ${options.now.toISOString()}::timestamptz
      from certificates k,
           jsonb_to_recordset(${plannedJson}::jsonb) as x(contract_id uuid, certificate_id uuid)
     where n.kind = 'reissue_due' and n.status = 'pending'
       and n.contract_id = x.contract_id and n.certificate_id <> x.certificate_id
       and k.id = n.certificate_id
       and k.not_after < (select not_after from certificates where id = x.certificate_id)
    returning n.id
  `)) as unknown as unknown[];
  summary.noticesSkipped += skipped.length + reissued.length;
}

/** Active contracts with a certificate whose latest contract period has no cycle yet (reconcile). */
export async function contractsMissingPlan(ex: Executor, limit = 5_000): Promise<string[]> {
  const rows = (await ex.execute(sql`
    select c.id
      from contracts c
      join lateral (
        select max(coalesce(k.contract_period_end, k.not_after)) as period_end
          from certificates k where k.contract_id = c.id
      ) latest on latest.period_end is not null
     where c.status = 'active'
       and not exists (
         select 1 from renewal_cycles r where r.contract_id = c.id and r.expires_at >= latest.period_end
       )
     limit ${limit}
  `)) as unknown as { id: string }[];
  return rows.map((r) => r.id);
}

/** A raw `select r.*` row (snake_case, as postgres.js returns it) as drizzle's row type. */
export const fromRaw = (raw: Record<string, unknown>): CycleRow => ({
  id: raw.id as string,
  contractId: raw.contract_id as string,
  certificateId: (raw.certificate_id as string | null) ?? null,
  expiresAt: toDate(raw.expires_at),
  state: raw.state as CycleRow['state'],
  decisionDeadline: toDateOrNull(raw.decision_deadline),
  dataDeadline: toDateOrNull(raw.data_deadline),
  chosenPeriodMonths: (raw.chosen_period_months as CycleRow['chosenPeriodMonths']) ?? null,
  decision: (raw.decision as CycleRow['decision']) ?? null,
  decidedBy: (raw.decided_by as string | null) ?? null,
  decidedAt: toDateOrNull(raw.decided_at),
  renewalDataComplete: raw.renewal_data_complete as boolean,
  noticedAt: toDateOrNull(raw.noticed_at),
  slackChannelId: (raw.slack_channel_id as string | null) ?? null,
  slackTs: (raw.slack_ts as string | null) ?? null,
  version: raw.version as number,
  createdAt: toDate(raw.created_at),
  updatedAt: toDate(raw.updated_at),
});
