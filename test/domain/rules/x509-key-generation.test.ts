import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Dn } from '../../../domain/rules/contract-terms.ts';
import { checkCsr, parseCsr } from '../../../domain/rules/x509/csr.ts';
import { generateKeyAndCsr } from '../../../domain/rules/x509/key-generation.ts';
import { x509 } from '../../../domain/rules/x509/peculiar.ts';
import { sha256Hex } from '../../../domain/rules/x509/public-key-facts.ts';

const dn: Dn = { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Example K.K.', cn: 'www.example.jp' };

const generated = async (...args: Parameters<typeof generateKeyAndCsr>) => {
  const result = await generateKeyAndCsr(...args);
  if (!result.ok) throw new Error(`generation refused: ${result.reason} ${JSON.stringify(result.params)}`);
  return result.value;
};

describe('generateKeyAndCsr', () => {
  it.each([
    ['RSA 2048 (the default)', undefined, { algorithm: 'rsa', bits: 2048 }],
    ['ECDSA P-256', 'ecdsa-p256', { algorithm: 'ec', curve: 'P-256' }],
  ] as const)('R-CSR-3: makes a %s CSR that passes R-CSR-2', async (_name, algorithm, key) => {
    const made = await generated(dn, algorithm === undefined ? {} : { algorithm });
    const checked = await checkCsr(made.csrPem, { contractCn: dn.cn, previousPublicKeySha256s: [] });
    expect(checked).toMatchObject({ ok: true, value: { reusesPreviousKey: false, csr: { publicKey: key } } });
    if (checked.ok) expect(checked.value.csr.publicKey.spkiSha256).toBe(made.publicKeySha256);
  });

  it('R-CSR-3: makes a fresh key pair on every call', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => generated(dn, { algorithm: 'ecdsa-p256' })));
    expect(new Set(runs.map((r) => r.publicKeySha256)).size).toBe(3);
    expect(new Set(runs.map((r) => r.privateKeyPkcs8Pem)).size).toBe(3);
    const second = await checkCsr(runs[1]?.csrPem ?? '', {
      contractCn: dn.cn,
      previousPublicKeySha256s: [runs[0]?.publicKeySha256 ?? ''],
    });
    expect(second).toMatchObject({ ok: true, value: { reusesPreviousKey: false } });
  });

  it('R-CSR-3: returns the private key of the CSR, as PKCS#8 PEM', async () => {
    const made = await generated(dn, { algorithm: 'ecdsa-p256' });
    expect(made.privateKeyPkcs8Pem).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/,
    );
    const publicKey = createPublicKey(createPrivateKey(made.privateKeyPkcs8Pem));
    expect(sha256Hex(publicKey.export({ format: 'der', type: 'spki' }))).toBe(made.publicKeySha256);
  });

  it('keeps , + " \\ # = and Japanese text in the subject as data, not DN syntax', async () => {
    const tricky: Dn = {
      c: 'jp',
      st: '東京都',
      l: '千代田区',
      o: '株式会社 "Example", Holdings + Partners\\#1 =',
      ou: 'CN=evil.example.com',
      cn: 'www.example.jp',
    };
    const made = await generated(tricky, { algorithm: 'ecdsa-p256' });
    const parsed = parseCsr(made.csrPem);
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        subjectFields: {
          c: 'JP',
          st: '東京都',
          l: '千代田区',
          o: tricky.o,
          ou: tricky.ou,
          cn: 'www.example.jp',
        },
        commonName: 'www.example.jp',
      },
    });
    // Exactly six attributes, one per RDN: nothing was split off the organisation name.
    const subject = new x509.Pkcs10CertificateRequest(made.csrPem).subjectName.toJSON();
    expect(subject.map((rdn) => Object.keys(rdn))).toEqual([['C'], ['ST'], ['L'], ['O'], ['OU'], ['CN']]);
  });

  it('puts the CN first among the SANs, without duplicates, internationalised names in A-label form', async () => {
    const made = await generated(
      { ...dn, cn: 'www.例え.jp' },
      { algorithm: 'ecdsa-p256', sans: ['例え.jp', 'WWW.xn--r8jz45g.jp'] },
    );
    expect(parseCsr(made.csrPem)).toMatchObject({
      ok: true,
      value: { commonName: 'www.例え.jp', dnsNames: ['www.xn--r8jz45g.jp', 'xn--r8jz45g.jp'] },
    });
  });

  it('leaves out an empty OU', async () => {
    const made = await generated({ ...dn, ou: '  ' }, { algorithm: 'ecdsa-p256' });
    expect(parseCsr(made.csrPem)).toMatchObject({ ok: true, value: { subjectFields: { ou: null } } });
  });

  it.each([
    ['a country that is not a code', { c: 'Japan' }, { field: 'c', problem: 'too_long' }],
    ['a country with digits', { c: 'J1' }, { field: 'c', problem: 'not_a_country_code' }],
    ['an empty locality', { l: ' ' }, { field: 'l', problem: 'empty' }],
    ['an organisation over 64 characters', { o: 'あ'.repeat(65) }, { field: 'o', problem: 'too_long' }],
    ['a control character', { st: 'Tokyo\n' + 'x' }, { field: 'st', problem: 'control_character' }],
    ['a CN that is not a host name', { cn: 'www example jp' }, { field: 'cn', problem: 'not_a_domain_name' }],
  ])('refuses %s', async (_situation, change, params) => {
    const result = await generateKeyAndCsr({ ...dn, ...change }, { algorithm: 'ecdsa-p256' });
    expect(result).toMatchObject({ ok: false, reason: 'keys.invalid_dn', params });
  });

  it('refuses a SAN that is not a host name', async () => {
    const result = await generateKeyAndCsr(dn, { algorithm: 'ecdsa-p256', sans: ['bad name'] });
    expect(result).toEqual({ ok: false, reason: 'keys.invalid_san', params: { san: 'bad name' } });
  });
});
