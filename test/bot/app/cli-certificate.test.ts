import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyMaker } from '../../../bot/keys/provider-keys.ts';
import {
  applicationProgress,
  applications,
  certificates,
  contracts,
  renewalCycles,
} from '../../../db/schema.ts';
import { createStore } from '../../../db/stores/store.ts';
import { requestRenewal } from '../../../domain/use-cases/request-renewal.ts';
import { cycleOf, DECISION_SEED } from '../../handlers/decision-harness.ts';
import { USERS } from '../../handlers/slack-harness.ts';
import { databaseEnv, runCli } from '../../support/cli-run.ts';
import { importSeed } from '../../support/seed.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { type FixtureCsr, makeCertificate, makeCsr } from '../../support/x509-fixtures.ts';

// The CLI uses the real clock, so the seed does too.
const NOW = new Date();
const DAY = 86_400_000;
const database = useTestDatabase();
const db = () => database.current.db;
let dir = '';
const csrs: Record<string, FixtureCsr> = {};

const cli = (...argv: string[]) => runCli(argv, databaseEnv(database.current.url));

async function pemFile(name: string, pem: string) {
  const file = path.join(dir, name);
  await writeFile(file, pem);
  return file;
}

async function apply(cn: string) {
  const cycleId = await cycleOf(db(), cn);
  csrs[cn] = await makeCsr({ cn });
  // The group admin's renewal request, as the Renew modal submits it (domain/use-cases/request-renewal.ts).
  const outcome = await requestRenewal(
    { store: createStore(db(), { handoverChannels: [] }), keys: createKeyMaker(undefined) },
    {
      cycleId,
      userId: USERS.adminJa.id,
      now: NOW,
      form: {
        period: 12,
        dn: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Sample K.K.' },
        applicant: { name: '山田 太郎', email: 'yamada@example.jp' },
        csrMethod: 'customer',
        csr: csrs[cn]?.pem ?? '',
        reuseConfirmed: true,
        www: false,
        // GlobalSign (R-DCV-GLOBALSIGN): the previous application's approver, as the modal offers it.
        approver: cn === 'api.example.co.jp' ? 'admin@example.co.jp' : null,
        offeredApprovers: null,
      },
    },
  );
  expect(outcome).toMatchObject({ ok: true });
}

const cyclesOf = async (cn: string) =>
  db()
    .select({ state: renewalCycles.state, expiresAt: renewalCycles.expiresAt })
    .from(renewalCycles)
    .innerJoin(contracts, eq(contracts.id, renewalCycles.contractId))
    .where(eq(contracts.cn, cn))
    .orderBy(renewalCycles.expiresAt);

const certificateCount = async () => (await db().select({ n: count() }).from(certificates))[0]?.n ?? 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kigen-cli-cert-'));
  await importSeed(db(), DECISION_SEED, NOW);
  await apply('www.example.jp');
  await apply('api.example.co.jp');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kigen certificate add CN FILE.pem', () => {
  it('registers the issued certificate for the open application: cycle completed, next planned, application issued; twice changes nothing', async () => {
    const issued = await makeCertificate({
      cn: 'www.example.jp',
      keys: csrs['www.example.jp']?.keys,
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 396 * DAY),
    });
    const file = await pemFile('www.pem', issued.pem);
    const first = await cli('certificate', 'add', 'www.example.jp', file);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('certificate registered');
    expect((await cyclesOf('www.example.jp')).map((c) => c.state)).toEqual(['completed', 'scheduled']);
    const [progress] = await db()
      .select({ status: applicationProgress.status, by: applicationProgress.issuedBy })
      .from(applicationProgress)
      .innerJoin(applications, eq(applications.id, applicationProgress.applicationId))
      .innerJoin(contracts, eq(contracts.id, applications.contractId))
      .where(eq(contracts.cn, 'www.example.jp'));
    expect(progress).toEqual({ status: 'issued', by: 'cli' });

    const before = await certificateCount();
    const second = await cli('certificate', 'add', 'WWW.example.jp.', file);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('already registered; nothing changed');
    expect(await certificateCount()).toBe(before);
    expect(await cyclesOf('www.example.jp')).toHaveLength(2);
  });

  it('refuses a certificate for another public key than the CSR’s, or another CN, with exit 1 and nothing stored', async () => {
    const before = await certificateCount();
    const otherKey = await makeCertificate({
      cn: 'api.example.co.jp',
      notBefore: new Date(NOW.getTime() - DAY),
    });
    const keyRun = await cli(
      'certificate',
      'add',
      'api.example.co.jp',
      await pemFile('key.pem', otherKey.pem),
    );
    expect(keyRun.code).toBe(1);
    expect(keyRun.stderr).toContain('public key');
    expect(keyRun.stderr).toContain('ops.public_key_mismatch');

    const otherCn = await makeCertificate({
      cn: 'evil.example.jp',
      keys: csrs['api.example.co.jp']?.keys,
      notBefore: new Date(NOW.getTime() - DAY),
    });
    const cnRun = await cli('certificate', 'add', 'api.example.co.jp', await pemFile('cn.pem', otherCn.pem));
    expect(cnRun.code).toBe(1);
    expect(cnRun.stderr).toContain('evil.example.jp');
    expect(await certificateCount()).toBe(before);
    expect((await cyclesOf('api.example.co.jp')).map((c) => c.state)).toEqual(['renewal_requested']);
  });

  it('registers the renewed certificate of a BYO contract (R-CHANGE-3)', async () => {
    const renewed = await makeCertificate({
      cn: 'byo.example.jp',
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 300 * DAY),
    });
    const result = await cli('certificate', 'add', 'byo.example.jp', await pemFile('byo.pem', renewed.pem));
    expect(result.code).toBe(0);
    expect((await cyclesOf('byo.example.jp')).map((c) => c.state)).toEqual(['completed', 'scheduled']);
  });

  it('answers clearly when there is nothing to register against, or no such file, or no such contract', async () => {
    const cert = await makeCertificate({ cn: 'shop.example.jp', notBefore: new Date(NOW.getTime() - DAY) });
    const none = await cli('certificate', 'add', 'shop.example.jp', await pemFile('shop.pem', cert.pem));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no application waiting');
    const missing = await cli('certificate', 'add', 'shop.example.jp', path.join(dir, 'nope.pem'));
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read') });
    const unknown = await cli('certificate', 'add', 'nobody.example.jp', await pemFile('x.pem', cert.pem));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No contract');
    const garbage = await cli('certificate', 'add', 'shop.example.jp', await pemFile('g.pem', 'hello'));
    expect(garbage.code).toBe(1);
    expect((await cli('certificate', 'add', 'shop.example.jp')).code).toBe(2);
    const noCycle = await db()
      .select({ n: count() })
      .from(applications)
      .where(and(eq(applications.kind, 'renewal')));
    expect(noCycle[0]?.n).toBe(2);
  });
});
