import { describe, expect, it } from 'vitest';
import type { Dn } from '../../../domain/rules/contract-terms.ts';
import {
  type ApplicationRecord,
  opensslSubject,
  previousByoCertificate,
  previousProxyApplication,
  type RegisteredCertificateRecord,
} from '../../../domain/rules/previous-dn.ts';

const dn = (o: string): Dn => ({ c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o, cn: 'www.example.jp' });
const application = (kind: ApplicationRecord['kind'], at: string, o: string): ApplicationRecord => ({
  kind,
  appliedAt: new Date(at),
  dn: dn(o),
  applicant: { name: o, email: 'a@example.jp' },
  periodMonths: 12,
  csrMethod: kind === 'auto_renewal' ? 'provider' : 'customer',
  wwwOption: false,
});

describe('previous proxy application', () => {
  it.each([
    [
      'the latest renewal',
      [application('new', '2023-01-01T00:00:00Z', 'A'), application('renewal', '2024-01-01T00:00:00Z', 'B')],
      'B',
      'renewal',
    ],
    [
      'the latest, whatever the order',
      [
        application('auto_renewal', '2025-01-01T00:00:00Z', 'C'),
        application('new', '2023-01-01T00:00:00Z', 'A'),
      ],
      'C',
      'auto_renewal',
    ],
    [
      'not a later re-issue',
      [
        application('renewal', '2024-01-01T00:00:00Z', 'B'),
        application('reissue', '2024-06-01T00:00:00Z', 'R'),
      ],
      'B',
      'renewal',
    ],
  ] as const)('R-DN-1: %s', (_name, apps, o, kind) => {
    const result = previousProxyApplication(apps);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.dn.o).toBe(o);
      expect(result.value.applicant.name).toBe(o);
      expect(result.value.kind).toBe(kind);
      expect(result.value.periodMonths).toBe(12);
      expect(result.value.opensslSubj).toBe(`/C=JP/ST=Tokyo/L=Chiyoda-ku/O=${o}/CN=www.example.jp`);
    }
  });

  it('R-DN-1: with only re-issues or nothing there is no previous application', () => {
    expect(previousProxyApplication([])).toEqual({ ok: false, reason: 'dn.no_previous_application' });
    expect(previousProxyApplication([application('reissue', '2024-06-01T00:00:00Z', 'R')]).ok).toBe(false);
  });

  it.each([
    [
      { ...dn('Example, Inc.'), ou: 'R/D=1' },
      '/C=JP/ST=Tokyo/L=Chiyoda-ku/O=Example\\, Inc./OU=R\\/D\\=1/CN=www.example.jp',
    ],
    [{ ...dn('A+B \\ C'), ou: '' }, '/C=JP/ST=Tokyo/L=Chiyoda-ku/O=A\\+B \\\\ C/CN=www.example.jp'],
    [
      { ...dn('株式会社例'), ou: '情報システム部' },
      '/C=JP/ST=Tokyo/L=Chiyoda-ku/O=株式会社例/OU=情報システム部/CN=www.example.jp',
    ],
  ])('R-DN-1: openssl -subj for %j', (value, expected) => {
    expect(opensslSubject(value)).toBe(expected);
  });
});

describe('previous BYO certificate', () => {
  const cert = (at: string, subjectDn: string): RegisteredCertificateRecord => ({
    registeredAt: new Date(at),
    subjectDn,
    sans: ['www.example.jp'],
    issuerDn: 'CN=Some CA,O=Some CA Inc.,C=US',
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2026-01-01T00:00:00Z'),
    sha256: 'ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12',
  });

  it('R-DN-2: the last registered certificate, with an upper-case colon fingerprint and never a private key', () => {
    const withKey = {
      ...cert('2025-06-01T00:00:00Z', 'CN=www.example.jp,O=New'),
      privateKeyPem: '-----BEGIN PRIVATE KEY-----',
    };
    const result = previousByoCertificate([cert('2024-06-01T00:00:00Z', 'CN=www.example.jp,O=Old'), withKey]);
    expect(result).toEqual({
      ok: true,
      value: {
        registeredAt: new Date('2025-06-01T00:00:00Z'),
        subjectDn: 'CN=www.example.jp,O=New',
        sans: ['www.example.jp'],
        issuerDn: 'CN=Some CA,O=Some CA Inc.,C=US',
        notBefore: new Date('2025-01-01T00:00:00Z'),
        notAfter: new Date('2026-01-01T00:00:00Z'),
        sha256Fingerprint:
          'AB:12:CD:34:EF:56:AB:12:CD:34:EF:56:AB:12:CD:34:EF:56:AB:12:CD:34:EF:56:AB:12:CD:34:EF:56:AB:12',
      },
    });
    expect(JSON.stringify(result)).not.toContain('PRIVATE KEY');
  });

  it('R-DN-2: no registered certificate is said so', () => {
    expect(previousByoCertificate([])).toEqual({ ok: false, reason: 'dn.no_registered_certificate' });
  });
});
