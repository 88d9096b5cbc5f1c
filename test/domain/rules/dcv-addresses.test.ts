import { describe, expect, it } from 'vitest';
import type { Ca } from '../../../domain/rules/contract-terms.ts';
import {
  type DcvAddressesInput,
  type DcvAnswer,
  dcvAddresses,
  txtContactRecordName,
} from '../../../domain/rules/dcv/dcv-addresses.ts';
import { type DomainName, normaliseCommonName } from '../../../domain/rules/domain-name.ts';

const PREFIXES = ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster'];
const TODAY = new Date('2025-12-01T03:00:00Z');

const nameOf = (input: string): DomainName => {
  const result = normaliseCommonName(input);
  if (!result.ok) throw new Error(`bad test name ${input}: ${result.reason}`);
  return result.value;
};

const answer = (
  cn: string,
  ca: Ca,
  overrides: Partial<Omit<DcvAddressesInput, 'name' | 'ca'>> = {},
): DcvAnswer =>
  dcvAddresses({
    name: nameOf(cn),
    ca,
    on: TODAY,
    txt: { status: 'none', kind: 'nxdomain' },
    soa: {
      status: 'found',
      value: { mname: 'ns.example.jp.', rname: 'dns-admin.example.jp.', zone: 'example.jp' },
    },
    ...overrides,
  });

const addressesAt = (domain: string) => PREFIXES.map((prefix) => `${prefix}@${domain}`);
const addresses = (list: DcvAnswer['willWriteTo']) => list.map(({ address }) => address);

describe('R-DCV-DIGICERT: mail goes to every allowed address', () => {
  it.each([
    { cn: 'www.example.jp', expected: [...addressesAt('www.example.jp'), ...addressesAt('example.jp')] },
    { cn: 'sub.example.jp', expected: addressesAt('sub.example.jp') },
    { cn: 'example.jp', expected: addressesAt('example.jp') },
    {
      cn: 'www.example.co.jp',
      expected: [...addressesAt('www.example.co.jp'), ...addressesAt('example.co.jp')],
    },
    { cn: 'example.co.jp', expected: addressesAt('example.co.jp') },
    { cn: 'sub.example.co.jp', expected: addressesAt('sub.example.co.jp') },
    {
      cn: 'www.sub.example.jp',
      expected: [...addressesAt('www.sub.example.jp'), ...addressesAt('example.jp')],
    },
    { cn: '*.example.jp', expected: addressesAt('example.jp') },
  ])('R-DCV-DIGICERT: $cn gets base-domain addresses only behind www.', ({ cn, expected }) => {
    const result = answer(cn, 'digicert');
    expect(addresses(result.willWriteTo)).toEqual(expected);
    expect(result.delivery).toBe('all_addresses');
    expect(result.choices).toEqual([]);
  });

  it('R-DCV-DIGICERT: www.example.jp also gets base-domain addresses, marked as such', () => {
    const sources = answer('www.example.jp', 'digicert').willWriteTo.map(({ source }) => source);
    expect(sources).toEqual([
      ...PREFIXES.map(() => 'constructed'),
      ...PREFIXES.map(() => 'constructed_base'),
    ]);
  });

  it('R-DCV-DIGICERT: TXT contacts come first, and an address found twice is listed once', () => {
    const result = answer('www.example.jp', 'digicert', {
      txt: { status: 'found', value: ['dcv@example.jp', 'admin@example.jp', 'DCV@EXAMPLE.JP'] },
    });
    expect(result.willWriteTo.slice(0, 2)).toEqual([
      { address: 'dcv@example.jp', source: 'txt' },
      { address: 'admin@example.jp', source: 'txt' },
    ]);
    expect(addresses(result.willWriteTo).filter((a) => a === 'admin@example.jp')).toHaveLength(1);
    expect(result.willWriteTo).toHaveLength(2 + 5 + 4);
  });
});

describe('R-DCV-CYBERTRUST: the TXT contact is the method to use now', () => {
  it('R-DCV-CYBERTRUST: writes to the TXT contacts only, and says other methods are offered on request', () => {
    const result = answer('www.example.jp', 'cybertrust', {
      txt: { status: 'found', value: ['dcv@example.jp'] },
    });
    expect(result).toMatchObject({
      delivery: 'txt_contact',
      willWriteTo: [{ address: 'dcv@example.jp', source: 'txt' }],
      choices: [],
      otherMethodsOnRequest: true,
      txtRecordToAdd: null,
    });
  });

  it('R-DCV-CYBERTRUST: without a TXT contact nothing is written to, and the record to add is shown', () => {
    const result = answer('sub.example.co.jp', 'cybertrust', { txt: { status: 'none', kind: 'nodata' } });
    expect(result.willWriteTo).toEqual([]);
    expect(result.txtRecordToAdd).toEqual({
      name: '_validation-contactemail.sub.example.co.jp',
      type: 'TXT',
      exampleValue: 'admin@example.co.jp',
    });
  });

  it.each<Ca>(['digicert', 'globalsign'])(
    'R-DCV-CYBERTRUST: %s does not claim other methods on request',
    (ca) => {
      expect(answer('www.example.jp', ca).otherMethodsOnRequest).toBe(false);
    },
  );
});

describe('R-DCV-GLOBALSIGN: the customer chooses one address', () => {
  it.each([
    { cn: 'www.example.jp', expected: [...addressesAt('www.example.jp'), ...addressesAt('example.jp')] },
    { cn: 'sub.example.jp', expected: [...addressesAt('sub.example.jp'), ...addressesAt('example.jp')] },
    { cn: 'example.jp', expected: addressesAt('example.jp') },
    { cn: 'example.co.jp', expected: addressesAt('example.co.jp') },
    {
      cn: 'sub.example.co.jp',
      expected: [...addressesAt('sub.example.co.jp'), ...addressesAt('example.co.jp')],
    },
    { cn: '*.example.jp', expected: addressesAt('example.jp') },
    { cn: '*.sub.example.jp', expected: [...addressesAt('sub.example.jp'), ...addressesAt('example.jp')] },
  ])('R-DCV-GLOBALSIGN: $cn offers the base domain for any sub-domain', ({ cn, expected }) => {
    const result = answer(cn, 'globalsign');
    expect(addresses(result.choices)).toEqual(expected);
    expect(result.willWriteTo).toEqual([]);
    expect(result.delivery).toBe('chosen_address');
  });

  it('R-DCV-GLOBALSIGN: TXT contacts are choices too, before the constructed ones', () => {
    const result = answer('sub.example.jp', 'globalsign', {
      txt: { status: 'found', value: ['dcv@example.jp'] },
    });
    expect(result.choices[0]).toEqual({ address: 'dcv@example.jp', source: 'txt' });
    expect(result.choices).toHaveLength(11);
  });

  it.each([
    { rname: 'dns-admin.example.jp.', mailbox: 'dns-admin@example.jp' },
    { rname: 'john\\.doe.example.jp.', mailbox: 'john.doe@example.jp' },
    { rname: 'Hostmaster.Example.JP', mailbox: 'Hostmaster@example.jp' },
    { rname: 'nodots', mailbox: null },
  ])(
    'R-DCV-GLOBALSIGN: the SOA RNAME $rname is shown as withdrawn with the mailbox $mailbox',
    ({ rname, mailbox }) => {
      const result = answer('www.example.jp', 'globalsign', {
        soa: { status: 'found', value: { mname: 'ns.example.jp', rname, zone: 'example.jp' } },
      });
      expect(result.withdrawn).toContainEqual({
        method: 'soa_rname',
        notAllowedSince: '2025-07-15',
        brSection: '3.2.2.4.2',
        lookup: 'found',
        mailbox,
        zone: 'example.jp',
      });
      expect(addresses(result.choices)).not.toContain(mailbox);
    },
  );
});

describe('R-DCV-1: the DNS TXT contact', () => {
  it('R-DCV-1: every TXT value that is an address is used; others are listed as invalid, sanitised, and not used', () => {
    const result = answer('sub.example.jp', 'digicert', {
      txt: {
        status: 'found',
        value: ['dcv@example.jp', 'ops+dcv@Example.JP', 'v=spf1 -all', '<!channel> *now*', 'a@b@example.jp'],
      },
    });
    expect(result.txtRecordName).toBe('_validation-contactemail.sub.example.jp');
    expect(result.txtRecords).toEqual([
      { status: 'valid', address: 'dcv@example.jp' },
      { status: 'valid', address: 'ops+dcv@example.jp' },
      { status: 'invalid', excerpt: 'v=spf1 -all' },
      { status: 'invalid', excerpt: '!channel now' },
      { status: 'invalid', excerpt: 'a@b@example.jp' },
    ]);
    expect(result.willWriteTo.filter(({ source }) => source === 'txt')).toEqual([
      { address: 'dcv@example.jp', source: 'txt' },
      { address: 'ops+dcv@example.jp', source: 'txt' },
    ]);
    expect(result.txtRecordToAdd).toBeNull();
  });

  it.each([
    { situation: 'NXDOMAIN', txt: { status: 'none', kind: 'nxdomain' } as const },
    { situation: 'NODATA', txt: { status: 'none', kind: 'nodata' } as const },
    { situation: 'only invalid values', txt: { status: 'found', value: ['not an address'] } as const },
  ])('R-DCV-1: with $situation the record to add is shown', ({ txt }) => {
    expect(answer('www.example.jp', 'digicert', { txt }).txtRecordToAdd).toEqual({
      name: '_validation-contactemail.www.example.jp',
      type: 'TXT',
      exampleValue: 'admin@example.jp',
    });
  });
});

describe('R-DCV-2: constructed addresses', () => {
  it('R-DCV-2: admin, administrator, hostmaster, postmaster, webmaster, in that order', () => {
    expect(answer('example.jp', 'digicert').willWriteTo).toEqual(
      PREFIXES.map((prefix) => ({ address: `${prefix}@example.jp`, source: 'constructed' })),
    );
  });
});

describe('R-DCV-3 / R-CABF-3: withdrawn methods and the end of e-mail DCV', () => {
  it.each([
    { ca: 'digicert' as const, caStoppedOn: '2025-05-08' },
    { ca: 'cybertrust' as const, caStoppedOn: '2025-06-25' },
    { ca: 'globalsign' as const, caStoppedOn: '2025-07-14' },
  ])(
    'R-CABF-3: $ca lists WHOIS as withdrawn since 2025-07-15, stopped by the CA on $caStoppedOn',
    ({ ca, caStoppedOn }) => {
      const result = answer('www.example.jp', ca);
      expect(result.withdrawn).toEqual([
        { method: 'whois', notAllowedSince: '2025-07-15', brSection: '3.2.2.4.2', caStoppedOn },
        {
          method: 'soa_rname',
          notAllowedSince: '2025-07-15',
          brSection: '3.2.2.4.2',
          lookup: 'found',
          mailbox: 'dns-admin@example.jp',
          zone: 'example.jp',
        },
      ]);
      expect(addresses([...result.willWriteTo, ...result.choices])).not.toContain('dns-admin@example.jp');
    },
  );

  const txt = { status: 'found', value: ['dcv@example.jp'] } as const;
  it.each([
    { on: '2026-03-14T23:59:59.999Z', warnings: [] },
    {
      on: '2026-03-15T00:00:00.000Z',
      warnings: [{ code: 'email_dcv_discouraged', since: '2026-03-15', endsOn: '2028-03-15' }],
    },
    {
      on: '2028-03-14T23:59:59.999Z',
      warnings: [{ code: 'email_dcv_discouraged', since: '2026-03-15', endsOn: '2028-03-15' }],
    },
  ])('R-DCV-3: on $on e-mail DCV still works, with warnings $warnings', ({ on, warnings }) => {
    for (const ca of ['digicert', 'cybertrust', 'globalsign'] as const) {
      const result = answer('www.example.jp', ca, { on: new Date(on), txt });
      expect(result.warnings).toEqual(warnings);
      expect(result.willWriteTo.length + result.choices.length).toBeGreaterThan(0);
      expect(result.dnsBasedValidation).toEqual({
        brSection: '3.2.2.4.7',
        exampleTxtName: '_dnsauth.www.example.jp',
      });
    }
  });

  it.each(['2028-03-15T00:00:00.000Z', '2030-01-01T00:00:00.000Z'])(
    'R-CABF-3: on %s e-mail DCV has ended: no address is usable, DNS-based validation is the way',
    (on) => {
      for (const ca of ['digicert', 'cybertrust', 'globalsign'] as const) {
        const result = answer('www.example.jp', ca, {
          on: new Date(on),
          txt: { status: 'none', kind: 'nxdomain' },
        });
        expect(result.warnings).toEqual([{ code: 'email_dcv_ended', since: '2028-03-15' }]);
        expect(result.willWriteTo).toEqual([]);
        expect(result.choices).toEqual([]);
        expect(result.txtRecordToAdd).toBeNull();
        expect(result.dnsBasedValidation.exampleTxtName).toBe('_dnsauth.www.example.jp');
      }
    },
  );
});

describe('R-DCV-4: base domain, wildcard and IDN', () => {
  it('R-DCV-4: *.example.jp is validated on example.jp: TXT name and addresses use example.jp', () => {
    const result = answer('*.example.jp', 'digicert', { txt: { status: 'none', kind: 'nodata' } });
    expect(result).toMatchObject({
      fqdn: '*.example.jp',
      validationDomain: 'example.jp',
      baseDomain: 'example.jp',
      txtRecordName: '_validation-contactemail.example.jp',
    });
    expect(addresses(result.willWriteTo).every((a) => a.endsWith('@example.jp'))).toBe(true);
  });

  it.each(['日本語.jp', 'xn--wgv71a119e.jp'])('R-DCV-4: the IDN CN %s uses its A-label everywhere', (cn) => {
    const result = answer(`www.${cn}`, 'digicert');
    expect(result.txtRecordName).toBe('_validation-contactemail.www.xn--wgv71a119e.jp');
    expect(addresses(result.willWriteTo)).toEqual([
      ...addressesAt('www.xn--wgv71a119e.jp'),
      ...addressesAt('xn--wgv71a119e.jp'),
    ]);
    expect(result.txtRecordToAdd?.exampleValue).toBe('admin@xn--wgv71a119e.jp');
  });

  it('R-DCV-4: txtContactRecordName uses the validation domain', () => {
    expect(txtContactRecordName(nameOf('*.Sub.日本語.jp'))).toBe(
      '_validation-contactemail.sub.xn--wgv71a119e.jp',
    );
  });
});

describe('R-DCV-5: a failed look-up is not "no record"', () => {
  it.each([
    { reason: 'timeout' as const, detail: 'ETIMEOUT' },
    { reason: 'servfail' as const, detail: 'ESERVFAIL' },
    { reason: 'refused' as const, detail: 'EREFUSED' },
  ])(
    'R-DCV-5: a TXT look-up that failed with $reason is reported, and no record to add is suggested',
    ({ reason, detail }) => {
      const result = answer('www.example.jp', 'digicert', { txt: { status: 'failed', reason, detail } });
      expect(result.lookupFailures).toEqual([
        { lookup: 'txt', name: '_validation-contactemail.www.example.jp', reason, detail },
      ]);
      expect(result.txtRecords).toEqual([]);
      expect(result.txtRecordToAdd).toBeNull();
      expect(addresses(result.willWriteTo)).toEqual([
        ...addressesAt('www.example.jp'),
        ...addressesAt('example.jp'),
      ]);
    },
  );

  it('R-DCV-5: a failed SOA look-up is reported, and the withdrawn RNAME says so', () => {
    const result = answer('www.example.jp', 'globalsign', { soa: { status: 'failed', reason: 'timeout' } });
    expect(result.lookupFailures).toEqual([{ lookup: 'soa', name: 'www.example.jp', reason: 'timeout' }]);
    expect(result.withdrawn).toContainEqual(
      expect.objectContaining({ method: 'soa_rname', lookup: 'failed', mailbox: null, zone: null }),
    );
  });

  it('R-DCV-5: look-ups that answered "none" are not failures', () => {
    const result = answer('www.example.jp', 'digicert', { soa: { status: 'none', kind: 'nxdomain' } });
    expect(result.lookupFailures).toEqual([]);
    expect(result.withdrawn).toContainEqual(expect.objectContaining({ method: 'soa_rname', lookup: 'none' }));
  });
});
