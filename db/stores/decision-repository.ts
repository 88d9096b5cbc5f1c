import { and, desc, eq, ne } from 'drizzle-orm';
import type { DecisionContext, DecisionRepositories } from '../../domain/ports/decisions.ts';
import {
  findContractById,
  memberRole,
  openCycle,
  renewalApplicationOfCycle,
} from '../queries/lookup-queries.ts';
import {
  applications,
  certificates,
  contracts,
  members,
  notices,
  renewalCycles,
  serviceGroups,
} from '../schema.ts';
import type { Database, Executor } from '../server/connection.ts';
import { currentCertificateOrder } from './current-certificate.ts';
import { findCycle } from './renewal-cycles.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The customer's decisions on PostgreSQL (domain/ports/decisions.ts). */
export function decisionRepository(ex: Executor): DecisionRepositories['decisions'] {
  return {
    context: (cycleId) => loadDecisionContext(ex, cycleId),

    async approverTarget(contractId, userId) {
      if (!UUID.test(contractId)) return null;
      // The look-up queries read on a pool or a transaction alike.
      const db = ex as Database;
      const contract = await findContractById(db, contractId);
      if (!contract) return null;
      const [role, cycle] = await Promise.all([
        memberRole(db, contract.group.id, userId),
        openCycle(db, contract.id),
      ]);
      const application = cycle ? await renewalApplicationOfCycle(db, cycle.id) : null;
      return { contract: { id: contract.id, cn: contract.cn, ca: contract.ca }, role, cycle, application };
    },

    async setApproverAddress(applicationId, cycleId, address) {
      const [current] = await ex
        .select({ approverAddress: applications.approverAddress })
        .from(applications)
        .where(and(eq(applications.id, applicationId), eq(applications.cycleId, cycleId)))
        .for('update');
      if (current === undefined) return null;
      if (current.approverAddress === address) return { changed: false, before: current.approverAddress };
      await ex
        .update(applications)
        .set({ approverAddress: address })
        .where(eq(applications.id, applicationId));
      return { changed: true, before: current.approverAddress };
    },
  };
}

/**
 * The cycle with its live contract, group members, parent message, current certificate and previous
 * application; null when the cycle or its contract no longer exists (or the contract is cancelled).
 */
export async function loadDecisionContext(ex: Executor, cycleId: string): Promise<DecisionContext | null> {
  if (!UUID.test(cycleId)) return null;
  const cycle = await findCycle(ex, cycleId);
  if (!cycle) return null;
  const [row] = await ex
    .select({
      contract: contracts,
      groupLocale: serviceGroups.locale,
      slackChannelId: renewalCycles.slackChannelId,
      slackTs: renewalCycles.slackTs,
    })
    .from(renewalCycles)
    .innerJoin(contracts, eq(contracts.id, renewalCycles.contractId))
    .innerJoin(serviceGroups, eq(serviceGroups.id, contracts.serviceGroupId))
    .where(and(eq(renewalCycles.id, cycleId), ne(contracts.status, 'cancelled')));
  if (!row) return null;
  const c = row.contract;
  const [memberRows, noticeRows, certificateRows, applicationRows] = await Promise.all([
    ex
      .select({ userId: members.slackUserId, role: members.role })
      .from(members)
      .where(eq(members.serviceGroupId, c.serviceGroupId))
      .orderBy(members.slackUserId),
    ex
      .select({ id: notices.id, kind: notices.kind, dueAt: notices.dueAt })
      .from(notices)
      .where(and(eq(notices.cycleId, cycleId), eq(notices.status, 'sent')))
      .orderBy(desc(notices.dueAt))
      .limit(1),
    ex
      .select({
        id: certificates.id,
        notAfter: certificates.notAfter,
        sans: certificates.sans,
        publicKeySha256: certificates.publicKeySha256,
      })
      .from(certificates)
      .where(eq(certificates.contractId, c.id))
      .orderBy(currentCertificateOrder('certificates'))
      .limit(50),
    ex
      .select()
      .from(applications)
      .where(eq(applications.contractId, c.id))
      .orderBy(desc(applications.requestedAt))
      .limit(20),
  ]);
  const previous = applicationRows.find((a) => a.kind !== 'reissue') ?? null;
  const current = certificateRows[0];
  return {
    cycle,
    parent: row.slackChannelId && row.slackTs ? { channel: row.slackChannelId, ts: row.slackTs } : null,
    contract: {
      id: c.id,
      cn: c.cn,
      category: c.category,
      ca: c.ca,
      productId: c.productId,
      periodMonths: c.periodMonths,
      csrMethod: c.csrMethod,
      wwwOption: c.wwwOption,
      linkedServices: c.linkedServices,
      slackChannelId: c.slackChannelId,
      status: c.status,
      serviceGroupId: c.serviceGroupId,
      locale: row.groupLocale,
    },
    groupAdmins: memberRows.filter((m) => m.role === 'group_admin').map((m) => m.userId),
    serviceAdmins: memberRows.filter((m) => m.role === 'service_admin').map((m) => m.userId),
    latestNotice: noticeRows[0] ?? null,
    certificate: current ? { id: current.id, notAfter: current.notAfter, sans: current.sans } : null,
    certificateKeySha256s: certificateRows.map((k) => k.publicKeySha256),
    previousApplication: previous
      ? {
          kind: previous.kind,
          dn: {
            c: previous.dnC,
            st: previous.dnSt,
            l: previous.dnL,
            o: previous.dnO,
            ...(previous.dnOu ? { ou: previous.dnOu } : {}),
            cn: previous.dnCn,
          },
          applicant: previous.applicant,
          periodMonths: previous.periodMonths,
          csrMethod: previous.csrMethod,
          wwwOption: previous.wwwOption,
          approverAddress: previous.approverAddress,
        }
      : null,
    previousCsrPems: applicationRows.flatMap((a) => (a.csrPem ? [a.csrPem] : [])),
  };
}
