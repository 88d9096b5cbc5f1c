import { sql } from 'drizzle-orm';
import type { HandoverChannel } from '../../domain/ports/handover.ts';
import { OPS_LANE, WEBHOOK_LANE } from '../../domain/ports/outbox.ts';
import type { HandoverFact } from '../../domain/ports/store.ts';
import type { Executor } from '../server/connection.ts';
import { CURRENT_CERTIFICATE_ORDER } from './current-certificate.ts';

const laneOf = (channel: HandoverChannel) => (channel === 'webhook' ? WEBHOOK_LANE : OPS_LANE);

/**
 * The hand-over of a fact (issue 7), in the transaction that records it: one event with a snapshot of
 * everything the back office needs — the contract, the cycle, the current certificate and the
 * application (never its private key: only whether Kigen generated one) — and one delivery per
 * channel this deployment hands over to, delivered by the outbox.
 */
export async function enqueueHandover(
  ex: Executor,
  fact: HandoverFact,
  channels: readonly HandoverChannel[],
): Promise<void> {
  const deliveries = JSON.stringify(channels.map((channel) => ({ channel, lane: laneOf(channel) })));
  await ex.execute(sql`
    with snapshot as (
      select jsonb_build_object(
        'occurredAt', ${fact.occurredAt.toISOString()}::timestamptz,
        'actor', ${fact.actor}::text,
        'contract', jsonb_build_object(
          'id', c.id, 'cn', c.cn, 'category', c.category, 'ca', c.ca, 'productId', c.product_id,
          'periodMonths', c.period_months, 'csrMethod', c.csr_method, 'wwwOption', c.www_option,
          'linkedServices', to_jsonb(c.linked_services), 'slackChannelId', c.slack_channel_id,
          'serviceGroup', g.name, 'locale', g.locale),
        'cycle', (
          select jsonb_build_object(
            'id', r.id, 'state', r.state, 'expiresAt', r.expires_at,
            'decisionDeadline', r.decision_deadline, 'dataDeadline', r.data_deadline,
            'chosenPeriodMonths', r.chosen_period_months, 'decision', r.decision,
            'decidedBy', r.decided_by, 'decidedAt', r.decided_at,
            'slackChannelId', r.slack_channel_id, 'slackTs', r.slack_ts)
            from renewal_cycles r where r.id = ${fact.cycleId}::uuid),
        'certificate', (
          select jsonb_build_object(
            'id', k.id, 'serial', k.serial, 'sha256', k.sha256, 'notBefore', k.not_before,
            'notAfter', k.not_after, 'issuer', k.issuer)
            from certificates k where k.contract_id = c.id
           order by ${CURRENT_CERTIFICATE_ORDER} limit 1),
        'application', (
          select jsonb_build_object(
            'id', a.id, 'kind', a.kind,
            'dn', jsonb_build_object('c', a.dn_c, 'st', a.dn_st, 'l', a.dn_l, 'o', a.dn_o,
                                     'ou', a.dn_ou, 'cn', a.dn_cn),
            'applicant', a.applicant, 'periodMonths', a.period_months, 'csrMethod', a.csr_method,
            'csrPem', a.csr_pem, 'wwwOption', a.www_option, 'approverAddress', a.approver_address,
            'keyGeneratedByProvider', a.encrypted_private_key is not null,
            'requestedBy', a.requested_by, 'requestedAt', a.requested_at)
            from applications a where a.id = ${fact.applicationId}::uuid)) as payload
        from contracts c join service_groups g on g.id = c.service_group_id
       where c.id = ${fact.contractId}::uuid
    ), event as (
      insert into handover_events (kind, application_id, cycle_id, contract_id, payload)
      select ${fact.kind}, ${fact.applicationId}::uuid, ${fact.cycleId}::uuid, ${fact.contractId}::uuid, payload
        from snapshot
      returning id
    )
    insert into handover_deliveries (event_id, channel, lane)
    select event.id, d.channel, d.lane
      from event, jsonb_to_recordset(${deliveries}::jsonb) as d(channel text, lane text)
  `);
}
