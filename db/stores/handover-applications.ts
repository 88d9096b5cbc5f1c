import { and, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import {
  type Actor,
  type Ca,
  type CertificateParseReason,
  type CycleReason,
  checkByoCertificate,
  contractPeriodEndOfIssued,
  type Locale,
  type NoticeSettings,
  parseCertificateBundle,
  parseCsr,
} from '../../domain/index.ts';
import {
  applicationProgress,
  applications,
  certificates,
  contracts,
  renewalCycles,
  serviceGroups,
} from '../schema.ts';
import type { Database, Executor } from '../server/connection.ts';
import { type HandoverEvent, toHandoverEvent } from './handover-outbox.ts';
import { recordAudit, updateCycle } from './renewal-cycles.ts';
import { planRenewals } from './renewal-planning.ts';

export type ProgressStatus = 'submitted' | 'issued' | 'rejected';

/** What the provider's staff did with an application (null: nothing yet). */
export type ApplicationProgress = {
  readonly status: ProgressStatus;
  readonly submittedAt: Date | null;
  readonly submittedBy: string | null;
  readonly issuedAt: Date | null;
  readonly issuedBy: string | null;
  readonly certificateId: string | null;
  readonly rejectedAt: Date | null;
  readonly rejectedBy: string | null;
  readonly rejectionReason: string | null;
};

/** An application as the operations channel shows it, with where the customer reads about it. */
export type OpsApplication = {
  readonly applicationId: string;
  /** The hand-over event of the application (its snapshot). */
  readonly event: HandoverEvent;
  readonly progress: ApplicationProgress | null;
  readonly contract: { readonly id: string; readonly cn: string; readonly slackChannelId: string };
  /** The customer's thread: the cycle's parent message, once a notice was posted. */
  readonly thread: { readonly channel: string; readonly ts: string } | null;
  readonly customerLocale: Locale | null;
  readonly issuedCertificate: { readonly notAfter: Date; readonly sha256: string } | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const progressOf = (row: typeof applicationProgress.$inferSelect | undefined): ApplicationProgress | null =>
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
  const progress = progressOf(row.progress ?? undefined);
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
    thread: row.cycleChannel && row.cycleTs ? { channel: row.cycleChannel, ts: row.cycleTs } : null,
    customerLocale: row.locale,
    issuedCertificate,
  };
}

export type ProgressOutcome =
  | { readonly ok: true; readonly changed: boolean; readonly progress: ApplicationProgress }
  | {
      readonly ok: false;
      readonly reason: 'ops.application_not_found' | 'ops.already_closed';
      readonly progress: ApplicationProgress | null;
    };

async function lockProgress(tx: Executor, applicationId: string) {
  const exists = await tx.execute(sql`select id from applications where id = ${applicationId} for update`);
  if ((exists as unknown as unknown[]).length === 0) return { found: false as const };
  const [row] = await tx
    .select()
    .from(applicationProgress)
    .where(eq(applicationProgress.applicationId, applicationId));
  return { found: true as const, progress: progressOf(row) };
}

/** "Submitted to CA": idempotent; refused once the application was issued or rejected. */
export async function markSubmitted(
  db: Database,
  input: { applicationId: string; actor: string; now: Date },
): Promise<ProgressOutcome> {
  if (!UUID.test(input.applicationId))
    return { ok: false, reason: 'ops.application_not_found', progress: null };
  return db.transaction(async (tx) => {
    const locked = await lockProgress(tx, input.applicationId);
    if (!locked.found) return { ok: false, reason: 'ops.application_not_found', progress: null } as const;
    const before = locked.progress;
    if (before?.status === 'submitted') return { ok: true, changed: false, progress: before } as const;
    if (before) return { ok: false, reason: 'ops.already_closed', progress: before } as const;
    const [row] = await tx
      .insert(applicationProgress)
      .values({
        applicationId: input.applicationId,
        status: 'submitted',
        submittedAt: input.now,
        submittedBy: input.actor,
        updatedAt: input.now,
      })
      .returning();
    await recordAudit(tx, {
      actor: input.actor,
      action: 'application.submitted',
      at: input.now,
      after: { applicationId: input.applicationId, status: 'submitted' },
    });
    return { ok: true, changed: true, progress: progressOf(row) as ApplicationProgress } as const;
  });
}

/** "Rejected" with the CA's (or the staff's) reason; refused once issued, idempotent once rejected. */
export async function markRejected(
  db: Database,
  input: { applicationId: string; actor: string; reason: string; now: Date },
): Promise<ProgressOutcome> {
  if (!UUID.test(input.applicationId))
    return { ok: false, reason: 'ops.application_not_found', progress: null };
  return db.transaction(async (tx) => {
    const locked = await lockProgress(tx, input.applicationId);
    if (!locked.found) return { ok: false, reason: 'ops.application_not_found', progress: null } as const;
    const before = locked.progress;
    if (before?.status === 'rejected') return { ok: true, changed: false, progress: before } as const;
    if (before?.status === 'issued')
      return { ok: false, reason: 'ops.already_closed', progress: before } as const;
    const values = {
      status: 'rejected' as const,
      rejectedAt: input.now,
      rejectedBy: input.actor,
      rejectionReason: input.reason,
      updatedAt: input.now,
    };
    const [row] = await tx
      .insert(applicationProgress)
      .values({ applicationId: input.applicationId, ...values })
      .onConflictDoUpdate({ target: applicationProgress.applicationId, set: values })
      .returning();
    await recordAudit(tx, {
      actor: input.actor,
      action: 'application.rejected',
      at: input.now,
      before: before ? { status: before.status } : null,
      after: { applicationId: input.applicationId, status: 'rejected' },
      detail: { reason: input.reason },
    });
    return { ok: true, changed: true, progress: progressOf(row) as ApplicationProgress } as const;
  });
}

export type IssueReason =
  | CertificateParseReason
  | CycleReason
  | 'cycle.not_found'
  | 'ops.cn_mismatch'
  | 'ops.certificate_expired'
  | 'ops.certificate_not_newer'
  | 'ops.public_key_mismatch'
  | 'ops.csr_unreadable'
  | 'ops.application_not_found'
  | 'ops.application_rejected'
  | 'ops.already_issued'
  | 'ops.contract_not_found'
  | 'ops.no_open_application';

export type IssueOutcome =
  | {
      readonly ok: true;
      /** false: this very certificate was registered before; nothing changed. */
      readonly changed: boolean;
      readonly contractId: string;
      readonly cn: string;
      readonly applicationId: string | null;
      /** The cycle the certificate completed, whose notice the customer reads. */
      readonly cycleId: string | null;
      readonly certificate: { readonly id: string; readonly sha256: string; readonly notAfter: Date };
    }
  | { readonly ok: false; readonly reason: IssueReason; readonly params: Readonly<Record<string, unknown>> };

class Refused extends Error {
  constructor(
    readonly reason: IssueReason,
    readonly params: Readonly<Record<string, unknown>> = {},
  ) {
    super(reason);
  }
}

export type IssueRequest = {
  /** The application the certificate answers (the ops button), or the contract's CN (the CLI). */
  readonly target: { readonly applicationId: string } | { readonly cn: string };
  /** PEM text: the server certificate, with its chain if pasted. */
  readonly pem: string;
  /** Who: 'ops:<Slack user id>' or 'cli'; the cycle moves as a system actor (the staff are not group admins). */
  readonly actor: string;
  readonly now: Date;
  readonly settings?: NoticeSettings | undefined;
};

/**
 * "Certificate issued" (and `kigen certificate add`): the certificate must answer the application —
 * same CN as the contract, and the public key of the application's CSR when it has one — and be
 * newer than the current one; then, in one transaction, it is stored (with the application's
 * encrypted key when Kigen generated it), the cycle completes, the next cycle is planned and the
 * application is marked issued. A BYO contract (by CN) registers the renewed certificate (R-CHANGE-3).
 * The same certificate again changes nothing.
 */
export async function registerIssuedCertificate(db: Database, request: IssueRequest): Promise<IssueOutcome> {
  const bundle = parseCertificateBundle(request.pem);
  if (!bundle.ok) return { ok: false, reason: bundle.reason, params: bundle.params ?? {} };
  const leaf = bundle.value.leaf;
  const systemActor: Actor = { type: 'system', job: request.actor };
  try {
    return await db.transaction(async (tx) => {
      const target = await resolveTarget(tx, request.target);
      const { contract, application } = target;

      const [already] = await tx
        .select({ id: certificates.id, sha256: certificates.sha256, notAfter: certificates.notAfter })
        .from(certificates)
        .where(
          and(eq(certificates.contractId, contract.id), eq(certificates.sha256, leaf.fingerprintSha256Hex)),
        );
      if (already) {
        return {
          ok: true,
          changed: false,
          contractId: contract.id,
          cn: contract.cn,
          applicationId: application?.id ?? null,
          cycleId: null,
          certificate: already,
        } as const;
      }
      // A proxy certificate answers an application; without an open one there is nothing to complete.
      if (contract.category === 'proxy' && !application)
        throw new Refused('ops.no_open_application', { cn: contract.cn });
      if (application) {
        const [progress] = await tx
          .select()
          .from(applicationProgress)
          .where(eq(applicationProgress.applicationId, application.id));
        if (progress?.status === 'rejected') throw new Refused('ops.application_rejected');
        if (progress?.status === 'issued') throw new Refused('ops.already_issued');
      }

      const [current] = await tx
        .select({
          notAfter: certificates.notAfter,
          contractPeriodEnd: certificates.contractPeriodEnd,
          sans: certificates.sans,
        })
        .from(certificates)
        .where(eq(certificates.contractId, contract.id))
        .orderBy(desc(sql`coalesce(${certificates.contractPeriodEnd}, ${certificates.notAfter})`))
        .limit(1);
      const accepted = checkByoCertificate({
        contractCn: contract.cn,
        certificate: {
          subjectCn: leaf.commonName,
          sans: leaf.dnsNames,
          notBefore: leaf.notBefore,
          notAfter: leaf.notAfter,
        },
        current: current ?? null,
        now: request.now,
      });
      if (!accepted.ok) {
        const reason = (
          {
            'renewal.byo_cn_mismatch': 'ops.cn_mismatch',
            'renewal.byo_certificate_expired': 'ops.certificate_expired',
            'renewal.byo_certificate_not_newer': 'ops.certificate_not_newer',
          } as const
        )[accepted.reason];
        throw new Refused(reason, accepted.params ?? {});
      }
      if (application?.csrPem) {
        const csr = parseCsr(application.csrPem);
        if (!csr.ok) throw new Refused('ops.csr_unreadable');
        if (csr.value.publicKey.spkiSha256 !== leaf.publicKey.spkiSha256) {
          throw new Refused('ops.public_key_mismatch', {
            csrKey: csr.value.publicKey.spkiSha256,
            certificateKey: leaf.publicKey.spkiSha256,
          });
        }
      }

      const [inserted] = await tx
        .insert(certificates)
        .values({
          contractId: contract.id,
          applicationId: application?.id ?? null,
          pem: leaf.pem,
          chainPem: bundle.value.others.length > 0 ? bundle.value.others.map((c) => c.pem).join('') : null,
          serial: leaf.serialNumber,
          subject: leaf.subject,
          subjectCn: leaf.commonName,
          sans: [...leaf.dnsNames],
          issuer: leaf.issuer,
          notBefore: leaf.notBefore,
          notAfter: leaf.notAfter,
          sha256: leaf.fingerprintSha256Hex,
          publicKeySha256: leaf.publicKey.spkiSha256,
          // R-CSR-3: the key Kigen generated for this application, still encrypted, goes with its certificate.
          encryptedPrivateKey: application?.encryptedPrivateKey ?? null,
          contractPeriodEnd: contractPeriodEndOfIssued({
            category: contract.category,
            ca: contract.ca,
            application: application
              ? { kind: application.kind, periodMonths: application.periodMonths }
              : null,
            current: current ?? null,
            issued: leaf,
          }),
          registeredBy: request.actor,
          registeredAt: request.now,
        })
        .returning({ id: certificates.id });
      if (!inserted) throw new Error('certificate insert returned nothing');

      const cycleId = application ? application.cycleId : target.openCycleId;
      if (cycleId) {
        const moved = await updateCycle(
          tx,
          cycleId,
          { type: 'registerRenewedCertificate', actor: systemActor },
          request.now,
        );
        if (!moved.ok) throw new Refused(moved.reason, (moved.params ?? {}) as Record<string, unknown>);
      }
      if (application) {
        const values = {
          status: 'issued' as const,
          issuedAt: request.now,
          issuedBy: request.actor,
          certificateId: inserted.id,
          updatedAt: request.now,
        };
        await tx
          .insert(applicationProgress)
          .values({ applicationId: application.id, ...values })
          .onConflictDoUpdate({ target: applicationProgress.applicationId, set: values });
      }
      await recordAudit(tx, {
        actor: request.actor,
        action: 'certificate.registered',
        at: request.now,
        contractId: contract.id,
        cycleId,
        after: {
          certificateId: inserted.id,
          applicationId: application?.id ?? null,
          sha256: leaf.fingerprintSha256Hex,
          notAfter: leaf.notAfter.toISOString(),
        },
      });
      await planRenewals(tx, [contract.id], {
        now: request.now,
        actor: request.actor,
        ...(request.settings ? { settings: request.settings } : {}),
      });
      return {
        ok: true,
        changed: true,
        contractId: contract.id,
        cn: contract.cn,
        applicationId: application?.id ?? null,
        cycleId: cycleId ?? null,
        certificate: { id: inserted.id, sha256: leaf.fingerprintSha256Hex, notAfter: leaf.notAfter },
      } as const;
    });
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.reason, params: error.params };
    throw error;
  }
}

type Target = {
  readonly contract: {
    readonly id: string;
    readonly cn: string;
    readonly category: 'proxy' | 'byo';
    readonly ca: Ca | null;
  };
  readonly application: typeof applications.$inferSelect | null;
  /** BYO: the cycle the renewed certificate completes. */
  readonly openCycleId: string | null;
};

const RENEWAL_KINDS = ['renewal', 'auto_renewal', 'reissue'] as const;

async function resolveTarget(tx: Executor, target: IssueRequest['target']): Promise<Target> {
  if ('applicationId' in target) {
    if (!UUID.test(target.applicationId)) throw new Refused('ops.application_not_found');
    await tx.execute(sql`select id from applications where id = ${target.applicationId} for update`);
    const [row] = await tx
      .select({ application: applications, contract: contracts })
      .from(applications)
      .innerJoin(contracts, eq(contracts.id, applications.contractId))
      .where(eq(applications.id, target.applicationId));
    if (!row) throw new Refused('ops.application_not_found');
    return { contract: row.contract, application: row.application, openCycleId: null };
  }
  const [contract] = await tx
    .select({ id: contracts.id, cn: contracts.cn, category: contracts.category, ca: contracts.ca })
    .from(contracts)
    .where(
      and(
        sql`lower(${contracts.cn}) = lower(${target.cn.trim().replace(/\.$/, '')})`,
        sql`${contracts.status} <> 'cancelled'`,
      ),
    );
  if (!contract) throw new Refused('ops.contract_not_found', { cn: target.cn });
  await tx.execute(sql`select id from contracts where id = ${contract.id} for update`);
  if (contract.category === 'byo') {
    const [cycle] = await tx
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
  const [open] = await tx
    .select({ application: applications })
    .from(applications)
    .leftJoin(applicationProgress, eq(applicationProgress.applicationId, applications.id))
    .where(
      and(
        eq(applications.contractId, contract.id),
        inArray(applications.kind, [...RENEWAL_KINDS]),
        sql`(${applicationProgress.status} is null or ${applicationProgress.status} = 'submitted')`,
      ),
    )
    .orderBy(desc(applications.requestedAt))
    .limit(1);
  return { contract, application: open?.application ?? null, openCycleId: null };
}
