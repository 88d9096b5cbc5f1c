import { sql } from 'drizzle-orm';
import type { ContractFacts } from '../../domain/ports/read-models.ts';

/**
 * The one projection of a contract (domain/ports/read-models.ts `ContractFacts`): these columns, over
 * `contracts c join service_groups g`, read back by `toContractFacts`.
 */
export const CONTRACT_FACTS_COLUMNS = sql.raw(`
  c.id as contract_id, c.cn as contract_cn, c.category as contract_category, c.ca as contract_ca,
  c.product_id as contract_product_id, c.period_months as contract_period_months,
  c.csr_method as contract_csr_method, c.www_option as contract_www_option,
  c.linked_services as contract_linked_services, c.slack_channel_id as contract_slack_channel_id,
  c.status as contract_status, c.service_group_id as contract_service_group_id, g.locale as contract_locale`);

export function toContractFacts(row: Record<string, unknown>): ContractFacts {
  return {
    id: row.contract_id as string,
    cn: row.contract_cn as string,
    category: row.contract_category as ContractFacts['category'],
    ca: (row.contract_ca as ContractFacts['ca']) ?? null,
    productId: (row.contract_product_id as string | null) ?? null,
    periodMonths: (row.contract_period_months as ContractFacts['periodMonths']) ?? null,
    csrMethod: (row.contract_csr_method as ContractFacts['csrMethod']) ?? null,
    wwwOption: row.contract_www_option === true,
    linkedServices: (row.contract_linked_services as string[] | null) ?? [],
    slackChannelId: row.contract_slack_channel_id as string,
    status: row.contract_status as ContractFacts['status'],
    serviceGroupId: row.contract_service_group_id as string,
    locale: (row.contract_locale as ContractFacts['locale']) ?? null,
  };
}
