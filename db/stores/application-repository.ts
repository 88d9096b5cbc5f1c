import { and, desc, eq } from 'drizzle-orm';
import type { ApplicationRepositories, StoredApplication } from '../../domain/ports/applications.ts';
import type { AutoRenewalSummary } from '../../domain/ports/notices.ts';
import { applications, auditEvents } from '../schema.ts';
import type { Executor } from '../server/connection.ts';

type Row = typeof applications.$inferSelect;

export const toStoredApplication = (r: Row): StoredApplication => ({
  id: r.id,
  cycleId: r.cycleId,
  kind: r.kind,
  appliedAt: r.requestedAt,
  dn: { c: r.dnC, st: r.dnSt, l: r.dnL, o: r.dnO, ...(r.dnOu ? { ou: r.dnOu } : {}), cn: r.dnCn },
  applicant: r.applicant,
  periodMonths: r.periodMonths,
  csrMethod: r.csrMethod,
  csrPem: r.csrPem,
  wwwOption: r.wwwOption,
  approverAddress: r.approverAddress,
  keyGeneratedByProvider: r.encryptedPrivateKey !== null,
  requestedBy: r.requestedBy,
});

export function applicationRepository(ex: Executor): ApplicationRepositories['applications'] {
  return {
    async ofContract(contractId) {
      const rows = await ex
        .select()
        .from(applications)
        .where(eq(applications.contractId, contractId))
        .orderBy(desc(applications.requestedAt));
      return rows.map(toStoredApplication);
    },

    async insert(a) {
      // The cycle's one renewal application may exist already (applications_cycle_renewal_uq): nothing
      // is written then, and the transaction stays usable.
      const [row] = await ex
        .insert(applications)
        .values({
          contractId: a.contractId,
          cycleId: a.cycleId,
          kind: a.kind,
          dnC: a.dn.c,
          dnSt: a.dn.st,
          dnL: a.dn.l,
          dnO: a.dn.o,
          dnOu: a.dn.ou ?? null,
          dnCn: a.dn.cn,
          applicant: a.applicant,
          periodMonths: a.periodMonths,
          csrPem: a.csrPem,
          csrMethod: a.csrMethod,
          wwwOption: a.wwwOption,
          approverAddress: a.approverAddress,
          encryptedPrivateKey: a.sealedPrivateKey,
          requestedBy: a.requestedBy,
          requestedAt: a.requestedAt,
        })
        .onConflictDoNothing()
        .returning({ id: applications.id });
      return row ?? null;
    },

    async autoRenewalOf(cycleId) {
      const [row] = await ex
        .select({ detail: auditEvents.detail })
        .from(auditEvents)
        .where(and(eq(auditEvents.cycleId, cycleId), eq(auditEvents.action, 'application.auto_renewal')))
        .limit(1);
      return row ? (row.detail as AutoRenewalSummary) : null;
    },
  };
}
