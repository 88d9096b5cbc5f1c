import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MAX_CERTIFICATES_IN_BUNDLE,
  parseCertificateBundle,
  validityAt,
} from '../../../domain/rules/x509/certificate.ts';
import { x509 } from '../../../domain/rules/x509/peculiar.ts';
import { MAX_PEM_INPUT_BYTES } from '../../../domain/rules/x509/pem-blocks.ts';
import {
  makeCa,
  makeCertificate,
  makeChain,
  makeCsr,
  makeSelfSignedCertificate,
  testCas,
} from '../../support/x509-fixtures.ts';

const cn = 'www.example.jp';
const INTERMEDIATE = 'C=JP, O=Kigen Test CA, CN=Kigen Test Intermediate CA';
const ROOT = 'C=JP, O=Kigen Test CA, CN=Kigen Test Root CA';

const subjectsOf = (text: string) => {
  const result = parseCertificateBundle(text);
  if (!result.ok) throw new Error(`expected a bundle, got ${result.reason}`);
  return { leaf: result.value.leaf.subject, others: result.value.others.map((c) => c.subject) };
};

describe('parseCertificateBundle: finding the leaf', () => {
  it.each([
    ['leaf, intermediate, root', [0, 1, 2]],
    ['root, intermediate, leaf', [2, 1, 0]],
    ['intermediate, leaf, root', [1, 0, 2]],
    ['root, leaf, intermediate', [2, 0, 1]],
  ])('finds the leaf of a chain pasted as %s, and orders the rest upwards', async (_order, positions) => {
    const { leaf, intermediatePem, rootPem } = await makeChain({ cn });
    const pems = [leaf.pem, intermediatePem, rootPem];
    const text = positions.map((i) => pems[i]).join('\n');
    expect(subjectsOf(text)).toEqual({ leaf: `CN=${cn}`, others: [INTERMEDIATE, ROOT] });
  });

  it('finds the leaf of a lone self-signed certificate', async () => {
    const { pem } = await makeSelfSignedCertificate({ cn });
    expect(subjectsOf(pem)).toEqual({ leaf: `CN=${cn}`, others: [] });
  });

  it('finds the leaf when the intermediate is missing between it and the root', async () => {
    const { leaf, rootPem } = await makeChain({ cn });
    expect(subjectsOf(rootPem + leaf.pem)).toEqual({ leaf: `CN=${cn}`, others: [ROOT] });
  });

  it('finds the leaf pasted with an intermediate that did not issue it (a non-CA wins)', async () => {
    const { root } = await testCas();
    const otherIntermediate = await makeCa({ cn: 'Other Intermediate CA', issuer: root });
    const { leaf } = await makeChain({ cn });
    expect(subjectsOf(otherIntermediate.pem + leaf.pem)).toEqual({
      leaf: `CN=${cn}`,
      others: ['C=JP, O=Kigen Test CA, CN=Other Intermediate CA'],
    });
  });

  it('takes a certificate pasted twice as one', async () => {
    const { leaf, intermediatePem } = await makeChain({ cn });
    expect(subjectsOf(leaf.pem + intermediatePem + leaf.pem)).toEqual({
      leaf: `CN=${cn}`,
      others: [INTERMEDIATE],
    });
  });

  it('reads a chain sent as PKCS#7 (.p7b)', async () => {
    const { leaf, intermediatePem } = await makeChain({ cn });
    const p7 = new x509.X509Certificates([new x509.X509Certificate(intermediatePem), leaf.cert]).export(
      'pem',
    );
    expect(subjectsOf(p7)).toEqual({ leaf: `CN=${cn}`, others: [INTERMEDIATE] });
  });

  it('tolerates text around the PEM, CRLF line ends and indentation', async () => {
    const { leaf, intermediatePem } = await makeChain({ cn });
    const crlf = (pem: string) => pem.replace(/\n/g, '\r\n    ');
    const text = `Here is our new certificate:\r\n\`\`\`${crlf(leaf.pem)}\r\n\r\n${crlf(intermediatePem)}\`\`\`\r\nthanks`;
    expect(subjectsOf(text)).toEqual({ leaf: `CN=${cn}`, others: [INTERMEDIATE] });
  });

  it('refuses two unrelated server certificates: there is no single leaf', async () => {
    const [a, b] = await Promise.all([makeCertificate({ cn }), makeCertificate({ cn: 'mail.example.jp' })]);
    expect(parseCertificateBundle(a.pem + b.pem)).toEqual({
      ok: false,
      reason: 'certificate.no_leaf',
      params: { count: 2 },
    });
  });
});

describe('parseCertificateBundle: refusals', () => {
  it.each([
    ['an empty message', '', 'certificate.empty'],
    ['only whitespace', '\r\n  \n', 'certificate.empty'],
    ['plain text', 'the certificate is attached', 'certificate.not_pem'],
    ['more than 64 KB', 'x'.repeat(MAX_PEM_INPUT_BYTES + 1), 'certificate.too_large'],
    [
      'armour around text that is not base64',
      '-----BEGIN CERTIFICATE-----\n%%% not base64 %%%\n-----END CERTIFICATE-----',
      'certificate.malformed',
    ],
    [
      'armour around base64 that is not a certificate',
      '-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----',
      'certificate.malformed',
    ],
  ])('refuses %s', (_situation, text, reason) => {
    expect(parseCertificateBundle(text)).toMatchObject({ ok: false, reason });
  });

  it('refuses a CSR pasted where a certificate is expected, naming what was found', async () => {
    const { pem } = await makeCsr({ cn });
    expect(parseCertificateBundle(pem)).toEqual({
      ok: false,
      reason: 'certificate.not_a_certificate',
      params: { found: 'CERTIFICATE REQUEST' },
    });
  });

  it('refuses a paste that includes a private key, whatever else it holds', async () => {
    const { pem, keyPem } = await makeCertificate({ cn });
    expect(parseCertificateBundle(pem + keyPem)).toEqual({
      ok: false,
      reason: 'certificate.private_key_included',
    });
  });

  it(`refuses more than ${MAX_CERTIFICATES_IN_BUNDLE} certificates`, async () => {
    const certs = await Promise.all(
      Array.from({ length: MAX_CERTIFICATES_IN_BUNDLE + 1 }, (_, i) =>
        makeCertificate({ cn: `h${i}.example.jp` }),
      ),
    );
    expect(parseCertificateBundle(certs.map((c) => c.pem).join(''))).toEqual({
      ok: false,
      reason: 'certificate.too_many',
      params: { max: MAX_CERTIFICATES_IN_BUNDLE, count: MAX_CERTIFICATES_IN_BUNDLE + 1 },
    });
  });

  it('says which block of a chain is broken', async () => {
    const { leaf } = await makeChain({ cn });
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(parseCertificateBundle(leaf.pem + broken)).toEqual({
      ok: false,
      reason: 'certificate.malformed',
      params: { position: 2 },
    });
  });
});

describe('parseCertificateBundle: R-DN-2, the facts recorded', () => {
  it('R-DN-2: reads subject, CN, SANs, issuer, serial, validity, fingerprints and key', async () => {
    const notBefore = new Date('2025-04-01T00:00:00Z');
    const notAfter = new Date('2026-05-02T23:59:59Z');
    const cert = await makeCertificate({
      cn,
      sans: [cn, 'example.jp'],
      notBefore,
      notAfter,
      subjectPrefix: 'C=JP, O=Example K.K.',
      serialNumber: '0a1b2c3d',
      keyType: 'rsa-2048',
    });
    const result = parseCertificateBundle(cert.pem);
    const oracle = new NodeX509Certificate(cert.pem);
    expect(result).toEqual({
      ok: true,
      value: {
        leaf: {
          subject: `C=JP, O=Example K.K., CN=${cn}`,
          commonName: cn,
          dnsNames: [cn, 'example.jp'],
          issuer: INTERMEDIATE,
          serialNumber: '0a1b2c3d',
          notBefore,
          notAfter,
          fingerprintSha256: oracle.fingerprint256,
          fingerprintSha256Hex: oracle.fingerprint256.replace(/:/g, '').toLowerCase(),
          publicKey: { algorithm: 'rsa', bits: 2048, curve: null, spkiSha256: cert.publicKeySha256 },
          isCa: false,
          pem: cert.pem.replace(/\r\n/g, '\n').trim().concat('\n'),
        },
        others: [],
      },
    });
  });

  it('marks CA certificates as such', async () => {
    const { root } = await testCas();
    const result = parseCertificateBundle(root.pem);
    expect(result).toMatchObject({
      ok: true,
      value: { leaf: { isCa: true, subject: ROOT, issuer: ROOT } },
    });
  });

  it('describes an EC P-384 key', async () => {
    const cert = await makeCertificate({ cn, keyType: 'ec-p384' });
    expect(parseCertificateBundle(cert.pem)).toMatchObject({
      ok: true,
      value: { leaf: { publicKey: { algorithm: 'ec', curve: 'P-384', bits: 384 } } },
    });
  });
});

describe('validityAt', () => {
  const facts = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T00:00:00Z') };
  it.each([
    ['2024-12-31T23:59:59Z', 'not_yet_valid'],
    ['2025-01-01T00:00:00Z', 'valid'],
    ['2026-01-01T00:00:00Z', 'valid'],
    ['2026-01-01T00:00:01Z', 'expired'],
  ] as const)('at %s the certificate is %s', (now, expected) => {
    expect(validityAt(facts, new Date(now))).toBe(expected);
  });
});
