import type { Dn } from '../contract-terms.ts';
import { DN_FIELD_MAX_LENGTH, type DnField, dnFieldProblem } from '../dn-fields.ts';
import { normalizeDomainName } from '../host-name-comparison.ts';
import { err, ok, type Result } from '../result.ts';
import { webcrypto, x509 } from './peculiar.ts';
import { toPem } from './pem-blocks.ts';
import { sha256Hex } from './public-key-facts.ts';

export type GeneratedKeyAlgorithm = 'rsa-2048' | 'ecdsa-p256';

/** A fresh key pair and its CSR. The private key is plaintext: encrypt it (`encryptPrivateKey`) at once. */
export type GeneratedKeyAndCsr = {
  readonly csrPem: string;
  readonly privateKeyPkcs8Pem: string;
  /** SHA-256 of the SubjectPublicKeyInfo, lower-case hex, as `checkCsr` compares keys (R-CSR-1). */
  readonly publicKeySha256: string;
};

export type KeyGenerationReason = 'keys.invalid_dn' | 'keys.invalid_san';

const RDN_ORDER: readonly [DnField, string][] = [
  ['c', 'C'],
  ['st', 'ST'],
  ['l', 'L'],
  ['o', 'O'],
  ['ou', 'OU'],
  ['cn', 'CN'],
];
const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const ALGORITHMS = {
  'rsa-2048': {
    generate: {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
  'ecdsa-p256': {
    generate: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' },
  },
} as const;

const isDnsName = (name: string): boolean => name.length <= 253 && DNS_NAME.test(name);

/**
 * Each value is given to the encoder as a typed string, never through the library's DN string
 * syntax, so `,` `+` `"` `\` `#` in a company name are data and cannot inject another attribute.
 * C must be a PrintableString (RFC 5280); other values are PrintableString when they fit, else UTF8String.
 */
const subjectOf = (dn: Dn): Result<x509.JsonNameParams, 'keys.invalid_dn'> => {
  const rdns: x509.JsonNameParams = [];
  for (const [field, type] of RDN_ORDER) {
    const raw = dn[field];
    if (field === 'ou' && (raw === undefined || raw.trim() === '')) continue;
    const value = (raw ?? '').trim();
    const problem = dnFieldProblem(field, value);
    if (problem === 'too_long') {
      return err('keys.invalid_dn', { field, problem, maxLength: DN_FIELD_MAX_LENGTH[field] });
    }
    if (problem) return err('keys.invalid_dn', { field, problem });
    if (field === 'cn' && !isDnsName(normalizeDomainName(value))) {
      return err('keys.invalid_dn', { field, problem: 'not_a_domain_name' });
    }
    const text = field === 'c' ? value.toUpperCase() : value;
    const encoded =
      field === 'c' || x509.Name.isPrintableString(text) ? { printableString: text } : { utf8String: text };
    rdns.push({ [type]: [encoded] });
  }
  return ok(rdns);
};

/** The CN always comes first among the SANs: browsers ignore the CN and look only at SANs. */
const dnsNamesOf = (cn: string, sans: readonly string[]): Result<string[], 'keys.invalid_san'> => {
  const names: string[] = [];
  for (const san of [cn, ...sans]) {
    const name = normalizeDomainName(san);
    if (!isDnsName(name)) return err('keys.invalid_san', { san });
    if (!names.includes(name)) names.push(name);
  }
  return ok(names);
};

/**
 * R-CSR-3: with the `provider` CSR method every (auto-)renewal gets a fresh key pair and CSR; nothing
 * is cached or derived, so no two calls share a key. The private key leaves only as PKCS#8 PEM for the
 * caller to encrypt; it is never to be posted to Slack.
 */
export const generateKeyAndCsr = async (
  dn: Dn,
  options: { readonly sans?: readonly string[]; readonly algorithm?: GeneratedKeyAlgorithm } = {},
): Promise<Result<GeneratedKeyAndCsr, KeyGenerationReason>> => {
  const subject = subjectOf(dn);
  if (!subject.ok) return subject;
  const dnsNames = dnsNamesOf(dn.cn, options.sans ?? []);
  if (!dnsNames.ok) return dnsNames;

  const algorithm = ALGORITHMS[options.algorithm ?? 'rsa-2048'];
  const keys = (await webcrypto.subtle.generateKey(algorithm.generate, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: new x509.Name(subject.value),
    keys,
    signingAlgorithm: algorithm.sign,
    extensions: [
      new x509.SubjectAlternativeNameExtension(dnsNames.value.map((value) => ({ type: 'dns', value }))),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return ok({
    csrPem: toPem(new Uint8Array(csr.rawData), 'CERTIFICATE REQUEST'),
    privateKeyPkcs8Pem: toPem(new Uint8Array(pkcs8), 'PRIVATE KEY'),
    publicKeySha256: sha256Hex(csr.publicKey.rawData),
  });
};
