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

const importText = async (name: string, text: string | Uint8Array) => {
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

/** A certificate for `cn` from a demo CA of its own, issued at `now`. */
const demoCertificate = async (cn: string, days: { expiresInDays: number; validityDays: number }) =>
  issueDemoCertificate(await createDemoIssuer(), { cn, now, ...days });

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
    const other = await demoCertificate('other.example.org', { expiresInDays: 40, validityDays: 90 });
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
    const pem = await demoCertificate('short.example.org', { expiresInDays: 60, validityDays: 199 });
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
    const pem = await demoCertificate('bad-period.example.org', { expiresInDays: 60, validityDays: 199 });
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

const utf8 = (text: string) => new TextEncoder().encode(text);
const bytesOf = (...parts: (string | Uint8Array)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? utf8(p) : p)));
const hex = (digits: string) => Buffer.from(digits, 'hex');
// 株式会社サンプル as iconv writes it (`printf 株式会社サンプル | iconv -t SHIFT_JIS | xxd -p`, EUC-JP, UTF-16LE).
const SAMPLE = '株式会社サンプル';
const SAMPLE_SHIFT_JIS = hex('8a948eae89ef8ed0835483938376838b');
const SAMPLE_EUC_JP = hex('b3f4bcb0b2f1bcd2a5b5a5f3a5d7a5eb');
const SAMPLE_UTF16LE = hex('2a680f5f1a4f3e79b530f330d730eb30');
// ㈱サンプル① in Windows' Shift_JIS (CP932): ㈱ and ① are NEC special characters, not in iconv's SHIFT_JIS.
const CP932_SAMPLE = '㈱サンプル①';
const CP932_SAMPLE_BYTES = hex('878a835483938376838b8740');
const groupFile = (name: string | Uint8Array) =>
  bytesOf(
    'serviceGroups:\n  - name: ',
    name,
    '\n    members: [{ slackUserId: U0ENCODE1, role: group_admin }]\n',
  );

describe('kigen import of a file that is not UTF-8 (issue 10)', () => {
  it('the fixtures are the real encodings of the Japanese text', () => {
    expect(new TextDecoder('shift_jis').decode(SAMPLE_SHIFT_JIS)).toBe(SAMPLE);
    expect(new TextDecoder('euc-jp').decode(SAMPLE_EUC_JP)).toBe(SAMPLE);
    expect(new TextDecoder('utf-16le').decode(SAMPLE_UTF16LE)).toBe(SAMPLE);
    expect(new TextDecoder('shift_jis').decode(CP932_SAMPLE_BYTES)).toBe(CP932_SAMPLE);
  });

  it.each([
    {
      encoding: 'Shift_JIS (an export of Excel)',
      bytes: groupFile(SAMPLE_SHIFT_JIS),
      at: { line: 2, column: 11 },
      message:
        /^not UTF-8 \(byte 25\): probably Shift_JIS; convert it to UTF-8 and import the converted file: iconv -f SHIFT_JIS -t UTF-8 (\S+)\/in\.yaml > \1\/in\.utf8\.yaml$/,
    },
    {
      encoding: 'Shift_JIS with the NEC characters of Windows (㈱, ①)',
      bytes: groupFile(CP932_SAMPLE_BYTES),
      at: { line: 2, column: 11 },
      message: /: probably Shift_JIS \(Windows CP932\); .*: iconv -f CP932 -t UTF-8 /,
    },
    {
      encoding: 'EUC-JP',
      bytes: groupFile(SAMPLE_EUC_JP),
      at: { line: 2, column: 11 },
      message: /: probably EUC-JP; .*: iconv -f EUC-JP -t UTF-8 /,
    },
    {
      encoding: 'UTF-16 with a byte order mark',
      bytes: Buffer.concat([hex('fffe'), Buffer.from(groupFile(SAMPLE).toString('utf8'), 'utf16le')]),
      at: { line: 1, column: 1 },
      message:
        /^not UTF-8 \(byte 0\): UTF-16 \(it starts with a UTF-16 byte order mark\); .*: iconv -f UTF-16 -t UTF-8 /,
    },
    {
      encoding: 'UTF-16LE without a byte order mark',
      bytes: Buffer.from(groupFile(SAMPLE).toString('utf8'), 'utf16le'),
      at: { line: 1, column: 2 },
      message: /^not UTF-8 \(byte 1\): probably UTF-16LE; .*: iconv -f UTF-16LE -t UTF-8 /,
    },
    {
      encoding: 'UTF-8 with one broken character',
      bytes: bytesOf(
        'serviceGroups:\n  - name: ',
        `${SAMPLE}${SAMPLE}`,
        '\n    members: []\n  - name: ',
        utf8(SAMPLE).subarray(0, 2),
        '\n',
      ),
      at: { line: 4, column: 11 },
      message:
        /^not UTF-8 \(byte \d+\): a broken character in text that is otherwise UTF-8; correct it there$/,
    },
  ])(
    'refuses $encoding with where and how to convert it, and writes nothing',
    async ({ bytes, at, message }) => {
      const before = await tableCounts();
      const file = path.join(dir, 'in.yaml');
      await writeFile(file, bytes);
      const source = await readImportFile(file);
      expect(source).toEqual({
        ok: false,
        problems: [{ path: file, ...at, message: expect.stringMatching(message) }],
      });
      expect(await tableCounts()).toEqual(before);
    },
  );

  it('reads UTF-8 with or without a byte order mark, keeping the Japanese text as it is', async () => {
    for (const [name, bom] of [
      ['with', hex('efbbbf')],
      ['without', hex('')],
    ] as const) {
      const result = await importText(
        `utf8-${name}-bom.yaml`,
        bytesOf(bom, groupFile(`${SAMPLE} ${name} BOM`)),
      );
      expect(result.ok).toBe(true);
      const [group] = await database.current.db
        .select({ name: serviceGroups.name })
        .from(serviceGroups)
        .where(eq(serviceGroups.name, `${SAMPLE} ${name} BOM`));
      expect(group?.name).toBe(`${SAMPLE} ${name} BOM`);
    }
  });
});

const laughs = [
  'x-lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...'bcdefghi'
    .split('')
    .map((name, i) => `x-${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
  'serviceGroups: *i',
].join('\n');

describe('kigen import of a file beyond YAML or its limits (issue 10)', () => {
  it.each([
    {
      what: 'an alias bomb ("billion laughs")',
      text: laughs,
      at: { line: 7, column: 10 },
      message:
        /^aliases \(\*name, <<: \*name\) add more than 1,000,000 values to the file, the limit of an import file$/,
    },
    {
      what: 'an alias inside its own anchor',
      text: 'x-loop: &loop [1, *loop]\nserviceGroups: []\n',
      at: { line: 1, column: 19 },
      message: /^the alias \*loop is inside its own anchor$/,
    },
    {
      what: 'an alias without an anchor',
      text: 'serviceGroups:\n  - *nope\n',
      at: { line: 2, column: 5 },
      message: /^not valid YAML\/JSON: the alias \*nope has no anchor &nope before it$/,
    },
    {
      what: 'nesting deeper than 32 levels',
      text: `serviceGroups:\n  - name: deep\n    contracts: ${'['.repeat(40)}${']'.repeat(40)}\n`,
      at: { line: 3, column: 45 },
      message: /^nested deeper than 32 levels$/,
    },
    {
      what: 'nesting that overflows the parser',
      text: `serviceGroups: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
      at: { line: 1 },
      message: /^nested deeper than 32 levels$/,
    },
    {
      what: 'several YAML documents',
      text: 'serviceGroups: []\n---\nserviceGroups: []\n',
      at: { line: 2, column: 1 },
      message: /^not valid YAML\/JSON: Source contains multiple documents/,
    },
    {
      what: 'an unclosed flow sequence',
      text: 'serviceGroups: [\n  { name: "x"\n',
      at: { line: 3, column: 1 },
      message: /^not valid YAML\/JSON: .* \(first of \d+ errors\)$/,
    },
  ])('refuses $what in one problem naming the line, and writes nothing', async ({ text, at, message }) => {
    const before = await tableCounts();
    const file = path.join(dir, 'limits.yaml');
    await writeFile(file, text);
    const source = await readImportFile(file);
    expect(source).toEqual({
      ok: false,
      problems: [
        {
          path: file,
          ...at,
          ...(at.column ? {} : { column: expect.any(Number) }),
          message: expect.stringMatching(message),
        },
      ],
    });
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses a file larger than 10 MiB before reading it', async () => {
    const file = path.join(dir, 'huge.yaml');
    await writeFile(file, `# ${'x'.repeat(10 * 1024 * 1024)}\nserviceGroups: []\n`);
    expect(await readImportFile(file)).toEqual({
      ok: false,
      problems: [
        {
          path: file,
          message: expect.stringMatching(
            /^10,485,781 bytes, more than the 10 MiB of an import file: split it/,
          ),
        },
      ],
    });
  });
});

describe('kigen import with YAML merge keys (issue 10)', () => {
  it('merges defaults from an x- key or another contract, one or a list of them, the contract overriding; a re-import changes nothing', async () => {
    const yaml = `x-proxy: &proxy
  category: proxy
  ca: digicert
  product: digicert.secure_server_id
  periodMonths: 12
  csrMethod: customer
x-channel: &channel
  channel: C0MERGE001
serviceGroups:
  - name: Merge team
    contracts:
      - <<: *proxy
        cn: a.merge.example.org
        channel: C0MERGE002
      - <<: [*proxy, *channel]
        cn: b.merge.example.org
        periodMonths: 6
      - &byo
        cn: c.merge.example.org
        category: byo
        channel: C0MERGE003
      - <<: *byo
        cn: d.merge.example.org
`;
    const first = await importText('merge.yaml', yaml);
    expect(first).toMatchObject({ ok: true, value: { contracts: { created: 4 } } });
    const rows = await database.current.db
      .select({
        cn: contracts.cn,
        category: contracts.category,
        ca: contracts.ca,
        periodMonths: contracts.periodMonths,
        channel: contracts.slackChannelId,
      })
      .from(contracts)
      .innerJoin(serviceGroups, eq(serviceGroups.id, contracts.serviceGroupId))
      .where(eq(serviceGroups.name, 'Merge team'))
      .orderBy(contracts.cn);
    expect(rows).toEqual([
      {
        cn: 'a.merge.example.org',
        category: 'proxy',
        ca: 'digicert',
        periodMonths: 12,
        channel: 'C0MERGE002',
      },
      {
        cn: 'b.merge.example.org',
        category: 'proxy',
        ca: 'digicert',
        periodMonths: 6,
        channel: 'C0MERGE001',
      },
      { cn: 'c.merge.example.org', category: 'byo', ca: null, periodMonths: null, channel: 'C0MERGE003' },
      { cn: 'd.merge.example.org', category: 'byo', ca: null, periodMonths: null, channel: 'C0MERGE003' },
    ]);
    const second = await importText('merge.yaml', yaml);
    expect(second).toMatchObject({
      ok: true,
      value: { contracts: { created: 0, updated: 0, unchanged: 4 } },
    });
  });

  it('merges the defaults into 150 contracts (the yaml library refuses 100 by default)', async () => {
    const many = Array.from(
      { length: 150 },
      (_, i) => `      - <<: *byo\n        cn: host${i}.many.example.org`,
    ).join('\n');
    const result = await importText(
      'many.yaml',
      `x-byo: &byo { category: byo, channel: C0MANY0001 }\nserviceGroups:\n  - name: Many team\n    contracts:\n${many}\n`,
    );
    expect(result).toMatchObject({ ok: true, value: { contracts: { created: 150 } } });
  });

  it('still refuses other unknown top-level keys', async () => {
    const result = await importText(
      'unknown-top.yaml',
      'defaults: {}\nserviceGroups: [{ name: Top team }]\n',
    );
    expect(result).toEqual({
      ok: false,
      problems: [{ path: '', line: 1, message: 'Unrecognized key: "defaults"' }],
    });
  });
});

/** A proxy contract with one previous application, `requestedAt` as given (YAML text). */
const applicationFile = (cn: string, requestedAt: string) => `serviceGroups:
  - name: Instants team
    contracts:
      - cn: ${cn}
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: C0INSTANT1
        applications:
          - kind: renewal
            dn: { c: JP, st: Tokyo, l: Chiyoda-ku, o: Instants K.K., cn: ${cn} }
            applicant: { name: 田中 一, email: tanaka@example.org }
            periodMonths: 12
            csrMethod: customer
            requestedBy: U0INSTANT1
            requestedAt: ${requestedAt}
`;
const REQUESTED_AT_LINE = 18;

describe('kigen import of instants (issue 10)', () => {
  it.each([
    ['2025-11-01T10:00:00+09:00', '2025-11-01T01:00:00.000Z'],
    ['2025-11-01T10:00:00Z', '2025-11-01T10:00:00.000Z'],
    ['2025-11-01 10:00', '2025-11-01T01:00:00.000Z'],
    ['"2025-11-01T10:00:00"', '2025-11-01T01:00:00.000Z'],
  ])('stores requestedAt %s as %s (no offset: Asia/Tokyo)', async (text, iso) => {
    const cn = `at-${iso.replace(/\W/g, '').toLowerCase()}-${text.length}.example.org`;
    const result = await importText('instant.yaml', applicationFile(cn, text));
    expect(result.ok).toBe(true);
    const [row] = await database.current.db
      .select({ requestedAt: applications.requestedAt })
      .from(applications)
      .where(eq(applications.dnCn, cn));
    expect(row?.requestedAt.toISOString()).toBe(iso);
  });

  it.each([
    ['5', /^expected a date-time such as 2026-04-01T10:00:00\+09:00, not the number 5$/],
    ['20251101', /^expected a date-time such as .*, not the number 20251101$/],
    ['1.5e9', /, not the number 1500000000$/],
    ['true', /, not the boolean true$/],
    ['null', /, not null$/],
    ['[2025, 11, 1]', /, not a list$/],
    ['!!timestamp 5', /^expected a date-time such as .*, not '5'$/],
    [
      '2025-11-01',
      /^a date without a time: write the time as well, such as 2025-11-01T10:00:00\+09:00 \(without an offset: Asia\/Tokyo\)$/,
    ],
    ['2025-02-30T10:00', /^2025-02-30 is not a date of the calendar$/],
  ])('refuses requestedAt: %s with its path and line, and writes nothing', async (text, message) => {
    const before = await tableCounts();
    const result = await importText('bad-instant.yaml', applicationFile('bad-instant.example.org', text));
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: 'serviceGroups[0].contracts[0].applications[0].requestedAt',
          line: REQUESTED_AT_LINE,
          message: expect.stringMatching(message),
        },
      ],
    });
    expect(await tableCounts()).toEqual(before);
  });

  it('reads a contractPeriodEnd date alone as the end of that day in Tokyo, and refuses a number', async () => {
    const issuer = await createDemoIssuer();
    const yamlFor = async (cn: string, contractPeriodEnd: string) => {
      const pem = await issueDemoCertificate(issuer, { cn, now, expiresInDays: 60, validityDays: 199 });
      return `serviceGroups:
  - name: Period team
    contracts:
      - cn: ${cn}
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: C0PERIOD01
        certificates:
          - contractPeriodEnd: ${contractPeriodEnd}
            pem: |
${indent(pem)}
`;
    };
    const dated = await importText(
      'period-date.yaml',
      await yamlFor('period-date.example.org', '2027-09-30'),
    );
    expect(dated.ok).toBe(true);
    const [row] = await database.current.db
      .select({ contractPeriodEnd: certificates.contractPeriodEnd })
      .from(certificates)
      .innerJoin(contracts, eq(certificates.contractId, contracts.id))
      .where(eq(contracts.cn, 'period-date.example.org'));
    expect(row?.contractPeriodEnd?.toISOString()).toBe(new Date('2027-09-30T23:59:59+09:00').toISOString());

    const numbered = await importText(
      'period-number.yaml',
      await yamlFor('period-number.example.org', '20270930'),
    );
    expect(numbered).toEqual({
      ok: false,
      problems: [
        {
          path: 'serviceGroups[0].contracts[0].certificates[0].contractPeriodEnd',
          line: 12,
          message: expect.stringMatching(/, not the number 20270930$/),
        },
      ],
    });
  });
});

describe('kigen import: every problem in one round, the database included (issue 10)', () => {
  it('lists the conflicts with the database together with the file’s own problems, and writes nothing', async () => {
    const owners = await importText(
      'owners.yaml',
      `serviceGroups:
  - name: Owners
    contracts:
      - { cn: owned-one.example.org, category: byo, channel: C0OWNERS01 }
      - { cn: owned-two.example.org, category: byo, channel: C0OWNERS01 }
`,
    );
    expect(owners.ok).toBe(true);
    const before = await tableCounts();
    const result = await importText(
      'newcomers.yaml',
      `serviceGroups:
  - name: Newcomers
    members:
      - { slackUserId: not-a-user, role: group_admin }
    contracts:
      - cn: owned-one.example.org
        category: byo
        channel: C0NEWCOME1
      - cn: fresh.example.org
        category: byo
        channel: general
      - cn: owned-two.example.org
        category: byo
        channel: C0NEWCOME1
        wwwOption: "yes"
      - cn: FRESH.example.org
        category: byo
        channel: C0NEWCOME1
  - name: Owners
    contracts:
      - { cn: owned-one.example.org, category: byo, channel: C0OWNERS01 }
`,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.path} (line ${p.line}): ${p.message}`).sort()).toEqual(
      [
        'serviceGroups[0].members[0].slackUserId (line 4): expected a Slack user id such as U0123ABCD',
        'serviceGroups[0].contracts[0].cn (line 6): CN owned-one.example.org is already under contract in another service group',
        'serviceGroups[0].contracts[1].channel (line 11): expected a Slack channel id such as C0123ABCD',
        // A contract with a problem of its own is still checked against the database.
        'serviceGroups[0].contracts[2].wwwOption (line 15): Invalid input: expected boolean, received string',
        'serviceGroups[0].contracts[2].cn (line 12): CN owned-two.example.org is already under contract in another service group',
        'serviceGroups[0].contracts[3].cn (line 16): duplicate CN fresh.example.org: already at serviceGroups[0].contracts[1].cn',
        'serviceGroups[1].contracts[0].cn (line 21): duplicate CN owned-one.example.org: already at serviceGroups[0].contracts[0].cn',
      ].sort(),
    );
    expect(await tableCounts()).toEqual(before);
  });
});
