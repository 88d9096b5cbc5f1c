import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import {
  type Actor,
  type Applicant,
  type ApplicationKind,
  applyCycleCommand,
  type Ca,
  type Category,
  type CsrMethod,
  type CycleCommand,
  type CycleReason,
  type Dn,
  type Locale,
  type NoticeKind,
  type NoticeSettings,
  type PeriodMonths,
  type RenewalCycle,
} from '../../domain/index.ts';
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
import { findCycle, recordAudit, saveTransition } from './renewal-cycles.ts';
import { planRenewals } from './renewal-planning.ts';

/** Everything a decision from a notice needs about its cycle, read at click or submit time. */
export type DecisionContext = {
  readonly cycle: RenewalCycle;
  /** The cycle's parent message, once a notice was posted. */
  readonly parent: { readonly channel: string; readonly ts: string } | null;
  readonly contract: {
    readonly id: string;
    readonly cn: string;
    readonly category: Category;
    readonly ca: Ca | null;
    readonly productId: string | null;
    readonly periodMonths: PeriodMonths | null;
    readonly csrMethod: CsrMethod | null;
    readonly wwwOption: boolean;
    readonly linkedServices: readonly string[];
    readonly slackChannelId: string;
    readonly groupId: string;
    readonly groupLocale: Locale | null;
  };
  readonly groupAdmins: readonly string[];
  readonly serviceAdmins: readonly string[];
  /** The latest notice sent for the cycle (the parent re-renders as that notice would). */
  readonly latestNotice: { readonly id: string; readonly kind: NoticeKind; readonly dueAt: Date } | null;
  /** The contract's current certificate (the one reaching furthest). */
  readonly certificate: {
    readonly id: string;
    readonly notAfter: Date;
    readonly sans: readonly string[];
  } | null;
  /** SPKI SHA-256 of every certificate registered for the contract (R-CSR-1). */
  readonly certificateKeySha256s: readonly string[];
  /** The last application that is not a re-issue (R-DN-1), with what the renewal form pre-fills. */
  readonly previousApplication: PreviousApplication | null;
  /** CSRs of the contract's earlier applications, to recognise a re-used key (R-CSR-1). */
  readonly previousCsrPems: readonly string[];
};

export type PreviousApplication = {
  readonly kind: ApplicationKind;
  readonly dn: Dn;
  readonly applicant: Applicant;
  readonly periodMonths: PeriodMonths;
  readonly csrMethod: CsrMethod;
  readonly wwwOption: boolean;
  readonly approverAddress: string | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The cycle with its live contract, group members, parent message, current certificate and previous
 * application; null when the cycle or its contract no longer exists (or the contract is cancelled).
 */
export async function loadDecisionContext(db: Database, cycleId: string): Promise<DecisionContext | null> {
  if (!UUID.test(cycleId)) return null;
  const cycle = await findCycle(db, cycleId);
  if (!cycle) return null;
  const [row] = await db
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
    db
      .select({ userId: members.slackUserId, role: members.role })
      .from(members)
      .where(eq(members.serviceGroupId, c.serviceGroupId))
      .orderBy(members.slackUserId),
    db
      .select({ id: notices.id, kind: notices.kind, dueAt: notices.dueAt })
      .from(notices)
      .where(and(eq(notices.cycleId, cycleId), eq(notices.status, 'sent')))
      .orderBy(desc(notices.dueAt))
      .limit(1),
    db
      .select({
        id: certificates.id,
        notAfter: certificates.notAfter,
        sans: certificates.sans,
        publicKeySha256: certificates.publicKeySha256,
      })
      .from(certificates)
      .where(eq(certificates.contractId, c.id))
      .orderBy(desc(sql`coalesce(${certificates.contractPeriodEnd}, ${certificates.notAfter})`))
      .limit(50),
    db
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
      groupId: c.serviceGroupId,
      groupLocale: row.groupLocale,
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

/** The role of a user in the contract's group, looked up with the context (null: not a member). */
export function roleIn(context: DecisionContext, userId: string): Actor {
  const role = context.groupAdmins.includes(userId)
    ? 'group_admin'
    : context.serviceAdmins.includes(userId)
      ? 'service_admin'
      : null;
  return { type: 'user', userId, role };
}

export type NewRenewalApplication = {
  readonly dn: Dn;
  readonly applicant: Applicant;
  readonly periodMonths: PeriodMonths;
  readonly csrMethod: CsrMethod;
  readonly csrPem: string;
  readonly wwwOption: boolean;
  readonly approverAddress: string | null;
  readonly encryptedPrivateKey: string | null;
};

export type NewCertificate = {
  readonly pem: string;
  readonly chainPem: string | null;
  readonly serial: string;
  readonly subject: string;
  readonly subjectCn: string | null;
  readonly sans: readonly string[];
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly sha256: string;
  readonly publicKeySha256: string;
};

export type DecisionRequest = {
  readonly cycleId: string;
  readonly actor: Actor & { readonly type: 'user' };
  /** Applied in order in one transaction; all or nothing. */
  readonly commands: readonly CycleCommand[];
  readonly now: Date;
  /**
   * The first command must change the cycle: a repeat (a double click, Slack's retry, another admin a
   * moment earlier) is answered as "already decided" with who and when, and writes nothing.
   */
  readonly firstMustChange?: boolean;
  readonly application?: NewRenewalApplication;
  /** BYO: the renewed certificate, stored before the cycle completes and the next one is planned. */
  readonly certificate?: NewCertificate;
  readonly planning?: { readonly settings?: NoticeSettings };
  /** Extra audit detail of the decision (never secrets). */
  readonly detail?: Readonly<Record<string, unknown>>;
};

export type DecisionOutcome =
  | { readonly kind: 'decided'; readonly cycle: RenewalCycle; readonly changed: boolean }
  | { readonly kind: 'already_decided'; readonly cycle: RenewalCycle }
  | {
      readonly kind: 'refused';
      readonly reason: CycleReason;
      readonly params: Readonly<Record<string, unknown>>;
      readonly cycle: RenewalCycle;
    }
  | { readonly kind: 'not_found' };

class AlreadyDecided extends Error {}

const isUniqueViolation = (error: unknown): boolean => {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  return e?.code === '23505' || e?.cause?.code === '23505';
};

/**
 * Takes one decision on a cycle: the domain's commands, the renewal application or the renewed
 * certificate, the next cycle's plan and the audit events, in one transaction. The cycle row is
 * locked first, so two admins, two replicas or a retry run one after the other, and the second sees
 * the first one's decision; the unique indexes (one renewal application per cycle, one certificate per
 * fingerprint) back that up, and a violation is answered the same way: someone else decided.
 */
export async function decide(db: Database, request: DecisionRequest): Promise<DecisionOutcome> {
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select id from renewal_cycles where id = ${request.cycleId} for update`);
      const before = await findCycle(tx, request.cycleId);
      if (!before) return { kind: 'not_found' } as const;
      let cycle = before;
      let anyChange = false;
      for (const [index, command] of request.commands.entries()) {
        const result = applyCycleCommand(cycle, command, request.now);
        if (!result.ok) {
          await recordRefusal(tx, request, cycle, result.reason, result.params ?? {});
          return { kind: 'refused', reason: result.reason, params: result.params ?? {}, cycle } as const;
        }
        if (!result.value.changed) {
          if (index === 0 && request.firstMustChange) return { kind: 'already_decided', cycle } as const;
          continue;
        }
        if (!(await saveTransition(tx, cycle.version, result.value))) throw new AlreadyDecided();
        cycle = result.value.cycle;
        anyChange = true;
      }
      if (request.application) await insertApplication(tx, request, before);
      if (request.certificate) {
        const inserted = await insertCertificate(tx, request, before);
        if (!inserted) throw new AlreadyDecided();
        await planRenewals(tx, [before.contractId], {
          now: request.now,
          actor: request.actor.userId,
          ...(request.planning?.settings ? { settings: request.planning.settings } : {}),
        });
      }
      if (anyChange && request.detail) {
        await recordAudit(tx, {
          actor: request.actor,
          action: `decision.${request.commands[0]?.type ?? 'unknown'}`,
          at: request.now,
          contractId: before.contractId,
          cycleId: before.id,
          detail: request.detail,
        });
      }
      return { kind: 'decided', cycle, changed: anyChange } as const;
    });
  } catch (error) {
    if (!(error instanceof AlreadyDecided) && !isUniqueViolation(error)) throw error;
    const cycle = await findCycle(db, request.cycleId);
    return cycle ? { kind: 'already_decided', cycle } : { kind: 'not_found' };
  }
}

async function insertApplication(tx: Executor, request: DecisionRequest, cycle: RenewalCycle) {
  const a = request.application;
  if (!a) return;
  await tx.insert(applications).values({
    contractId: cycle.contractId,
    cycleId: cycle.id,
    kind: 'renewal',
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
    encryptedPrivateKey: a.encryptedPrivateKey,
    requestedBy: request.actor.userId,
    requestedAt: request.now,
  });
}

async function insertCertificate(tx: Executor, request: DecisionRequest, cycle: RenewalCycle) {
  const k = request.certificate;
  if (!k) return false;
  const inserted = await tx
    .insert(certificates)
    .values({
      contractId: cycle.contractId,
      pem: k.pem,
      chainPem: k.chainPem,
      serial: k.serial,
      subject: k.subject,
      subjectCn: k.subjectCn,
      sans: [...k.sans],
      issuer: k.issuer,
      notBefore: k.notBefore,
      notAfter: k.notAfter,
      sha256: k.sha256,
      publicKeySha256: k.publicKeySha256,
      registeredBy: request.actor.userId,
      registeredAt: request.now,
    })
    .onConflictDoNothing()
    .returning({ id: certificates.id });
  if (inserted.length === 0) return false;
  await recordAudit(tx, {
    actor: request.actor,
    action: 'certificate.registered',
    at: request.now,
    contractId: cycle.contractId,
    cycleId: cycle.id,
    after: { certificateId: inserted[0]?.id, sha256: k.sha256, notAfter: k.notAfter.toISOString() },
  });
  return true;
}

const snapshotOf = (c: RenewalCycle) => ({
  state: c.state,
  chosenPeriod: c.chosenPeriod,
  decision: c.decision,
  decidedBy: c.decidedBy,
  decidedAt: c.decidedAt,
});

async function recordRefusal(
  ex: Executor,
  request: DecisionRequest,
  cycle: RenewalCycle,
  reason: string,
  params: Readonly<Record<string, unknown>>,
) {
  await recordAudit(ex, {
    actor: request.actor,
    action: 'decision.refused',
    at: request.now,
    contractId: cycle.contractId,
    cycleId: cycle.id,
    before: snapshotOf(cycle),
    after: snapshotOf(cycle),
    detail: { command: request.commands[0]?.type ?? null, reason, params },
  });
}

/**
 * A refusal found before any command is tried (not a group admin, a contract that is gone, input
 * that fails validation): recorded with who, when and why; the cycle is unchanged (before = after).
 */
export async function recordDecisionRefusal(
  db: Database,
  entry: {
    readonly actor: string;
    readonly action: string;
    readonly reason: string;
    readonly at: Date;
    readonly cycle: RenewalCycle | null;
    readonly cycleId?: string | null;
    readonly detail?: Readonly<Record<string, unknown>>;
  },
): Promise<void> {
  const snapshot = entry.cycle ? snapshotOf(entry.cycle) : null;
  await recordAudit(db, {
    actor: entry.actor,
    action: 'decision.refused',
    at: entry.at,
    contractId: entry.cycle?.contractId ?? null,
    cycleId: entry.cycle?.id ?? (entry.cycleId && UUID.test(entry.cycleId) ? entry.cycleId : null),
    before: snapshot,
    after: snapshot,
    detail: { command: entry.action, reason: entry.reason, ...(entry.detail ?? {}) },
  });
}

/** The renewal applications of a cycle (tests and the status view). */
export async function renewalApplicationsOfCycle(db: Database, cycleId: string) {
  return db
    .select()
    .from(applications)
    .where(and(eq(applications.cycleId, cycleId), inArray(applications.kind, ['renewal', 'auto_renewal'])));
}
