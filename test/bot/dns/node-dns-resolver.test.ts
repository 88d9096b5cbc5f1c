import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeDnsResolver } from '../../../bot/dns/node-dns-resolver.ts';
import type { DnsResolver } from '../../../domain/ports/dns.ts';
import { lookUpDcv } from '../../../domain/rules/dcv/lookup-dcv.ts';
import { findZoneSoa } from '../../../domain/rules/dcv/zone-soa.ts';
import { normaliseCommonName } from '../../../domain/rules/domain-name.ts';
import { startDnsServer, type TestDnsServer } from '../../support/dns-server.ts';

const TIMEOUT_MS = 300;

let server: TestDnsServer;
let resolver: DnsResolver;

beforeAll(async () => {
  server = await startDnsServer({
    '_validation-contactemail.www.example.jp': { txt: [['dcv@example.jp']] },
    '_validation-contactemail.multi.example.jp': {
      txt: [['first@example.jp'], ['sec', 'ond@exam', 'ple.jp'], ['v=spf1 -all']],
    },
    '_validation-contactemail.example.jp': { txt: [['wild@example.jp']] },
    'example.jp': { soa: { mname: 'ns.example.jp', rname: 'dns-admin.example.jp' } },
    'www.example.jp': {},
    'multi.example.jp': {},
    'escaped.jp': { soa: { mname: 'ns.escaped.jp', rname: 'john\\.doe.escaped.jp' } },
    '_validation-contactemail.broken.jp': { rcode: 'servfail' },
    'broken.jp': { rcode: 'servfail' },
    '_validation-contactemail.refused.jp': { rcode: 'refused' },
    '_validation-contactemail.slow.jp': { silent: true },
    'slow.jp': { silent: true },
  });
  resolver = createNodeDnsResolver({ servers: [server.address], timeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await server?.close();
});

describe('createNodeDnsResolver against a loopback DNS server', () => {
  it('R-DCV-1: a TXT record is found', async () => {
    expect(await resolver.txt('_validation-contactemail.www.example.jp')).toEqual({
      status: 'found',
      value: ['dcv@example.jp'],
    });
  });

  it("R-DCV-1: several TXT records are found, each record's chunks joined into one value", async () => {
    const result = await resolver.txt('_validation-contactemail.multi.example.jp');
    expect(result.status).toBe('found');
    expect(result.status === 'found' ? [...result.value].sort() : []).toEqual(
      ['first@example.jp', 'second@example.jp', 'v=spf1 -all'].sort(),
    );
  });

  it.each([
    { situation: 'NXDOMAIN', name: '_validation-contactemail.nothing.example.jp', kind: 'nxdomain' },
    { situation: 'NODATA', name: 'www.example.jp', kind: 'nodata' },
  ])('R-DCV-5: $situation is "none" ($kind)', async ({ name, kind }) => {
    expect(await resolver.txt(name)).toEqual({ status: 'none', kind });
  });

  it.each([
    { situation: 'SERVFAIL', name: '_validation-contactemail.broken.jp', reason: 'servfail' },
    { situation: 'REFUSED', name: '_validation-contactemail.refused.jp', reason: 'refused' },
  ])('R-DCV-5: $situation is a failure ($reason), not "no record"', async ({ name, reason }) => {
    expect(await resolver.txt(name)).toMatchObject({ status: 'failed', reason });
  });

  it('R-DCV-5: a server that never answers is a timeout, reported within the short timeout', async () => {
    const started = performance.now();
    const result = await resolver.txt('_validation-contactemail.slow.jp');
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ status: 'failed', reason: 'timeout' });
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1000);
  });

  it('R-DCV-5: a server that is not there is a failure, not "no record"', async () => {
    const nobody = createNodeDnsResolver({ servers: ['127.0.0.1:9'], timeoutMs: TIMEOUT_MS });
    expect(await nobody.txt('_validation-contactemail.www.example.jp')).toMatchObject({ status: 'failed' });
  });

  it('R-DCV-GLOBALSIGN: the SOA is found at the apex, and a NODATA name walks up to it', async () => {
    expect(await resolver.soa('example.jp')).toEqual({
      status: 'found',
      value: { mname: 'ns.example.jp', rname: 'dns-admin.example.jp' },
    });
    expect(await resolver.soa('www.example.jp')).toEqual({ status: 'none', kind: 'nodata' });
    expect(await findZoneSoa(resolver, 'www.example.jp', 'example.jp')).toEqual({
      status: 'found',
      value: { mname: 'ns.example.jp', rname: 'dns-admin.example.jp', zone: 'example.jp' },
    });
    expect(await findZoneSoa(resolver, 'a.b.nowhere.example.jp', 'example.jp')).toMatchObject({
      status: 'found',
      value: { zone: 'example.jp' },
    });
  });

  it('R-DCV-5: the SOA walk stops at the base domain and fails when a step fails', async () => {
    expect(await findZoneSoa(resolver, 'www.nowhere.jp', 'nowhere.jp')).toEqual({
      status: 'none',
      kind: 'nxdomain',
    });
    expect(await findZoneSoa(resolver, 'www.broken.jp', 'broken.jp')).toMatchObject({
      status: 'failed',
      reason: 'servfail',
    });
  });
});

describe('lookUpDcv: live look-ups into the DCV answer', () => {
  const nameOf = (input: string) => {
    const result = normaliseCommonName(input);
    if (!result.ok) throw new Error(result.reason);
    return result.value;
  };
  const on = new Date('2025-12-01T00:00:00Z');

  it('R-DCV-DIGICERT: www.example.jp gets the TXT contact, its own and the base-domain addresses', async () => {
    const answer = await lookUpDcv(resolver, { name: nameOf('www.example.jp'), ca: 'digicert', on });
    expect(answer.willWriteTo[0]).toEqual({ address: 'dcv@example.jp', source: 'txt' });
    expect(answer.willWriteTo).toHaveLength(11);
    expect(answer.lookupFailures).toEqual([]);
    expect(answer.withdrawn).toContainEqual(
      expect.objectContaining({ method: 'soa_rname', mailbox: 'dns-admin@example.jp', zone: 'example.jp' }),
    );
  });

  it('R-DCV-4: *.example.jp looks up the TXT contact of example.jp', async () => {
    const answer = await lookUpDcv(resolver, { name: nameOf('*.example.jp'), ca: 'globalsign', on });
    expect(answer.txtRecords).toEqual([{ status: 'valid', address: 'wild@example.jp' }]);
    expect(answer.choices[0]).toEqual({ address: 'wild@example.jp', source: 'txt' });
  });

  it('R-DCV-GLOBALSIGN: an RNAME with an escaped dot, as node reports it, becomes john.doe@', async () => {
    const answer = await lookUpDcv(resolver, { name: nameOf('escaped.jp'), ca: 'globalsign', on });
    expect(answer.withdrawn).toContainEqual(
      expect.objectContaining({ method: 'soa_rname', lookup: 'found', mailbox: 'john.doe@escaped.jp' }),
    );
  });

  it('R-DCV-5: a silent server gives an answer that names both failed look-ups', async () => {
    const answer = await lookUpDcv(resolver, { name: nameOf('slow.jp'), ca: 'cybertrust', on });
    expect(answer.lookupFailures).toEqual([
      expect.objectContaining({ lookup: 'txt', reason: 'timeout' }),
      expect.objectContaining({ lookup: 'soa', reason: 'timeout' }),
    ]);
    expect(answer.txtRecordToAdd).toBeNull();
  });
});
