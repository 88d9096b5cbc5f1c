import { describe, expect, it } from 'vitest';
import { parseMailbox } from '../../../domain/rules/dcv/mailbox.ts';
import { rnameToMailbox } from '../../../domain/rules/dcv/rname.ts';

describe('R-DCV-GLOBALSIGN: SOA RNAME as a mailbox', () => {
  it.each([
    { rname: 'dns-admin.example.com.', mailbox: 'dns-admin@example.com' },
    { rname: 'dns-admin.example.com', mailbox: 'dns-admin@example.com' },
    { rname: 'john\\.doe.example.com.', mailbox: 'john.doe@example.com' },
    { rname: 'a\\.b\\.c.sub.example.co.jp.', mailbox: 'a.b.c@sub.example.co.jp' },
    { rname: 'hostmaster.EXAMPLE.JP.', mailbox: 'hostmaster@example.jp' },
    { rname: 'john\\046doe.example.com.', mailbox: 'john.doe@example.com' },
    { rname: 'hostmaster.xn--wgv71a119e.jp.', mailbox: 'hostmaster@xn--wgv71a119e.jp' },
    { rname: '', mailbox: null },
    { rname: '.', mailbox: null },
    { rname: 'nodots', mailbox: null },
    { rname: 'john\\.doe', mailbox: null },
    { rname: '.example.com.', mailbox: null },
    { rname: 'hostmaster.com.', mailbox: null },
    { rname: 'a b.example.com.', mailbox: null },
    { rname: 'trailing\\', mailbox: null },
    { rname: 'x\\999.example.com.', mailbox: null },
  ])('R-DCV-GLOBALSIGN: $rname → $mailbox', ({ rname, mailbox }) => {
    expect(rnameToMailbox(rname)).toBe(mailbox);
  });
});

describe('R-DCV-1: a TXT contact value is one e-mail address', () => {
  it.each([
    { value: 'dcv@example.jp', address: 'dcv@example.jp' },
    { value: 'First.Last+dcv@Example.CO.JP', address: 'First.Last+dcv@example.co.jp' },
    { value: 'a_b@xn--wgv71a119e.jp', address: 'a_b@xn--wgv71a119e.jp' },
    { value: 'admin@example.xn--p1ai', address: 'admin@example.xn--p1ai' },
    { value: ' dcv@example.jp', address: null },
    { value: 'dcv@example.jp dcv2@example.jp', address: null },
    { value: 'mailto:dcv@example.jp', address: null },
    { value: 'dcv@localhost', address: null },
    { value: 'dcv@192.0.2.1', address: null },
    { value: 'dcv..x@example.jp', address: null },
    { value: '@example.jp', address: null },
    { value: 'dcv@', address: null },
    { value: 'dcv@-example.jp', address: null },
    { value: 'dcv@日本語.jp', address: null },
    { value: `${'x'.repeat(65)}@example.jp`, address: null },
  ])('R-DCV-1: $value → $address', ({ value, address }) => {
    expect(parseMailbox(value)).toBe(address);
  });
});
