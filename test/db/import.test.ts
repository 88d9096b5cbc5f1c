import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoFile } from '../../bot/app/demo.ts';
import { createDemoIssuer, issueDemoCertificate } from '../../db/import/demo-certificates.ts';
import { importData } from '../../db/import/import-data.ts';
import { readImportFile } from '../../db/import/read-import-file.ts';
import {
  applications,
  certificates,
  contracts,
  handoverEvents,
  members,
  notices,
  renewalCycles,
  serviceGroups,
} from '../../db/schema.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();
const now = new Date('2026-11-25T01:00:00Z');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kigen-import-'));
});

const importText = async (name: string, text: string) => {
  const file = path.join(dir, name);
  await writeFile(file, text);
  const source = await readImportFile(file);
  if (!source.ok) return source;
  return importData(database.current.db, source.value, now);
};

/** A PEM as a YAML block scalar under `pem: |` at the certificates' depth. */
const indent = (pem: string) =>
  pem
    .trimEnd()
    .split('\n')
    .map((l) => `              ${l}`)
    .join('\n');

const tableCounts = async () => {
  const db = database.current.db;
  const n = async (
    table:
      | typeof serviceGroups
      | typeof members
      | typeof contracts
      | typeof applications
      | typeof certificates,
  ) => (await db.select({ n: count() }).from(table))[0]?.n;
  return {
    serviceGroups: await n(serviceGroups),
    members: await n(members),
    contracts: await n(contracts),
    applications: await n(applications),
    certificates: await n(certificates),
  };
};

describe('kigen import', () => {
  it('loads the demo, and loading it again changes nothing', async () => {
    const source = await readImportFile(demoFile);
    expect(source.ok).toBe(true);
    if (!source.ok) return;
    const first = await importData(database.current.db, source.value, now);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.value.contracts.created).toBe(6);
    expect(first.value.certificates.created).toBe(6);
    const after = await tableCounts();

    const second = await importData(database.current.db, source.value, now);
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    for (const counts of Object.values(second.value)) {
      expect(counts.created + counts.updated).toBe(0);
    }
    expect(await tableCounts()).toEqual(after);

    // Demo certificates expire relative to the import time.
    const [shop] = await database.current.db
      .select({ notAfter: certificates.notAfter })
      .from(certificates)
      .innerJoin(contracts, eq(certificates.contractId, contracts.id))
      .where(eq(contracts.cn, 'shop.example.jp'));
    expect(shop?.notAfter.getTime()).toBe(now.getTime() + 28 * 86_400_000);
  });

  it('registers certificates given inline or by path, keyed by fingerprint', async () => {
    const issuer = await createDemoIssuer();
    const pem = await issueDemoCertificate(issuer, {
      cn: 'files.example.net',
      now,
      expiresInDays: 40,
      validityDays: 90,
    });
    const older = await issueDemoCertificate(issuer, {
      cn: 'files.example.net',
      now,
      expiresInDays: -10,
      validityDays: 90,
    });
    await writeFile(path.join(dir, 'files.pem'), pem);
    const yaml = `
serviceGroups:
  - name: Files team
    members: [{ slackUserId: U0FILES01, role: group_admin }]
    contracts:
      - cn: Files.Example.NET.
        category: byo
        channel: C0FILES01
        certificates:
          - path: files.pem
          - pem: |
${indent(older)}
`;
    const result = await importText('files.yaml', yaml);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.certificates.created).toBe(2);
    const rows = await database.current.db
      .select({ cn: contracts.cn, notAfter: certificates.notAfter, sha256: certificates.sha256 })
      .from(certificates)
      .innerJoin(contracts, eq(certificates.contractId, contracts.id))
      .where(eq(contracts.cn, 'files.example.net'));
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.sha256))).toBe(true);
  });

  it('lists every problem with its path and line, and writes nothing', async () => {
    const before = await tableCounts();
    const yaml = `serviceGroups:
  - name: Broken team
    members:
      - { slackUserId: not-a-user, role: group_admin }
    contracts:
      - cn: one.example.org
        category: proxy
        ca: verisign
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: C0BROKEN1
      - cn: two.example.org
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: "twelve"
        csrMethod: customer
        channel: C0BROKEN1
`;
    const result = await importText('broken.yaml', yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p]));
    expect(Object.keys(byPath).sort()).toEqual([
      'serviceGroups[0].contracts[0].ca',
      'serviceGroups[0].contracts[1].periodMonths',
      'serviceGroups[0].members[0].slackUserId',
    ]);
    expect(byPath['serviceGroups[0].contracts[0].ca']?.line).toBe(8);
    expect(byPath['serviceGroups[0].contracts[1].periodMonths']?.line).toBe(17);
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses duplicate CNs, a certificate for another CN and PEM garbage, all at once, writing nothing', async () => {
    const before = await tableCounts();
    const issuer = await createDemoIssuer();
    const other = await issueDemoCertificate(issuer, {
      cn: 'other.example.org',
      now,
      expiresInDays: 40,
      validityDays: 90,
    });
    const yaml = `serviceGroups:
  - name: Mixed team
    contracts:
      - cn: dup.example.org
        category: byo
        channel: C0MIXED01
        certificates:
          - pem: |
${indent(other)}
      - cn: DUP.example.org
        category: byo
        channel: C0MIXED01
        certificates:
          - pem: "-----BEGIN CERTIFICATE-----\\nnot base64 at all\\n-----END CERTIFICATE-----"
          - path: does-not-exist.pem
`;
    const result = await importText('mixed.yaml', yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const messages = result.problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^serviceGroups\[0\]\.contracts\[0\]\.certificates\[0\]\.pem: certificate CN other\.example\.org differs/,
        ),
        expect.stringMatching(/^serviceGroups\[0\]\.contracts\[1\]\.cn: duplicate CN dup\.example\.org/),
        expect.stringMatching(
          /^serviceGroups\[0\]\.contracts\[1\]\.certificates\[0\]\.pem: not a PEM certificate/,
        ),
        expect.stringMatching(
          /^serviceGroups\[0\]\.contracts\[1\]\.certificates\[1\]\.path: cannot read does-not-exist\.pem/,
        ),
      ]),
    );
    expect(result.problems).toHaveLength(4);
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses a CN already under contract in another service group, and rolls back the rest', async () => {
    const before = await tableCounts();
    const yaml = `serviceGroups:
  - name: Newcomers
    members: [{ slackUserId: U0NEWCOME1, role: group_admin }]
    contracts:
      - cn: brand-new.example.org
        category: byo
        channel: C0NEWCOME1
      - cn: www.example.jp
        category: byo
        channel: C0NEWCOME1
`;
    const result = await importText('taken.yaml', yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.objectContaining({
        path: 'serviceGroups[0].contracts[1].cn',
        message: 'CN www.example.jp is already under contract in another service group',
      }),
    ]);
    expect(await tableCounts()).toEqual(before);
  });

  it('says where a file is not YAML at all', async () => {
    const result = await importText('garbage.yaml', 'serviceGroups: [\n  { name: "x"\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.message).toMatch(/^not valid YAML\/JSON/);
  });
});

describe('kigen import and the hand-over', () => {
  it('does not hand imported applications over to the back office again', async () => {
    const yaml = `serviceGroups:
  - name: History team
    contracts:
      - cn: history.example.org
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: C0HISTORY1
        applications:
          - kind: renewal
            dn: { c: JP, st: Tokyo, l: Chiyoda-ku, o: History K.K., cn: history.example.org }
            applicant: { name: 田中 一, email: tanaka@example.org }
            periodMonths: 12
            csrMethod: customer
            requestedBy: U0HISTORY1
            requestedAt: 2025-11-01T10:00:00+09:00
`;
    const result = await importText('history.yaml', yaml);
    expect(result.ok).toBe(true);
    const [row] = await database.current.db.select({ n: count() }).from(handoverEvents);
    expect(row?.n).toBe(0);
  });
});

describe('kigen import of a capped certificate', () => {
  it('R-CABF-2: a certificate shorter than its contract period gets a re-issue notice, the renewal follows the period end', async () => {
    const issuer = await createDemoIssuer();
    const pem = await issueDemoCertificate(issuer, {
      cn: 'short.example.org',
      now,
      expiresInDays: 60,
      validityDays: 199,
    });
    const periodEnd = new Date(now.getTime() + 200 * 86_400_000);
    const yaml = `serviceGroups:
  - name: Short team
    contracts:
      - cn: short.example.org
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: C0SHORT001
        certificates:
          - contractPeriodEnd: ${periodEnd.toISOString()}
            pem: |
${indent(pem)}
`;
    const result = await importText('short.yaml', yaml);
    expect(result.ok).toBe(true);
    const db = database.current.db;
    const [contract] = await db.select().from(contracts).where(eq(contracts.cn, 'short.example.org'));
    const cycles = await db
      .select()
      .from(renewalCycles)
      .where(eq(renewalCycles.contractId, contract?.id ?? ''));
    expect(cycles.map((c) => c.expiresAt.toISOString())).toEqual([periodEnd.toISOString()]);
    const kinds = await db
      .select({ kind: notices.kind, cycleId: notices.cycleId })
      .from(notices)
      .where(eq(notices.contractId, contract?.id ?? ''));
    expect(kinds.filter((n) => n.kind === 'reissue_due')).toEqual([{ kind: 'reissue_due', cycleId: null }]);
  });

  it('refuses a contract period end that is not after the certificate, or on a BYO contract', async () => {
    const issuer = await createDemoIssuer();
    const pem = await issueDemoCertificate(issuer, {
      cn: 'bad-period.example.org',
      now,
      expiresInDays: 60,
      validityDays: 199,
    });
    const yaml = `serviceGroups:
  - name: Bad period team
    contracts:
      - cn: bad-period.example.org
        category: byo
        channel: C0BADPER01
        certificates:
          - contractPeriodEnd: ${new Date(now.getTime() + 300 * 86_400_000).toISOString()}
            pem: |
${indent(pem)}
`;
    const result = await importText('bad-period.yaml', yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'serviceGroups[0].contracts[0].certificates[0].contractPeriodEnd: only a proxy contract has a contract period',
    ]);
  });
});
