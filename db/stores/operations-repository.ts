import { and, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { ApplicationProgress, OpsApplication } from '../../domain/ports/handover.ts';
import type { IssueContext, OperationsRepositories } from '../../domain/ports/operations.ts';
import { ISSUABLE_KINDS } from '../../domain/rules/application-progress.ts';
import {
  applicationProgress,
  applications,
  certificates,
  contracts,
  renewalCycles,
  serviceGroups,
} from '../schema.ts';
import type { Executor } from '../server/connection.ts';
import { currentCertificateOrder } from './current-certificate.ts';
import { toHandoverEvent } from './handover-outbox.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const progressOf = (
  row: typeof applicationProgress.$inferSelect | undefined | null,
): ApplicationProgress | null =>
  row
    ? {
        status: row.status,
        submittedAt: row.submittedAt,
        submittedBy: row.submittedBy,
        issuedAt: row.issuedAt,
        issuedBy: row.issuedBy,
        certificateId: row.certificateId,
        rejectedAt: row.rejectedAt,
        rejectedBy: row.rejectedBy,
        rejectionReason: row.rejectionReason,
      }
    : null;

/** The application with its hand-over snapshot and progress; null for an unknown id or one never handed over. */
export async function loadOpsApplication(
  ex: Executor,
  applicationId: string,
): Promise<OpsApplication | null> {
  if (!UUID.test(applicationId)) return null;
  const events = (await ex.execute(sql`
    select id, seq, kind, payload from handover_events
     where application_id = ${applicationId} and kind = 'application' order by seq desc limit 1
  `)) as unknown as { id: string; seq: string; kind: 'application'; payload: Record<string, unknown> }[];
  const eventRow = events[0];
  if (!eventRow) return null;
  const [row] = await ex
    .select({
      contract: { id: contracts.id, cn: contracts.cn, slackChannelId: contracts.slackChannelId },
      locale: serviceGroups.locale,
      cycleId: applications.cycleId,
      cycleChannel: renewalCycles.slackChannelId,
      cycleTs: renewalCycles.slackTs,
      progress: applicationProgress,
    })
    .from(applications)
    .innerJoin(contracts, eq(contracts.id, applications.contractId))
    .innerJoin(serviceGroups, eq(serviceGroups.id, contracts.serviceGroupId))
    .leftJoin(renewalCycles, eq(renewalCycles.id, applications.cycleId))
    .leftJoin(applicationProgress, eq(applicationProgress.applicationId, applications.id))
    .where(eq(applications.id, applicationId));
  if (!row) return null;
  const progress = progressOf(row.progress);
  let issuedCertificate: OpsApplication['issuedCertificate'] = null;
  if (progress?.certificateId) {
    const [k] = await ex
      .select({ notAfter: certificates.notAfter, sha256: certificates.sha256 })
      .from(certificates)
      .where(eq(certificates.id, progress.certificateId));
    issuedCertificate = k ?? null;
  }
  return {
    applicationId,
    event: toHandoverEvent(eventRow),
    progress,
    contract: row.contract,
    cycleId: row.cycleId,
    thread: row.cycleChannel && row.cycleTs ? { channel: row.cycleChannel, ts: row.cycleTs } : null,
    customerLocale: row.locale,
    issuedCertificate,
  };
}

/** The staff's side on PostgreSQL (domain/ports/operations.ts). */
export function operationsRepository(ex: Executor): OperationsRepositories['operations'] {
  return {
    application: (applicationId) => loadOpsApplication(ex, applicationId),

    async lockProgress(applicationId) {
      if (!UUID.test(applicationId)) return null;
      const exists = await ex.execute(
        sql`select id from applications where id = ${applicationId} for update`,
      );
      if ((exists as unknown as unknown[]).length === 0) return null;
      const [row] = await ex
        .select()
        .from(applicationProgress)
        .where(eq(applicationProgress.applicationId, applicationId));
      return { progress: progressOf(row) };
    },

    async saveProgress(applicationId, progress, now) {
      const values = { ...progress, updatedAt: now };
      await ex
        .insert(applicationProgress)
        .values({ applicationId, ...values })
        .onConflictDoUpdate({ target: applicationProgress.applicationId, set: values });
    },

    async issueContext(target) {
      const found =
        'applicationId' in target ? await byApplication(ex, target.applicationId) : await byCn(ex, target.cn);
      if (!found) return null;
      const [current] = await ex
        .select({
          notAfter: certificates.notAfter,
          contractPeriodEnd: certificates.contractPeriodEnd,
          sans: certificates.sans,
        })
        .from(certificates)
        .where(eq(certificates.contractId, found.contract.id))
        .orderBy(currentCertificateOrder('certificates'))
        .limit(1);
      return { ...found, current: current ?? null };
    },

    async registeredCertificate(contractId, sha256) {
      const [row] = await ex
        .select({ id: certificates.id, sha256: certificates.sha256, notAfter: certificates.notAfter })
        .from(certificates)
        .where(and(eq(certificates.contractId, contractId), eq(certificates.sha256, sha256)));
      return row ?? null;
    },
  };
}

type Found = Omit<IssueContext, 'current'>;

const applicationOf = (
  row: typeof applications.$inferSelect,
  progress: typeof applicationProgress.$inferSelect | null,
): NonNullable<IssueContext['application']> => ({
  id: row.id,
  kind: row.kind,
  cycleId: row.cycleId,
  periodMonths: row.periodMonths,
  csrPem: row.csrPem,
  progress: progressOf(progress),
});

async function byApplication(ex: Executor, applicationId: string): Promise<Found | null> {
  if (!UUID.test(applicationId)) return null;
  await ex.execute(sql`select id from applications where id = ${applicationId} for update`);
  const [row] = await ex
    .select({
      application: applications,
      progress: applicationProgress,
      contract: { id: contracts.id, cn: contracts.cn, category: contracts.category, ca: contracts.ca },
    })
    .from(applications)
    .innerJoin(contracts, eq(contracts.id, applications.contractId))
    .leftJoin(applicationProgress, eq(applicationProgress.applicationId, applications.id))
    .where(eq(applications.id, applicationId));
  if (!row) return null;
  return {
    contract: row.contract,
    application: applicationOf(row.application, row.progress),
    openCycleId: null,
  };
}

async function byCn(ex: Executor, cn: string): Promise<Found | null> {
  const [contract] = await ex
    .select({ id: contracts.id, cn: contracts.cn, category: contracts.category, ca: contracts.ca })
    .from(contracts)
    .where(
      and(
        sql`lower(${contracts.cn}) = lower(${cn.trim().replace(/\.$/, '')})`,
        sql`${contracts.status} <> 'cancelled'`,
      ),
    );
  if (!contract) return null;
  await ex.execute(sql`select id from contracts where id = ${contract.id} for update`);
  if (contract.category === 'byo') {
    const [cycle] = await ex
      .select({ id: renewalCycles.id })
      .from(renewalCycles)
      .where(
        and(
          eq(renewalCycles.contractId, contract.id),
          notInArray(renewalCycles.state, ['completed', 'cancelled']),
        ),
      )
      .orderBy(desc(renewalCycles.expiresAt))
      .limit(1);
    return { contract, application: null, openCycleId: cycle?.id ?? null };
  }
  // The open application: the latest renewal, auto-renewal or re-issue not issued or rejected yet.
  const [open] = await ex
    .select({ application: applications, progress: applicationProgress })
    .from(applications)
    .leftJoin(applicationProgress, eq(applicationProgress.applicationId, applications.id))
    .where(
      and(
        eq(applications.contractId, contract.id),
        inArray(applications.kind, [...ISSUABLE_KINDS]),
        sql`(${applicationProgress.status} is null or ${applicationProgress.status} = 'submitted')`,
      ),
    )
    .orderBy(desc(applications.requestedAt))
    .limit(1);
  return {
    contract,
    application: open ? applicationOf(open.application, open.progress) : null,
    openCycleId: null,
  };
}
