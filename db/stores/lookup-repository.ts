import { and, asc, desc, eq, inArray, notInArray, type SQL, sql } from 'drizzle-orm';
import type { LookupRepositories } from '../../domain/ports/lookups.ts';
import type { ContractFacts } from '../../domain/ports/read-models.ts';
import type { MemberRole } from '../../domain/rules/contract-terms.ts';
import type { CycleState } from '../../domain/rules/cycle-vocabulary.ts';
import type { ApplicationRecord, RegisteredCertificateRecord } from '../../domain/rules/previous-dn.ts';
import type { RenewalCycle } from '../../domain/rules/renewal-cycle.ts';
import { applications, certificates, contracts, members, renewalCycles } from '../schema.ts';
import type { Executor } from '../server/connection.ts';
import { CONTRACT_FACTS_COLUMNS, toContractFacts } from './contract-facts.ts';

// The look-ups' reads (`/cert dn|dcv|status`, domain/ports/lookups.ts): read-only, no writes.

/** The latest applications and certificates a look-up reads (the newest is what it shows). */
const RECENT = 20;

/** States after which a cycle is over: nothing more is decided or applied for in it. */
export const FINISHED_CYCLE_STATES: readonly CycleState[] = ['completed', 'cancelled', 'expired_registered'];

export function lookupRepository(ex: Executor): LookupRepositories['lookups'] {
  return {
    async contractByCn(cn) {
      const [row] = await liveContracts(ex, sql`c.cn = ${cn}`);
      return row ?? null;
    },
    contractsInChannel: (channelId) => liveContracts(ex, sql`c.slack_channel_id = ${channelId}`),
    memberRole: (groupId, slackUserId) => memberRole(ex, groupId, slackUserId),

    async groupsOfMember(slackUserId) {
      const rows = await ex
        .select({ groupId: members.serviceGroupId })
        .from(members)
        .where(eq(members.slackUserId, slackUserId));
      return rows.map((r) => r.groupId);
    },

    async recentApplications(contractId): Promise<ApplicationRecord[]> {
      const rows = await ex
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
    },

    async recentCertificates(contractId): Promise<RegisteredCertificateRecord[]> {
      // Column by column: a certificate row's key and PEM are never read here (R-DN-2).
      const rows = await ex
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
    },

    async latestCycles(contractIds) {
      if (contractIds.length === 0) return new Map();
      const rows = await ex
        .selectDistinctOn([renewalCycles.contractId], cycleColumns)
        .from(renewalCycles)
        .innerJoin(contracts, eq(contracts.id, renewalCycles.contractId))
        .where(inArray(renewalCycles.contractId, [...contractIds]))
        .orderBy(renewalCycles.contractId, desc(renewalCycles.expiresAt));
      return new Map(rows.map((r) => [r.contractId, r]));
    },

    async certificateExpiries(contractIds) {
      if (contractIds.length === 0) return new Map();
      const rows = await ex
        .selectDistinctOn([certificates.contractId], {
          contractId: certificates.contractId,
          notAfter: certificates.notAfter,
        })
        .from(certificates)
        .where(inArray(certificates.contractId, [...contractIds]))
        .orderBy(certificates.contractId, desc(certificates.notAfter));
      return new Map(rows.map((r) => [r.contractId, r.notAfter]));
    },

    async openCycleApprover(contractId) {
      const cycle = await openCycle(ex, contractId);
      if (!cycle) return null;
      const application = await renewalApplicationOfCycle(ex, cycle.id);
      return { cycleId: cycle.id, approverAddress: application?.approverAddress ?? null };
    },
  };
}

/** The live (not cancelled) contracts matching `where` (over `contracts c`), by CN. */
async function liveContracts(ex: Executor, where: SQL): Promise<ContractFacts[]> {
  const rows = await ex.execute(sql`
    select ${CONTRACT_FACTS_COLUMNS}
      from contracts c
      join service_groups g on g.id = c.service_group_id
     where ${where} and c.status <> 'cancelled'
     order by c.cn`);
  return (rows as unknown as Record<string, unknown>[]).map(toContractFacts);
}

/** The role of a Slack user in a service group, or null when they are not a member. */
export async function memberRole(
  ex: Executor,
  groupId: string,
  slackUserId: string,
): Promise<MemberRole | null> {
  const [row] = await ex
    .select({ role: members.role })
    .from(members)
    .where(and(eq(members.serviceGroupId, groupId), eq(members.slackUserId, slackUserId)))
    .limit(1);
  return row?.role ?? null;
}

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
export async function openCycle(ex: Executor, contractId: string): Promise<RenewalCycle | null> {
  const [row] = await ex
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

/** The renewal application (manual or automatic) of a cycle, or null: at most one (unique index). */
export async function renewalApplicationOfCycle(
  ex: Executor,
  cycleId: string,
): Promise<{ readonly id: string; readonly approverAddress: string | null } | null> {
  const [row] = await ex
    .select({ id: applications.id, approverAddress: applications.approverAddress })
    .from(applications)
    .where(and(eq(applications.cycleId, cycleId), inArray(applications.kind, ['renewal', 'auto_renewal'])))
    .orderBy(desc(applications.requestedAt))
    .limit(1);
  return row ?? null;
}
