import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeDnsResolver } from '../../../bot/dns/node-dns-resolver.ts';
import { contracts, renewalCycles } from '../../../db/schema.ts';
import { createStore, type Repositories } from '../../../db/stores/store.ts';
import type { DnsResolver } from '../../../domain/ports/dns.ts';
import type { Store } from '../../../domain/ports/store.ts';
import { lookUpDcvAddresses } from '../../../domain/use-cases/look-up-dcv.ts';
import { lookUpDn } from '../../../domain/use-cases/look-up-dn.ts';
import { lookUpStatus } from '../../../domain/use-cases/look-up-status.ts';
import { startDnsServer, type TestDnsServer } from '../../support/dns-server.ts';
import { importSeed } from '../../support/seed.ts';
import { useTestDatabase } from '../../support/test-database.ts';

// The look-up use-cases on real PostgreSQL (createStore) and a loopback DNS server: who may see what,
// what each answers, and the one vocabulary of their refusals.

const NOW = new Date('2026-11-25T01:00:00Z');
const ADMIN = 'U0ADMIN01';
const SERVICE = 'U0SERVICE';
const OTHER = 'U0OTHER01';
const OUTSIDER = 'U0OUTSIDE';
const CHANNEL = 'C0CHANNEL1';

const SEED = `
serviceGroups:
  - name: Sample Web Ops
    locale: ja
    members:
      - { slackUserId: ${ADMIN}, role: group_admin }
      - { slackUserId: ${SERVICE}, role: service_admin }
    contracts:
      - cn: www.example.jp
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: ${CHANNEL}
        applications:
          - kind: new
            dn: { c: JP, st: Tokyo, l: Chiyoda-ku, o: "Sample K.K.", cn: www.example.jp }
            applicant: { name: Taro Yamada, email: yamada@example.jp }
            periodMonths: 12
            csrMethod: customer
            requestedBy: ${ADMIN}
            requestedAt: 2025-12-01T10:00:00+09:00
      - cn: api.example.co.jp
        category: proxy
        ca: globalsign
        product: globalsign.quick_ssl
        periodMonths: 12
        csrMethod: customer
        channel: ${CHANNEL}
        applications:
          - kind: new
            dn: { c: JP, st: Osaka, l: Osaka-shi, o: "Sample K.K.", cn: api.example.co.jp }
            applicant: { name: Ichiro Suzuki, email: suzuki@example.co.jp }
            periodMonths: 12
            csrMethod: customer
            requestedBy: ${ADMIN}
            requestedAt: 2026-03-01T09:00:00+09:00
      - cn: byo.example.jp
        category: byo
        channel: ${CHANNEL}
      - cn: bare.example.jp
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: ${CHANNEL}
      - cn: gone.example.jp
        category: proxy
        ca: digicert
        product: digicert.secure_server_id
        periodMonths: 12
        csrMethod: customer
        channel: ${CHANNEL}
      - cn: elsewhere.example.jp
        category: proxy
        ca: cybertrust
        product: cybertrust.sureserver_cloud
        periodMonths: 12
        csrMethod: customer
        channel: C0ELSEWHER
  - name: Other Platform
    locale: en
    members:
      - { slackUserId: ${OTHER}, role: group_admin }
    contracts:
      - cn: secret.example.net
        category: proxy
        ca: digicert
        product: digicert.global_server_id
        periodMonths: 12
        csrMethod: customer
        channel: ${CHANNEL}
`;

const database = useTestDatabase();
let store: Store<Repositories>;
let dnsServer: TestDnsServer;
let dns: DnsResolver;
const ids: Record<string, string> = {};
let apiCycleId = '';

beforeAll(async () => {
  const db = database.current.db;
  await importSeed(db, SEED, NOW);
  for (const row of await db.select({ id: contracts.id, cn: contracts.cn }).from(contracts))
    ids[row.cn] = row.id;
  await db.update(contracts).set({ status: 'cancelled' }).where(eq(contracts.cn, 'gone.example.jp'));
  store = createStore(db, { handoverChannels: [] });

  // The GlobalSign contract's open cycle, renewed with an approver address chosen; an older one completed.
  const cycle = (expiresAt: string, state: 'completed' | 'renewal_requested' | 'noticed', cn: string) =>
    db
      .insert(renewalCycles)
      .values({ contractId: ids[cn] as string, expiresAt: new Date(expiresAt), state })
      .returning({ id: renewalCycles.id });
  await cycle('2025-12-31T15:00:00Z', 'completed', 'api.example.co.jp');
  const [open] = await cycle('2026-12-31T15:00:00Z', 'renewal_requested', 'api.example.co.jp');
  apiCycleId = open?.id ?? '';
  await store.applications.insert({
    contractId: ids['api.example.co.jp'] as string,
    cycleId: apiCycleId,
    kind: 'renewal',
    dn: { c: 'JP', st: 'Osaka', l: 'Osaka-shi', o: 'Sample K.K.', cn: 'api.example.co.jp' },
    applicant: { name: 'Ichiro Suzuki', email: 'suzuki@example.co.jp' },
    periodMonths: 12,
    csrMethod: 'customer',
    csrPem: null,
    wwwOption: false,
    approverAddress: 'admin@example.co.jp',
    sealedPrivateKey: null,
    requestedBy: ADMIN,
    requestedAt: new Date('2026-11-20T00:00:00Z'),
  });
  // A contract with a cycle but no certificate: its expiry is the cycle's.
  await cycle('2027-01-31T15:00:00Z', 'noticed', 'bare.example.jp');

  dnsServer = await startDnsServer({
    '_validation-contactemail.api.example.co.jp': { txt: [['approver@example.co.jp']] },
    'api.example.co.jp': {},
    'example.co.jp': { soa: { mname: 'ns.example.co.jp', rname: 'hostmaster.example.co.jp' } },
    'www.example.jp': {},
    'example.jp': { soa: { mname: 'ns.example.jp', rname: 'dns-admin.example.jp' } },
    '_validation-contactemail.new.example.com': { txt: [['ops@example.com']] },
    'new.example.com': {},
    'example.com': { soa: { mname: 'ns.example.com', rname: 'dns.example.com' } },
  });
  dns = createNodeDnsResolver({ servers: [dnsServer.address], timeoutMs: 500 });
});

afterAll(async () => {
  await dnsServer?.close();
});

describe('the look-ups guard: members of the contract’s service group only, one refusal otherwise', () => {
  it('an unknown name, a non-member, an outsider and a cancelled contract get the same refusal', async () => {
    const asks = [
      { name: 'nothing.example.jp', userId: ADMIN },
      { name: 'www.example.jp', userId: OTHER },
      { name: 'www.example.jp', userId: OUTSIDER },
      { name: 'gone.example.jp', userId: ADMIN },
    ];
    const answers = await Promise.all(asks.map((a) => lookUpDn({ store }, a)));
    expect(answers.map((a) => (a.ok ? 'ok' : a.reason))).toEqual(Array(4).fill('lookup.not_visible'));
    expect(answers[1]).toEqual({
      ok: false,
      reason: 'lookup.not_visible',
      params: { name: 'www.example.jp' },
    });
  });

  it('what is not a name is refused with the domain’s name reason, before any storage is asked', async () => {
    expect(await lookUpDn({ store }, { name: '192.0.2.1', userId: ADMIN })).toMatchObject({
      ok: false,
      reason: 'name.is_ip_address',
    });
    // The name is normalised before the look-up.
    expect(await lookUpDn({ store }, { name: 'WWW.Example.JP.', userId: SERVICE })).toMatchObject({
      ok: true,
      kind: 'proxy',
    });
  });
});

describe('lookUpDn', () => {
  it('R-DN-1: a proxy contract answers its last application, with the product from the catalogue', async () => {
    const dn = await lookUpDn({ store }, { name: 'api.example.co.jp', userId: SERVICE });
    if (!dn.ok || dn.kind !== 'proxy') throw new Error(JSON.stringify(dn));
    expect(dn.ca).toBe('globalsign');
    expect(dn.product?.id).toBe('globalsign.quick_ssl');
    // The renewal of the open cycle is the latest application.
    expect(dn.previous.kind).toBe('renewal');
    expect(dn.previous.dn).toEqual({
      c: 'JP',
      st: 'Osaka',
      l: 'Osaka-shi',
      o: 'Sample K.K.',
      cn: 'api.example.co.jp',
    });
  });

  it('R-DN-1, R-DN-2: nothing to show is said with the contract’s CN', async () => {
    expect(await lookUpDn({ store }, { name: 'bare.example.jp', userId: ADMIN })).toEqual({
      ok: false,
      reason: 'dn.no_previous_application',
      params: { cn: 'bare.example.jp' },
    });
    expect(await lookUpDn({ store }, { name: 'byo.example.jp', userId: ADMIN })).toEqual({
      ok: false,
      reason: 'dn.no_registered_certificate',
      params: { cn: 'byo.example.jp' },
    });
  });
});

describe('lookUpDcvAddresses', () => {
  it('R-DCV-GLOBALSIGN: a contract’s answer carries its open cycle and the approver already chosen', async () => {
    const dcv = await lookUpDcvAddresses(
      { store, dns },
      { name: 'api.example.co.jp', userId: ADMIN, now: NOW },
    );
    if (!dcv.ok) throw new Error(JSON.stringify(dcv));
    expect(dcv.answer.ca).toBe('globalsign');
    expect(dcv.answer.choices.map((c) => c.address)).toContain('approver@example.co.jp');
    expect(dcv.contract).toEqual({
      id: ids['api.example.co.jp'],
      openCycleId: apiCycleId,
      currentApprover: 'admin@example.co.jp',
    });
  });

  it('another CA reads no approver; a BYO contract has no CA to answer for', async () => {
    const www = await lookUpDcvAddresses({ store, dns }, { name: 'www.example.jp', userId: ADMIN, now: NOW });
    expect(www.ok && www.contract).toEqual({
      id: ids['www.example.jp'],
      openCycleId: null,
      currentApprover: null,
    });
    expect(
      await lookUpDcvAddresses({ store, dns }, { name: 'byo.example.jp', userId: ADMIN, now: NOW }),
    ).toEqual({
      ok: false,
      reason: 'lookup.byo_has_no_ca',
      params: { cn: 'byo.example.jp' },
    });
  });

  it('a name with a CA needs no contract nor membership; a contract’s name without one does', async () => {
    const open = await lookUpDcvAddresses(
      { store, dns },
      { name: 'new.example.com', ca: 'DigiCert', userId: OUTSIDER, now: NOW },
    );
    if (!open.ok) throw new Error(JSON.stringify(open));
    expect(open.contract).toBeUndefined();
    expect(open.answer.ca).toBe('digicert');
    expect(open.answer.willWriteTo.map((c) => c.address)).toContain('ops@example.com');
    expect(
      await lookUpDcvAddresses({ store, dns }, { name: 'www.example.jp', userId: OUTSIDER, now: NOW }),
    ).toMatchObject({ ok: false, reason: 'lookup.not_visible' });
  });

  it('an unknown CA is refused with its excerpt sanitised; a bad name is refused first', async () => {
    expect(
      await lookUpDcvAddresses(
        { store, dns },
        { name: 'new.example.com', ca: '<@U1>acme', userId: ADMIN, now: NOW },
      ),
    ).toMatchObject({ ok: false, reason: 'lookup.unknown_ca' });
    const refusal = await lookUpDcvAddresses(
      { store, dns },
      { name: 'new.example.com', ca: '<@U1>acme', userId: ADMIN, now: NOW },
    );
    expect(refusal).toMatchObject({ ok: false, reason: 'lookup.unknown_ca' });
    expect(JSON.stringify(refusal)).not.toContain('<@U1>');
    expect(
      await lookUpDcvAddresses({ store, dns }, { name: 'localhost', ca: 'acme', userId: ADMIN, now: NOW }),
    ).toMatchObject({ ok: false, reason: 'name.single_label' });
  });
});

describe('lookUpStatus', () => {
  it('the channel’s contracts of the user’s groups, by CN, without cancelled ones or other channels', async () => {
    const status = await lookUpStatus({ store }, { userId: ADMIN, channelId: CHANNEL });
    if (!status.ok) throw new Error(JSON.stringify(status));
    expect(status.single).toBeNull();
    expect(status.contracts.map((c) => c.contract.cn)).toEqual([
      'api.example.co.jp',
      'bare.example.jp',
      'byo.example.jp',
      'www.example.jp',
    ]);
    const other = await lookUpStatus({ store }, { userId: OTHER, channelId: CHANNEL });
    expect(other.ok && other.contracts.map((c) => c.contract.cn)).toEqual(['secret.example.net']);
    const outsider = await lookUpStatus({ store }, { userId: OUTSIDER, channelId: CHANNEL });
    expect(outsider.ok && outsider.contracts).toEqual([]);
  });

  it('each contract with its latest cycle, and the cycle’s expiry when no certificate is registered', async () => {
    const status = await lookUpStatus({ store }, { userId: ADMIN, channelId: CHANNEL });
    if (!status.ok) throw new Error(JSON.stringify(status));
    const byCn = new Map(status.contracts.map((c) => [c.contract.cn, c]));
    expect(byCn.get('api.example.co.jp')?.cycle?.state).toBe('renewal_requested');
    expect(byCn.get('bare.example.jp')?.expiresAt).toEqual(new Date('2027-01-31T15:00:00Z'));
    expect(byCn.get('www.example.jp')).toMatchObject({ cycle: null, expiresAt: null });
    expect(byCn.get('www.example.jp')?.product?.id).toBe('digicert.secure_server_id');
  });

  it('one contract, asked from any channel by a member; refused to others', async () => {
    const one = await lookUpStatus(
      { store },
      { name: 'elsewhere.example.jp', userId: SERVICE, channelId: CHANNEL },
    );
    expect(one.ok && one.single).toBe('elsewhere.example.jp');
    expect(one.ok && one.contracts.map((c) => c.contract.cn)).toEqual(['elsewhere.example.jp']);
    expect(
      await lookUpStatus({ store }, { name: 'elsewhere.example.jp', userId: OTHER, channelId: CHANNEL }),
    ).toMatchObject({ ok: false, reason: 'lookup.not_visible' });
  });
});
