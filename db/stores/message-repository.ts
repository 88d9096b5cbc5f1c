import { sql } from 'drizzle-orm';
import type { MessageRepositories, OutboxMessage } from '../../domain/ports/messages.ts';
import { OPS_LANE } from '../../domain/ports/outbox.ts';
import type { Executor } from '../server/connection.ts';
import { CONTRACT_FACTS_COLUMNS, toContractFacts } from './contract-facts.ts';
import { opsMessageOfApplication } from './handover-outbox.ts';
import { loadNoticeContexts } from './notices-outbox.ts';
import { loadOpsApplication } from './operations-repository.ts';
import { stillOurs } from './outbox-queues.ts';

/** The outbox's messages (`outbox_messages`): a customer message goes where the cycle's thread is. */
export function messageRepository(ex: Executor, onEnqueued: () => void): MessageRepositories['messages'] {
  return {
    async enqueue(message: OutboxMessage) {
      const cycleId = message.kind === 'ops_refresh' ? null : message.cycleId;
      const applicationId = message.kind === 'ops_refresh' ? message.applicationId : null;
      const contractId = message.kind === 'customer_reply' ? message.contractId : null;
      await ex.execute(sql`
        insert into outbox_messages (lane, kind, contract_id, cycle_id, application_id, payload)
        select case when ${message.kind} = 'ops_refresh' then ${OPS_LANE}
                    else 'slack:' || coalesce(r.slack_channel_id, c.slack_channel_id) end,
               ${message.kind}, c.id, r.id, ${applicationId}::uuid, ${JSON.stringify(message)}::jsonb
          from (select 1) one
          left join renewal_cycles r on r.id = ${cycleId}::uuid
          left join contracts c on c.id = coalesce(${contractId}::uuid, r.contract_id)
      `);
      onEnqueued();
    },

    async load(messageId) {
      const [row] = (await ex.execute(sql`
        select m.id, m.payload, m.cycle_id, m.application_id,
               r.slack_channel_id as thread_channel, r.slack_ts as thread_ts,
               c.id is not null as has_contract, ${CONTRACT_FACTS_COLUMNS},
               (select n.id from notices n where n.cycle_id = m.cycle_id and n.status = 'sent'
                 order by n.due_at desc limit 1) as latest_notice_id
          from outbox_messages m
          left join renewal_cycles r on r.id = m.cycle_id
          left join contracts c on c.id = m.contract_id
          left join service_groups g on g.id = c.service_group_id
         where m.id = ${messageId}
      `)) as unknown as Record<string, unknown>[];
      if (!row) return null;
      const message = row.payload as OutboxMessage;
      const notice =
        message.kind === 'notice_refresh' && row.latest_notice_id
          ? ((await loadNoticeContexts(ex, [row.latest_notice_id as string]))[0] ?? null)
          : null;
      let ops = null;
      if (message.kind === 'ops_refresh') {
        const application = await loadOpsApplication(ex, message.applicationId);
        ops = application
          ? { application, message: await opsMessageOfApplication(ex, message.applicationId) }
          : null;
      }
      return {
        id: row.id as string,
        message,
        contract: row.has_contract ? toContractFacts(row) : null,
        notice,
        thread:
          row.thread_channel && row.thread_ts
            ? { channel: row.thread_channel as string, ts: row.thread_ts as string }
            : null,
        ops,
      };
    },

    async markSent(claim, sent) {
      const at = sent.now.toISOString();
      const rows = (await ex.execute(sql`
        update outbox_messages
           set status = 'sent', sent_at = ${at}::timestamptz, last_error = null, uncertain_since = null,
               slack_channel_id = ${sent.posted?.channel ?? null}, slack_ts = ${sent.posted?.ts ?? null},
               updated_at = ${at}::timestamptz
         where ${stillOurs(claim)}
        returning id
      `)) as unknown as unknown[];
      return rows.length > 0;
    },
  };
}
