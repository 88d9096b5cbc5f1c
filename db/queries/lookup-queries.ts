import { and, eq, ne } from 'drizzle-orm';
import type { Ca, Category, Locale } from '../../domain/rules/contract-terms.ts';
import { contracts, serviceGroups } from '../schema.ts';
import type { Database } from '../server/connection.ts';

// What the approver button (handlers/actions/dcv-choose-approver.ts) still reads directly, until it
// calls a use-case too. The look-up commands read through the `lookups` port (db/stores/lookup-repository.ts).
export {
  FINISHED_CYCLE_STATES,
  memberRole,
  openCycle,
  renewalApplicationOfCycle,
} from '../stores/lookup-repository.ts';

/** A live contract with the service group it belongs to. */
export type ContractWithGroup = {
  readonly id: string;
  readonly cn: string;
  readonly category: Category;
  readonly ca: Ca | null;
  readonly productId: string | null;
  readonly periodMonths: number | null;
  readonly csrMethod: string | null;
  readonly wwwOption: boolean;
  readonly slackChannelId: string;
  readonly group: { readonly id: string; readonly name: string; readonly locale: Locale | null };
};

/** The live contract with this id, or null. */
export async function findContractById(db: Database, id: string): Promise<ContractWithGroup | null> {
  if (!UUID.test(id)) return null;
  const [row] = await db
    .select({
      id: contracts.id,
      cn: contracts.cn,
      category: contracts.category,
      ca: contracts.ca,
      productId: contracts.productId,
      periodMonths: contracts.periodMonths,
      csrMethod: contracts.csrMethod,
      wwwOption: contracts.wwwOption,
      slackChannelId: contracts.slackChannelId,
      groupId: serviceGroups.id,
      groupName: serviceGroups.name,
      groupLocale: serviceGroups.locale,
    })
    .from(contracts)
    .innerJoin(serviceGroups, eq(serviceGroups.id, contracts.serviceGroupId))
    .where(and(eq(contracts.id, id), ne(contracts.status, 'cancelled')))
    .limit(1);
  if (!row) return null;
  const { groupId, groupName, groupLocale, ...contract } = row;
  return { ...contract, group: { id: groupId, name: groupName, locale: groupLocale } };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
