import { and, eq, sql } from 'drizzle-orm';
import { applications, auditEvents } from '../db/schema.ts';
import type { Database } from '../db/server/connection.ts';
import { recordAudit, updateCycle } from '../db/stores/renewal-cycles.ts';
import {
  type Application,
  applyCycleCommand,
  buildAutoRenewalApplication,
  encryptPrivateKey,
  findProduct,
  generateKeyAndCsr,
  type PeriodMonths,
  parseMasterKey,
  previousProxyApplication,
  type RenewalCycle,
} from '../domain/index.ts';
import type { NoticeToDeliver } from '../domain/ports/notices.ts';

export type AutoRenewalSummary = NonNullable<NoticeToDeliver['autoRenewal']>;

export type AutoRenewalOutcome =
  /** Renewed now, or earlier by another run (`summary` read back). */
  | { readonly ok: true; readonly summary: AutoRenewalSummary; readonly cycle: RenewalCycle }
  /** Nothing to renew: opted out, complete data, renewed by hand, or not proxy. */
  | { readonly ok: true; readonly summary: null; readonly cycle: RenewalCycle }
  | { readonly ok: false; readonly retryable: boolean; readonly error: string };

const ACTION = 'application.auto_renewal';

/**
 * R-AUTO-2, R-AUTO-3, R-CSR-3: at the data deadline, a proxy cycle that is not opted out and lacks
 * complete renewal data gets an `auto_renewal` application: the previous DN and applicant, the period
 * the CA still sells, CSR method `provider`, and a fresh key pair stored encrypted with the master key
 * (never in clear). The partial unique index on applications makes it once per cycle, whatever races.
 */
export async function autoRenewAtDataDeadline(
  db: Database,
  input: {
    readonly cycle: RenewalCycle;
    readonly contract: { readonly id: string; readonly productId: string | null };
    readonly masterKey: string | undefined;
    readonly now: Date;
  },
): Promise<AutoRenewalOutcome> {
  const { cycle, contract, now } = input;
  const done = await existingSummary(db, cycle.id);
  if (done) return { ok: true, summary: done, cycle };

  // The domain decides whether anything is to be renewed; nothing is generated when not.
  const decision = applyCycleCommand(cycle, { type: 'autoRenewAtDataDeadline' }, now);
  if (!decision.ok || !decision.value.changed) return { ok: true, summary: null, cycle };

  const product = findProduct(contract.productId ?? '');
  if (!product.ok) return { ok: false, retryable: false, error: product.reason };
  const previous = await previousApplication(db, contract.id, product.value.id);
  if (!previous) return { ok: false, retryable: false, error: 'dn.no_previous_application' };
  const masterKey = parseMasterKey(input.masterKey);
  if (!masterKey.ok) return { ok: false, retryable: true, error: masterKey.reason };

  const built = buildAutoRenewalApplication(previous, product.value, now, cycle.chosenPeriod);
  if (!built.ok) return { ok: false, retryable: false, error: built.reason };
  const application = built.value;
  const keys = await generateKeyAndCsr(application.dn);
  if (!keys.ok) return { ok: false, retryable: false, error: keys.reason };
  const encryptedPrivateKey = encryptPrivateKey(keys.value.privateKeyPkcs8Pem, masterKey.value, {
    context: contract.id,
  });
  const summary: AutoRenewalSummary = {
    periodMonths: application.periodMonths,
    previousPeriodMonths: application.period.previousPeriod,
    periodShortened: application.period.shortened,
    csrMethodSwitchedFromCustomer: application.csrMethodSwitchedFromCustomer,
  };

  try {
    return await db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(applications)
        .values({
          contractId: contract.id,
          cycleId: cycle.id,
          kind: 'auto_renewal',
          dnC: application.dn.c,
          dnSt: application.dn.st,
          dnL: application.dn.l,
          dnO: application.dn.o,
          dnOu: application.dn.ou ?? null,
          dnCn: application.dn.cn,
          applicant: application.applicant,
          periodMonths: application.periodMonths,
          csrPem: keys.value.csrPem,
          csrMethod: 'provider',
          wwwOption: application.wwwOption,
          approverAddress: application.approverEmail,
          encryptedPrivateKey,
          requestedBy: 'system:data_deadline',
          requestedAt: now,
        })
        .returning({ id: applications.id });
      if (!inserted) throw new AlreadyRenewed();
      const moved = await updateCycle(tx, cycle.id, { type: 'autoRenewAtDataDeadline' }, now);
      // Someone decided in the meantime (a renewal request, complete data): not ours to renew.
      if (!moved.ok || !moved.transition.changed) throw new AlreadyRenewed();
      await recordAudit(tx, {
        actor: 'system:data_deadline',
        action: ACTION,
        at: now,
        contractId: contract.id,
        cycleId: cycle.id,
        after: { applicationId: inserted.id, kind: 'auto_renewal', csrMethod: 'provider' },
        detail: { ...summary, publicKeySha256: keys.value.publicKeySha256 },
      });
      return { ok: true as const, summary, cycle: moved.transition.cycle };
    });
  } catch (error) {
    // 23505: another replica, or a group admin's renewal, holds the cycle's one renewal application.
    if (error instanceof AlreadyRenewed || pgErrorCode(error) === '23505') {
      return { ok: true, summary: await existingSummary(db, cycle.id), cycle };
    }
    throw error;
  }
}

class AlreadyRenewed extends Error {}

/** drizzle wraps driver errors (`DrizzleQueryError`); the PostgreSQL code is on it or its cause. */
const pgErrorCode = (error: unknown): string | undefined =>
  (error as { code?: string })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;

async function existingSummary(db: Database, cycleId: string): Promise<AutoRenewalSummary | null> {
  const [row] = await db
    .select({ detail: auditEvents.detail })
    .from(auditEvents)
    .where(and(eq(auditEvents.cycleId, cycleId), eq(auditEvents.action, ACTION)))
    .limit(1);
  return row ? (row.detail as AutoRenewalSummary) : null;
}

async function previousApplication(
  db: Database,
  contractId: string,
  productId: Application['productId'],
): Promise<Application | null> {
  const rows = await db
    .select()
    .from(applications)
    .where(eq(applications.contractId, contractId))
    .orderBy(sql`${applications.requestedAt} desc`);
  const records = rows.map((r) => ({
    kind: r.kind,
    appliedAt: r.requestedAt,
    dn: { c: r.dnC, st: r.dnSt, l: r.dnL, o: r.dnO, ...(r.dnOu ? { ou: r.dnOu } : {}), cn: r.dnCn },
    applicant: r.applicant,
    periodMonths: r.periodMonths as PeriodMonths,
    csrMethod: r.csrMethod,
    wwwOption: r.wwwOption,
  }));
  // R-DN-1: the domain picks the previous application (re-issues left out).
  const previous = previousProxyApplication(records);
  if (!previous.ok) return null;
  const row = rows.find(
    (r) => r.kind === previous.value.kind && r.requestedAt.getTime() === previous.value.appliedAt.getTime(),
  );
  if (!row) return null;
  return {
    kind: row.kind,
    productId,
    dn: previous.value.dn,
    applicant: row.applicant,
    periodMonths: row.periodMonths,
    csrMethod: row.csrMethod,
    csrPem: row.csrPem,
    wwwOption: row.wwwOption,
    approverEmail: row.approverAddress,
    linkedServiceIds: [],
    appliedAt: row.requestedAt,
  };
}
