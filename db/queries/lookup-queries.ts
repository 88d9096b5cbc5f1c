import { and, asc, desc, eq, inArray, ne, notInArray } from 'drizzle-orm';
import type { Ca, Category, Locale, MemberRole } from '../../domain/rules/contract-terms.ts';
import type { CycleState } from '../../domain/rules/cycle-vocabulary.ts';
import type { ApplicationRecord, RegisteredCertificateRecord } from '../../domain/rules/previous-dn.ts';
import type { RenewalCycle } from '../../domain/rules/renewal-cycle.ts';
import { applications, certificates, contracts, members, renewalCycles, serviceGroups } from '../schema.ts';
import type { Database } from '../server/connection.ts';

// Read-only queries for the look-up commands (`/cert dn|dcv|status`): what a listener needs, no writes.

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

const contractColumns = {
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
};

const selectContracts = (db: Database) =>
  db
    .select(contractColumns)
    .from(contracts)
    .innerJoin(serviceGroups, eq(serviceGroups.id, contracts.serviceGroupId));
type ContractRow = Awaited<ReturnType<typeof selectContracts>>[number];

const toContract = (row: ContractRow): ContractWithGroup => ({
  id: row.id,
  cn: row.cn,
  category: row.category,
  ca: row.ca,
  productId: row.productId,
  periodMonths: row.periodMonths,
  csrMethod: row.csrMethod,
  wwwOption: row.wwwOption,
  slackChannelId: row.slackChannelId,
  group: { id: row.groupId, name: row.groupName, locale: row.groupLocale },
});

/** The live (not cancelled) contract for a normalised CN (A-label, lower case), or null. */
export async function findContractByCn(db: Database, cn: string): Promise<ContractWithGroup | null> {
  const [row] = await selectContracts(db)
    .where(and(eq(contracts.cn, cn), ne(contracts.status, 'cancelled')))
    .limit(1);
  return row ? toContract(row) : null;
}

/** The live contract with this id, or null. */
export async function findContractById(db: Database, id: string): Promise<ContractWithGroup | null> {
  if (!UUID.test(id)) return null;
  const [row] = await selectContracts(db)
    .where(and(eq(contracts.id, id), ne(contracts.status, 'cancelled')))
    .limit(1);
  return row ? toContract(row) : null;
}

/** The live contracts whose notices go to this channel, by CN. */
export async function findContractsByChannel(db: Database, channelId: string): Promise<ContractWithGroup[]> {
  const rows = await selectContracts(db)
    .where(and(eq(contracts.slackChannelId, channelId), ne(contracts.status, 'cancelled')))
    .orderBy(asc(contracts.cn));
  return rows.map(toContract);
}

/** The role of a Slack user in a service group, or null when they are not a member. */
export async function memberRole(
  db: Database,
  groupId: string,
  slackUserId: string,
): Promise<MemberRole | null> {
  const [row] = await db
    .select({ role: members.role })
    .from(members)
    .where(and(eq(members.serviceGroupId, groupId), eq(members.slackUserId, slackUserId)))
    .limit(1);
  return row?.role ?? null;
}

/** The service groups a Slack user belongs to (ids). */
export async function groupIdsOfMember(db: Database, slackUserId: string): Promise<string[]> {
  const rows = await db
    .select({ groupId: members.serviceGroupId })
    .from(members)
    .where(eq(members.slackUserId, slackUserId));
  return rows.map((r) => r.groupId);
}

const RECENT = 20;

/** The contract's latest applications (newest first), as the domain reads them (R-DN-1). */
export async function recentApplications(db: Database, contractId: string): Promise<ApplicationRecord[]> {
  const rows = await db
    .select({
      kind: applications.kind,
      requestedAt: applications.requestedAt,
      dnC: applications.dnC,
      dnSt: applications.dnSt,
      dnL: applications.dnL,
      dnO: applications.dnO,
      dnOu: applications.dnOu,
      dnCn: applications.dnCn,
      applicant: applications.applicant,
      periodMonths: applications.periodMonths,
      csrMethod: applications.csrMethod,
      wwwOption: applications.wwwOption,
    })
    .from(applications)
    .where(eq(applications.contractId, contractId))
    .orderBy(desc(applications.requestedAt))
    .limit(RECENT);
  return rows.map((r) => ({
    kind: r.kind,
    appliedAt: r.requestedAt,
    dn: { c: r.dnC, st: r.dnSt, l: r.dnL, o: r.dnO, ...(r.dnOu ? { ou: r.dnOu } : {}), cn: r.dnCn },
    applicant: r.applicant,
    periodMonths: r.periodMonths,
    csrMethod: r.csrMethod,
    wwwOption: r.wwwOption,
  }));
}

/** The contract's latest registered certificates (newest first), never a key (R-DN-2). */
export async function recentCertificates(
  db: Database,
  contractId: string,
): Promise<RegisteredCertificateRecord[]> {
  const rows = await db
    .select({
      registeredAt: certificates.registeredAt,
      subject: certificates.subject,
      sans: certificates.sans,
      issuer: certificates.issuer,
      notBefore: certificates.notBefore,
      notAfter: certificates.notAfter,
      sha256: certificates.sha256,
    })
    .from(certificates)
    .where(eq(certificates.contractId, contractId))
    .orderBy(desc(certificates.registeredAt))
    .limit(RECENT);
  return rows.map((r) => ({
    registeredAt: r.registeredAt,
    subjectDn: r.subject,
    sans: r.sans,
    issuerDn: r.issuer,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    sha256: r.sha256,
  }));
}

/** The latest expiry among each contract's certificates (the current certificate), by contract id. */
export async function latestCertificateExpiries(
  db: Database,
  contractIds: readonly string[],
): Promise<Map<string, Date>> {
  if (contractIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([certificates.contractId], {
      contractId: certificates.contractId,
      notAfter: certificates.notAfter,
    })
    .from(certificates)
    .where(inArray(certificates.contractId, [...contractIds]))
    .orderBy(certificates.contractId, desc(certificates.notAfter));
  return new Map(rows.map((r) => [r.contractId, r.notAfter]));
}

/** States after which a cycle is over: nothing more is decided or applied for in it. */
export const FINISHED_CYCLE_STATES: readonly CycleState[] = ['completed', 'cancelled', 'expired_registered'];

const cycleColumns = {
  id: renewalCycles.id,
  contractId: renewalCycles.contractId,
  category: contracts.category,
  state: renewalCycles.state,
  expiresAt: renewalCycles.expiresAt,
  decisionDeadline: renewalCycles.decisionDeadline,
  dataDeadline: renewalCycles.dataDeadline,
  chosenPeriod: renewalCycles.chosenPeriodMonths,
  decision: renewalCycles.decision,
  decidedBy: renewalCycles.decidedBy,
  decidedAt: renewalCycles.decidedAt,
  renewalDataComplete: renewalCycles.renewalDataComplete,
  noticedAt: renewalCycles.noticedAt,
  version: renewalCycles.version,
};

/** The contract's open renewal cycle (the earliest one not finished), as the domain reads it. */
export async function openCycle(db: Database, contractId: string): Promise<RenewalCycle | null> {
  const [row] = await db
    .select(cycleColumns)
    .from(renewalCycles)
    .innerJoin(contracts, eq(contracts.id, renewalCycles.contractId))
    .where(
      and(
        eq(renewalCycles.contractId, contractId),
        notInArray(renewalCycles.state, [...FINISHED_CYCLE_STATES]),
      ),
    )
    .orderBy(asc(renewalCycles.expiresAt))
    .limit(1);
  return row ?? null;
}

/** The latest cycle of each contract (open or not), keyed by contract id, for `/cert status`. */
export async function latestCycles(
  db: Database,
  contractIds: readonly string[],
): Promise<Map<string, RenewalCycle>> {
  if (contractIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([renewalCycles.contractId], cycleColumns)
    .from(renewalCycles)
    .innerJoin(contracts, eq(contracts.id, renewalCycles.contractId))
    .where(inArray(renewalCycles.contractId, [...contractIds]))
    .orderBy(renewalCycles.contractId, desc(renewalCycles.expiresAt));
  return new Map(rows.map((r) => [r.contractId, r]));
}

/** The renewal application (manual or automatic) of a cycle, or null: at most one (unique index). */
export async function renewalApplicationOfCycle(
  db: Database,
  cycleId: string,
): Promise<{ readonly id: string; readonly approverAddress: string | null } | null> {
  const [row] = await db
    .select({ id: applications.id, approverAddress: applications.approverAddress })
    .from(applications)
    .where(and(eq(applications.cycleId, cycleId), inArray(applications.kind, ['renewal', 'auto_renewal'])))
    .orderBy(desc(applications.requestedAt))
    .limit(1);
  return row ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
