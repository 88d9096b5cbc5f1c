import { describe, expect, it } from 'vitest';
import { checkCsr, parseCsr } from '../../../domain/rules/x509/csr.ts';
import { x509 } from '../../../domain/rules/x509/peculiar.ts';
import { MAX_PEM_INPUT_BYTES } from '../../../domain/rules/x509/pem-blocks.ts';
import {
  type FixtureKeyType,
  makeCertificate,
  makeCsr,
  makeCsrWithBrokenSignature,
  makeKeyPair,
  privateKeyPem,
} from '../../support/x509-fixtures.ts';

const contractCn = 'www.example.jp';
const noPreviousKeys = { contractCn, previousPublicKeySha256s: [] };

describe('checkCsr: R-CSR-2, a submitted CSR must parse', () => {
  it.each([
    ['an empty message', '', 'csr.empty'],
    ['only whitespace', ' \r\n\t ', 'csr.empty'],
    ['plain text', 'here is my CSR, thanks!', 'csr.not_pem'],
    ['base64 without armour', 'MIICWjCCAUICAQAwFTETMBEGA1UEAwwKZXhhbXBsZS5qcA==', 'csr.not_pem'],
    ['a BEGIN line without its END', '-----BEGIN CERTIFICATE REQUEST-----\nMIIC', 'csr.not_pem'],
    [
      'armour around text that is not base64',
      '-----BEGIN CERTIFICATE REQUEST-----\nthis is not base64!\n-----END CERTIFICATE REQUEST-----',
      'csr.malformed',
    ],
    [
      'armour around base64 that is not a CSR',
      '-----BEGIN CERTIFICATE REQUEST-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE REQUEST-----',
      'csr.malformed',
    ],
    ['more than 64 KB', `${'x'.repeat(MAX_PEM_INPUT_BYTES)}!`, 'csr.too_large'],
  ])('R-CSR-2: refuses %s', async (_situation, text, reason) => {
    const result = await checkCsr(text, noPreviousKeys);
    expect(result).toMatchObject({ ok: false, reason });
  });

  it('R-CSR-2: says when a BEGIN line has no END (a paste cut short)', async () => {
    const { pem } = await makeCsr({ cn: contractCn });
    const result = await checkCsr(pem.slice(0, 200), noPreviousKeys);
    expect(result).toEqual({ ok: false, reason: 'csr.not_pem', params: { truncated: true } });
  });

  it('R-CSR-2: refuses a certificate pasted where a CSR is expected, naming what was found', async () => {
    const { pem } = await makeCertificate({ cn: contractCn });
    const result = await checkCsr(pem, noPreviousKeys);
    expect(result).toEqual({ ok: false, reason: 'csr.not_a_csr', params: { found: 'CERTIFICATE' } });
  });

  it('R-CSR-2: refuses two CSRs in one paste', async () => {
    const [a, b] = await Promise.all([makeCsr({ cn: contractCn }), makeCsr({ cn: contractCn })]);
    const result = await checkCsr(a.pem + b.pem, noPreviousKeys);
    expect(result).toEqual({ ok: false, reason: 'csr.multiple', params: { count: 2 } });
  });

  it('R-CSR-2: refuses a paste that includes the private key, without echoing it', async () => {
    const csr = await makeCsr({ cn: contractCn });
    const keyPem = await privateKeyPem(csr.keys);
    const result = await checkCsr(`${csr.pem}\n${keyPem}`, noPreviousKeys);
    expect(result).toEqual({ ok: false, reason: 'csr.private_key_included' });
  });
});

describe('checkCsr: R-CSR-2, signature, CN and key', () => {
  it('R-CSR-2: refuses a CSR whose self-signature is broken', async () => {
    const { pem } = await makeCsrWithBrokenSignature({ cn: contractCn });
    expect(parseCsr(pem).ok).toBe(true);
    expect(await checkCsr(pem, noPreviousKeys)).toEqual({ ok: false, reason: 'csr.bad_signature' });
  });

  it('R-CSR-2: refuses a CSR for another CN, naming both', async () => {
    const { pem } = await makeCsr({ cn: 'mail.example.jp' });
    expect(await checkCsr(pem, noPreviousKeys)).toEqual({
      ok: false,
      reason: 'csr.cn_mismatch',
      params: { expectedCn: contractCn, actualCn: 'mail.example.jp' },
    });
  });

  it('R-CSR-2: refuses a CSR without a CN', async () => {
    const { pem } = await makeCsrWithoutCn();
    expect(await checkCsr(pem, noPreviousKeys)).toMatchObject({
      ok: false,
      reason: 'csr.cn_mismatch',
      params: { actualCn: null },
    });
  });

  it.each([
    ['upper case', 'WWW.Example.JP', 'www.example.jp'],
    ['a trailing dot', 'www.example.jp.', 'www.example.jp'],
    ['a wildcard spelled the same', '*.Example.jp', '*.example.jp'],
    ['an internationalised name in A-label form', 'www.xn--r8jz45g.jp', 'www.例え.jp'],
  ])('R-CSR-2: accepts a CN that differs only by %s', async (_situation, csrCn, contract) => {
    const { pem } = await makeCsr({ cn: csrCn });
    const result = await checkCsr(pem, { contractCn: contract, previousPublicKeySha256s: [] });
    expect(result.ok).toBe(true);
  });

  it.each([
    ['a wildcard for a named host', '*.example.jp', 'www.example.jp'],
    ['a named host for a wildcard', 'www.example.jp', '*.example.jp'],
    ['the base domain for www', 'example.jp', 'www.example.jp'],
  ])('R-CSR-2: compares wildcards literally: refuses %s', async (_situation, csrCn, contract) => {
    const { pem } = await makeCsr({ cn: csrCn });
    const result = await checkCsr(pem, { contractCn: contract, previousPublicKeySha256s: [] });
    expect(result).toMatchObject({ ok: false, reason: 'csr.cn_mismatch' });
  });

  it('R-CSR-2: refuses a CSR with a 1024-bit RSA key', async () => {
    const { pem } = await makeCsr({ cn: contractCn, keyType: 'rsa-1024' });
    expect(await checkCsr(pem, noPreviousKeys)).toEqual({
      ok: false,
      reason: 'csr.weak_key',
      params: { algorithm: 'rsa', bits: 1024, minBits: 2048 },
    });
  });

  it.each([
    ['EC P-521', 'ec-p521', { algorithm: 'ec', curve: 'P-521' }],
    ['Ed25519', 'ed25519', { algorithm: 'ed25519', curve: null }],
  ] as const)('R-CSR-2: refuses a CSR with an %s key', async (_name, keyType, params) => {
    const { pem } = await makeCsr({ cn: contractCn, keyType });
    expect(await checkCsr(pem, noPreviousKeys)).toMatchObject({
      ok: false,
      reason: 'csr.unsupported_key',
      params,
    });
  });

  it.each([
    ['RSA 2048', 'rsa-2048', { algorithm: 'rsa', bits: 2048, curve: null }],
    ['EC P-256', 'ec-p256', { algorithm: 'ec', bits: 256, curve: 'P-256' }],
    ['EC P-384', 'ec-p384', { algorithm: 'ec', bits: 384, curve: 'P-384' }],
  ] as const)('R-CSR-2: accepts a good %s CSR and describes its key', async (_name, keyType, key) => {
    const csr = await makeCsr({ cn: contractCn, keyType: keyType as FixtureKeyType });
    const result = await checkCsr(csr.pem, noPreviousKeys);
    expect(result).toMatchObject({
      ok: true,
      value: { reusesPreviousKey: false, csr: { commonName: contractCn, publicKey: key } },
    });
    if (result.ok) expect(result.value.csr.publicKey.spkiSha256).toBe(csr.publicKeySha256);
  });
});

describe('checkCsr: R-CSR-1, the previous key pair', () => {
  it('R-CSR-1: accepts a CSR with the previous key but flags it for confirmation', async () => {
    const keys = await makeKeyPair('ec-p256');
    const previous = await makeCsr({ cn: contractCn, keys });
    const again = await makeCsr({ cn: contractCn, subjectPrefix: 'O=Renamed', keys });
    const result = await checkCsr(again.pem, {
      contractCn,
      previousPublicKeySha256s: [previous.publicKeySha256],
    });
    expect(result).toMatchObject({ ok: true, value: { reusesPreviousKey: true } });
  });

  it('R-CSR-1: recognises the previous key however its hash was written down', async () => {
    const csr = await makeCsr({ cn: contractCn });
    const colonUpper = (csr.publicKeySha256.toUpperCase().match(/../g) ?? []).join(':');
    const result = await checkCsr(csr.pem, { contractCn, previousPublicKeySha256s: ['00ff', colonUpper] });
    expect(result).toMatchObject({ ok: true, value: { reusesPreviousKey: true } });
  });

  it('R-CSR-1: does not flag a fresh key', async () => {
    const previous = await makeCsr({ cn: contractCn });
    const fresh = await makeCsr({ cn: contractCn });
    const result = await checkCsr(fresh.pem, {
      contractCn,
      previousPublicKeySha256s: [previous.publicKeySha256],
    });
    expect(result).toMatchObject({ ok: true, value: { reusesPreviousKey: false } });
  });
});

describe('parseCsr', () => {
  it('reads a CSR pasted with a greeting, a code fence and CRLF line ends', async () => {
    const { pem } = await makeCsr({ cn: contractCn });
    const pasted = `Hello, here is the CSR:\r\n\`\`\`\r\n  ${pem.replace(/\n/g, '\r\n')}\`\`\`\r\nRegards`;
    const result = parseCsr(pasted);
    expect(result).toMatchObject({ ok: true, value: { commonName: contractCn, pem: `${pem.trim()}\n` } });
  });

  it('reads the subject fields and requested SANs', async () => {
    const { pem } = await makeCsr({
      cn: contractCn,
      subjectPrefix: 'C=JP, ST=Tokyo, L=Chiyoda-ku, O=Example K.K., OU=IT',
      sans: [contractCn, 'example.jp'],
    });
    expect(parseCsr(pem)).toMatchObject({
      ok: true,
      value: {
        subject: 'C=JP, ST=Tokyo, L=Chiyoda-ku, O=Example K.K., OU=IT, CN=www.example.jp',
        subjectFields: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Example K.K.', ou: 'IT', cn: contractCn },
        dnsNames: [contractCn, 'example.jp'],
      },
    });
  });

  it('accepts the old NEW CERTIFICATE REQUEST armour', async () => {
    const { pem } = await makeCsr({ cn: contractCn });
    const old = pem.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST');
    expect(parseCsr(old)).toMatchObject({ ok: true, value: { commonName: contractCn } });
  });
});

/** A CSR whose subject has no CN at all. */
const makeCsrWithoutCn = async () => {
  const keys = await makeKeyPair('ec-p256');
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'O=Example',
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  return { pem: csr.toString('pem') };
};
