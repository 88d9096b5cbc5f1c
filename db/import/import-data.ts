import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, ne, sql } from 'drizzle-orm';
import { findProduct } from '../../domain/rules/catalogue.ts';
import { normaliseCommonName } from '../../domain/rules/domain-name.ts';
import type { NoticeSettings } from '../../domain/rules/notice-schedule.ts';
import { parseCertificateBundle } from '../../domain/rules/x509/certificate.ts';
import { applications, certificates, contracts, members, serviceGroups } from '../schema.ts';
import type { Database } from '../server/connection.ts';
import { planRenewals } from '../stores/renewal-planning.ts';
import { createDemoIssuer, type DemoIssuer, issueDemoCertificate } from './demo-certificates.ts';
import { type ImportFile, importFileSchema } from './import-file-schema.ts';
import { formatPath, type ImportProblem, type ImportSource } from './read-import-file.ts';

export type ImportSummary = {
  readonly serviceGroups: Counts;
  readonly members: Counts;
  readonly contracts: Counts;
  readonly applications: Counts;
  readonly certificates: Counts;
  /** Renewal cycles and notices planned for new certificates and changed contracts. */
  readonly cycles: Counts;
  readonly notices: Counts;
};
type Counts = { created: number; updated: number; unchanged: number };

export type ImportResult = { ok: true; value: ImportSummary } | { ok: false; problems: ImportProblem[] };

type CertificateRow = Omit<typeof certificates.$inferInsert, 'contractId'>;
type PreparedContract = {
  readonly at: (string | number)[];
  readonly cn: string;
  readonly row: Omit<typeof contracts.$inferInsert, 'serviceGroupId'>;
  readonly applications: Omit<typeof applications.$inferInsert, 'contractId'>[];
  readonly certificates: CertificateRow[];
  /** Demo certificates: made only while the contract has none (so a re-import adds nothing). */
  readonly generate: { expiresInDays: number; validityDays: number; sans?: string[] }[];
};

/**
 * Validates the whole file first and writes it in one transaction: every problem is listed with its
 * path, and nothing is written unless there are none. Re-importing the same file changes nothing.
 */
export async function importData(
  db: Database,
  source: ImportSource,
  now: Date,
  options: { readonly noticeSettings?: NoticeSettings } = {},
): Promise<ImportResult> {
  const problems: ImportProblem[] = [];
  const problem = (at: readonly (string | number)[], message: string) =>
    problems.push({ path: formatPath(at), line: source.lineOf(at), message });

  const parsed = importFileSchema.safeParse(source.data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problem(issue.path as (string | number)[], issue.message);
    return { ok: false, problems };
  }
  const groups = await prepare(parsed.data, source, problem);
  if (problems.length > 0) return { ok: false, problems };

  const summary: ImportSummary = {
    serviceGroups: counts(),
    members: counts(),
    contracts: counts(),
    applications: counts(),
    certificates: counts(),
    cycles: counts(),
    notices: counts(),
  };
  let issuer: DemoIssuer | undefined;
  try {
    await db.transaction(async (tx) => {
      // Imported applications are history the back office already has: not handed over again.
      await tx.execute(sql`set local kigen.handover = 'off'`);
      // Contracts with a new certificate or changed terms: planned in this same transaction.
      const toPlan = new Set<string>();
      const changes = () =>
        summary.contracts.created + summary.contracts.updated + summary.certificates.created;
      for (const group of groups) {
        const groupId = await upsertGroup(tx, group.name, group.locale, summary.serviceGroups);
        for (const m of group.members) await upsertMember(tx, groupId, m, summary.members);
        for (const c of group.contracts) {
          const before = changes();
          const contractId = await upsertContract(tx, groupId, c, problem, summary.contracts);
          if (!contractId) continue;
          await importApplicationsAndCertificates(tx, contractId, c);
          if (changes() > before) toPlan.add(contractId);
        }
      }
      if (problems.length > 0) throw new RollBack();
      const planned = await planRenewals(tx, [...toPlan], {
        settings: options.noticeSettings,
        now,
        actor: 'system:import',
      });
      summary.cycles.created = planned.cyclesCreated;
      summary.cycles.updated = planned.cyclesSuperseded;
      summary.notices.created = planned.noticesCreated;
      summary.notices.updated = planned.noticesSkipped;
    });
  } catch (error) {
    if (error instanceof RollBack) return { ok: false, problems };
    throw error;
  }
  return { ok: true, value: summary };

  async function importApplicationsAndCertificates(
    tx: Tx,
    contractId: string,
    c: PreparedContract,
  ): Promise<void> {
    for (const a of c.applications) await insertApplication(tx, contractId, a, summary.applications);
    for (const cert of c.certificates) await insertCertificate(tx, contractId, cert, summary.certificates);
    if (c.generate.length > 0) {
      const [existing] = await tx
        .select({ id: certificates.id })
        .from(certificates)
        .where(eq(certificates.contractId, contractId))
        .limit(1);
      if (existing) return;
      issuer ??= await createDemoIssuer();
      for (const g of c.generate) {
        const pem = await issueDemoCertificate(issuer, { cn: c.cn, now, ...g });
        const facts = describeCertificate(pem);
        if (facts) await insertCertificate(tx, contractId, facts, summary.certificates);
      }
    }
  }
}

class RollBack extends Error {}

const counts = (): Counts => ({ created: 0, updated: 0, unchanged: 0 });

async function prepare(
  file: ImportFile,
  source: ImportSource,
  problem: (at: (string | number)[], message: string) => void,
) {
  const seenCn = new Map<string, string>();
  const seenGroups = new Set<string>();
  return Promise.all(
    file.serviceGroups.map(async (group, gi) => {
      const gAt = ['serviceGroups', gi];
      if (seenGroups.has(group.name)) problem([...gAt, 'name'], `duplicate service group '${group.name}'`);
      seenGroups.add(group.name);
      const seenUsers = new Set<string>();
      group.members.forEach((m, mi) => {
        if (seenUsers.has(m.slackUserId)) {
          problem([...gAt, 'members', mi, 'slackUserId'], `duplicate member ${m.slackUserId}`);
        }
        seenUsers.add(m.slackUserId);
      });
      const prepared: PreparedContract[] = [];
      for (const [ci, contract] of group.contracts.entries()) {
        const at = [...gAt, 'contracts', ci];
        const name = normaliseCommonName(contract.cn);
        if (!name.ok) {
          problem([...at, 'cn'], `not a usable common name (${name.reason})`);
          continue;
        }
        const cn = name.value.fqdn;
        const firstAt = seenCn.get(cn);
        if (firstAt) problem([...at, 'cn'], `duplicate CN ${cn}: already at ${firstAt}`);
        else seenCn.set(cn, formatPath([...at, 'cn']));

        if (contract.category === 'proxy') {
          for (const field of ['ca', 'product', 'periodMonths', 'csrMethod'] as const) {
            if (contract[field] === undefined) problem([...at, field], `required for a proxy contract`);
          }
          if (contract.product) {
            const product = findProduct(contract.product);
            if (product.ok && contract.ca && product.value.ca !== contract.ca) {
              problem([...at, 'product'], `${contract.product} is not a product of ${contract.ca}`);
            }
            if (product.ok && contract.wwwOption && !product.value.wwwOption) {
              problem([...at, 'wwwOption'], `the www option exists for Cybertrust products only`);
            }
          }
        } else if (contract.product) {
          problem([...at, 'product'], 'a BYO contract has no product of the catalogue');
        }

        const apps = contract.applications.map((a, ai) => {
          const dnCn = normaliseCommonName(a.dn.cn);
          if (!dnCn.ok || dnCn.value.fqdn !== cn) {
            problem(
              [...at, 'applications', ai, 'dn', 'cn'],
              `CN ${a.dn.cn} differs from the contract's ${cn}`,
            );
          }
          return {
            kind: a.kind,
            dnC: a.dn.c,
            dnSt: a.dn.st,
            dnL: a.dn.l,
            dnO: a.dn.o,
            dnOu: a.dn.ou ?? null,
            dnCn: cn,
            applicant: a.applicant,
            periodMonths: a.periodMonths,
            csrPem: a.csrPem ?? null,
            csrMethod: a.csrMethod,
            wwwOption: a.wwwOption,
            approverAddress: a.approverAddress ?? null,
            requestedBy: a.requestedBy,
            requestedAt: a.requestedAt,
          };
        });

        const certs: CertificateRow[] = [];
        const generate: PreparedContract['generate'] = [];
        for (const [ki, cert] of contract.certificates.entries()) {
          const kAt = [...at, 'certificates', ki];
          if ('generate' in cert) {
            generate.push(cert.generate);
            continue;
          }
          let pem: string;
          if ('path' in cert) {
            try {
              pem = await readFile(path.resolve(source.baseDir, cert.path), 'utf8');
            } catch (error) {
              problem(
                [...kAt, 'path'],
                `cannot read ${cert.path} (${(error as NodeJS.ErrnoException).code})`,
              );
              continue;
            }
          } else {
            pem = cert.pem;
          }
          const field = 'path' in cert ? 'path' : 'pem';
          const parsed = parseCertificateBundle(pem);
          if (!parsed.ok) {
            problem([...kAt, field], `not a PEM certificate (${parsed.reason})`);
            continue;
          }
          const leaf = parsed.value.leaf;
          const leafCn = leaf.commonName ? normaliseCommonName(leaf.commonName) : undefined;
          if (!leafCn?.ok || leafCn.value.fqdn !== cn) {
            // R-CHANGE-3: a certificate is registered only for its own CN.
            problem(
              [...kAt, field],
              `certificate CN ${leaf.commonName ?? '(none)'} differs from the contract's ${cn}`,
            );
            continue;
          }
          const periodEnd = cert.contractPeriodEnd ?? null;
          if (periodEnd && (contract.category !== 'proxy' || periodEnd <= leaf.notAfter)) {
            problem(
              [...kAt, 'contractPeriodEnd'],
              contract.category !== 'proxy'
                ? 'only a proxy contract has a contract period'
                : `must be after the certificate's expiry (${leaf.notAfter.toISOString()})`,
            );
            continue;
          }
          certs.push({
            ...toCertificateRow(parsed.value),
            registeredBy: cert.registeredBy ?? 'import',
            contractPeriodEnd: periodEnd,
          });
        }

        prepared.push({
          at,
          cn,
          row: {
            cn,
            category: contract.category,
            ca: contract.ca ?? null,
            productId: contract.product ?? null,
            periodMonths: contract.periodMonths ?? null,
            csrMethod: contract.csrMethod ?? null,
            wwwOption: contract.wwwOption,
            linkedServices: contract.linkedServices,
            slackChannelId: contract.channel,
          },
          applications: apps,
          certificates: certs,
          generate,
        });
      }
      return { name: group.name, locale: group.locale ?? null, members: group.members, contracts: prepared };
    }),
  );
}

function describeCertificate(pem: string): CertificateRow | undefined {
  const parsed = parseCertificateBundle(pem);
  return parsed.ok ? { ...toCertificateRow(parsed.value), registeredBy: 'demo' } : undefined;
}

function toCertificateRow(bundle: Extract<ReturnType<typeof parseCertificateBundle>, { ok: true }>['value']) {
  const leaf = bundle.leaf;
  return {
    pem: leaf.pem,
    chainPem: bundle.others.length > 0 ? bundle.others.map((c) => c.pem).join('') : null,
    serial: leaf.serialNumber,
    subject: leaf.subject,
    subjectCn: leaf.commonName,
    sans: [...leaf.dnsNames],
    issuer: leaf.issuer,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    sha256: leaf.fingerprintSha256Hex,
    publicKeySha256: leaf.publicKey.spkiSha256,
  };
}

function insertedId(rows: { id: string }[]): string {
  const [row] = rows;
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

async function upsertGroup(tx: Tx, name: string, locale: 'ja' | 'en' | null, n: Counts): Promise<string> {
  const [existing] = await tx.select().from(serviceGroups).where(eq(serviceGroups.name, name));
  if (!existing) {
    const rows = await tx.insert(serviceGroups).values({ name, locale }).returning({ id: serviceGroups.id });
    n.created++;
    return insertedId(rows);
  }
  if (existing.locale !== locale) {
    await tx
      .update(serviceGroups)
      .set({ locale, updatedAt: new Date() })
      .where(eq(serviceGroups.id, existing.id));
    n.updated++;
  } else n.unchanged++;
  return existing.id;
}

async function upsertMember(
  tx: Tx,
  serviceGroupId: string,
  m: { slackUserId: string; role: 'group_admin' | 'service_admin' },
  n: Counts,
) {
  const [existing] = await tx
    .select()
    .from(members)
    .where(and(eq(members.serviceGroupId, serviceGroupId), eq(members.slackUserId, m.slackUserId)));
  if (!existing) {
    await tx.insert(members).values({ serviceGroupId, ...m });
    n.created++;
  } else if (existing.role !== m.role) {
    await tx.update(members).set({ role: m.role }).where(eq(members.id, existing.id));
    n.updated++;
  } else n.unchanged++;
}

const CONTRACT_FIELDS = [
  'category',
  'ca',
  'productId',
  'periodMonths',
  'csrMethod',
  'wwwOption',
  'linkedServices',
  'slackChannelId',
] as const;

async function upsertContract(
  tx: Tx,
  serviceGroupId: string,
  c: PreparedContract,
  problem: (at: (string | number)[], message: string) => void,
  n: Counts,
): Promise<string | undefined> {
  const [existing] = await tx
    .select()
    .from(contracts)
    .where(and(eq(contracts.cn, c.cn), ne(contracts.status, 'cancelled')));
  if (!existing) {
    const rows = await tx
      .insert(contracts)
      .values({ ...c.row, serviceGroupId })
      .returning({ id: contracts.id });
    n.created++;
    return insertedId(rows);
  }
  if (existing.serviceGroupId !== serviceGroupId) {
    problem([...c.at, 'cn'], `CN ${c.cn} is already under contract in another service group`);
    return undefined;
  }
  const changed = CONTRACT_FIELDS.filter(
    (f) => JSON.stringify(existing[f] ?? null) !== JSON.stringify(c.row[f] ?? null),
  );
  if (changed.length > 0) {
    await tx
      .update(contracts)
      .set({ ...c.row, updatedAt: new Date() })
      .where(eq(contracts.id, existing.id));
    n.updated++;
  } else n.unchanged++;
  return existing.id;
}

async function insertApplication(
  tx: Tx,
  contractId: string,
  a: PreparedContract['applications'][number],
  n: Counts,
) {
  const [existing] = await tx
    .select({ id: applications.id })
    .from(applications)
    .where(
      and(
        eq(applications.contractId, contractId),
        eq(applications.kind, a.kind),
        eq(applications.requestedAt, a.requestedAt),
      ),
    );
  if (existing) {
    n.unchanged++;
    return;
  }
  await tx.insert(applications).values({ ...a, contractId });
  n.created++;
}

async function insertCertificate(tx: Tx, contractId: string, cert: CertificateRow, n: Counts) {
  const inserted = await tx
    .insert(certificates)
    .values({ ...cert, contractId })
    .onConflictDoNothing({ target: [certificates.contractId, certificates.sha256] })
    .returning({ id: certificates.id });
  if (inserted.length > 0) n.created++;
  else n.unchanged++;
}
