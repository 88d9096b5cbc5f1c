/**
 * Certificates, CAs and CSRs for tests, made in-process with WebCrypto. EC P-256 is the default key
 * type because it is generated in a millisecond; ask for RSA only where the key type is the point.
 * Dates default to fixed values (there is no clock in the domain, and none here).
 */
import { createPrivateKey } from 'node:crypto';
import { webcrypto, x509 } from '../../domain/rules/x509/peculiar.ts';
import { toPem } from '../../domain/rules/x509/pem-blocks.ts';
import { sha256Hex } from '../../domain/rules/x509/public-key-facts.ts';

export type FixtureKeyType = 'rsa-1024' | 'rsa-2048' | 'ec-p256' | 'ec-p384' | 'ec-p521' | 'ed25519';
export type FixtureKeyPair = webcrypto.CryptoKeyPair & { readonly keyType: FixtureKeyType };

/** Default validity: 2025-01-01T00:00:00Z for 397 days (the longest the CA/B Forum allowed then). */
export const DEFAULT_NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

const KEY_ALGORITHMS: Record<FixtureKeyType, { generate: object; sign: object }> = {
  'rsa-1024': {
    generate: {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 1024,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
  'rsa-2048': {
    generate: {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
  'ec-p256': { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  'ec-p384': { generate: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } },
  'ec-p521': { generate: { name: 'ECDSA', namedCurve: 'P-521' }, sign: { name: 'ECDSA', hash: 'SHA-512' } },
  ed25519: { generate: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
};

/** A key pair of the given type (WebCrypto accepts RSA 1024, which the weak-key tests need). */
export const makeKeyPair = async (keyType: FixtureKeyType = 'ec-p256'): Promise<FixtureKeyPair> => {
  const keys = (await webcrypto.subtle.generateKey(
    KEY_ALGORITHMS[keyType].generate as webcrypto.RsaHashedKeyGenParams,
    true,
    ['sign', 'verify'],
  )) as webcrypto.CryptoKeyPair;
  return Object.assign(keys, { keyType });
};

const signingAlgorithmOf = (keys: FixtureKeyPair) => KEY_ALGORITHMS[keys.keyType].sign as webcrypto.Algorithm;

/** PKCS#8 PEM of a key pair's private key. */
export const privateKeyPem = async (keys: webcrypto.CryptoKeyPair): Promise<string> =>
  toPem(new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), 'PRIVATE KEY');

/** SHA-256 of the SubjectPublicKeyInfo, lower-case hex: what `checkCsr` compares for R-CSR-1. */
export const publicKeySha256 = async (keys: webcrypto.CryptoKeyPair): Promise<string> =>
  sha256Hex(await webcrypto.subtle.exportKey('spki', keys.publicKey));

export type FixtureCa = {
  readonly name: string;
  readonly cert: x509.X509Certificate;
  readonly pem: string;
  readonly keys: FixtureKeyPair;
};

export type FixtureCertificate = {
  readonly cert: x509.X509Certificate;
  readonly pem: string;
  readonly keys: FixtureKeyPair;
  readonly keyPem: string;
  /** SHA-256 of the DER, lower-case hex. */
  readonly fingerprintSha256Hex: string;
  readonly publicKeySha256: string;
};

const caExtensions = async (keys: FixtureKeyPair) => [
  new x509.BasicConstraintsExtension(true, undefined, true),
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
];

/**
 * A CA certificate: self-signed root without `issuer`, an intermediate under `issuer` otherwise.
 * Valid 2020–2040 so that it never gets in the way of a leaf's dates.
 */
export const makeCa = async (
  options: { readonly cn?: string; readonly issuer?: FixtureCa; readonly keyType?: FixtureKeyType } = {},
): Promise<FixtureCa> => {
  const keys = await makeKeyPair(options.keyType ?? 'ec-p256');
  const name = `C=JP, O=Kigen Test CA, CN=${options.cn ?? (options.issuer ? 'Kigen Test Intermediate CA' : 'Kigen Test Root CA')}`;
  const common = {
    serialNumber: randomSerial(),
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    extensions: await caExtensions(keys),
  };
  const cert = options.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: name,
        issuer: options.issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: options.issuer.keys.privateKey,
        signingAlgorithm: signingAlgorithmOf(options.issuer.keys),
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        ...common,
        name,
        keys,
        signingAlgorithm: signingAlgorithmOf(keys),
      });
  return { name, cert, pem: cert.toString('pem'), keys };
};

let cachedChain: Promise<{ root: FixtureCa; intermediate: FixtureCa }> | undefined;

/** One root and one intermediate per test process, shared: CA keys never matter to a test. */
export const testCas = (): Promise<{ root: FixtureCa; intermediate: FixtureCa }> => {
  cachedChain ??= (async () => {
    const root = await makeCa();
    const intermediate = await makeCa({ issuer: root });
    return { root, intermediate };
  })();
  return cachedChain;
};

const randomSerial = (): string => {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive, as RFC 5280 requires
  return Buffer.from(bytes).toString('hex');
};

export type MakeCertificateOptions = {
  readonly cn: string;
  /** DNS SANs; default: the CN. Pass [] for none. */
  readonly sans?: readonly string[];
  readonly notBefore?: Date;
  /** Default: notBefore + 397 days. */
  readonly notAfter?: Date;
  /** Default: the shared test intermediate CA. */
  readonly issuer?: FixtureCa;
  readonly keyType?: FixtureKeyType;
  /** Reuse a key pair, e.g. to make a certificate for a CSR's key. */
  readonly keys?: FixtureKeyPair;
  /** Extra subject attributes before the CN, in DN string syntax, e.g. 'C=JP, O=Example'. */
  readonly subjectPrefix?: string;
  readonly serialNumber?: string;
};

const leafExtensions = async (keys: FixtureKeyPair, sans: readonly string[]) => [
  new x509.BasicConstraintsExtension(false, undefined, true),
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
  new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
  await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ...(sans.length === 0
    ? []
    : [new x509.SubjectAlternativeNameExtension(sans.map((value) => ({ type: 'dns' as const, value })))]),
];

const describeFixture = async (
  cert: x509.X509Certificate,
  keys: FixtureKeyPair,
): Promise<FixtureCertificate> => ({
  cert,
  pem: cert.toString('pem'),
  keys,
  keyPem: await privateKeyPem(keys),
  fingerprintSha256Hex: sha256Hex(cert.rawData),
  publicKeySha256: await publicKeySha256(keys),
});

/** A server certificate issued by `issuer` (default: the shared test intermediate). */
export const makeCertificate = async (options: MakeCertificateOptions): Promise<FixtureCertificate> => {
  const issuer = options.issuer ?? (await testCas()).intermediate;
  const keys = options.keys ?? (await makeKeyPair(options.keyType));
  const notBefore = options.notBefore ?? DEFAULT_NOT_BEFORE;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: options.serialNumber ?? randomSerial(),
    subject: subjectOf(options),
    issuer: issuer.cert.subject,
    notBefore,
    notAfter: options.notAfter ?? new Date(notBefore.getTime() + 397 * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: signingAlgorithmOf(issuer.keys),
    extensions: await leafExtensions(keys, options.sans ?? [options.cn]),
  });
  return describeFixture(cert, keys);
};

/** A self-signed server certificate (not a CA), as appliances and test servers make them. */
export const makeSelfSignedCertificate = async (
  options: Omit<MakeCertificateOptions, 'issuer'>,
): Promise<FixtureCertificate> => {
  const keys = options.keys ?? (await makeKeyPair(options.keyType));
  const notBefore = options.notBefore ?? DEFAULT_NOT_BEFORE;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: options.serialNumber ?? randomSerial(),
    name: subjectOf(options),
    notBefore,
    notAfter: options.notAfter ?? new Date(notBefore.getTime() + 397 * DAY_MS),
    keys,
    signingAlgorithm: signingAlgorithmOf(keys),
    extensions: await leafExtensions(keys, options.sans ?? [options.cn]),
  });
  return describeFixture(cert, keys);
};

/**
 * What a CA issues for a CSR: a server certificate with the CSR's subject and public key (and its DNS
 * SANs, else the CN), signed by `issuer` (default: the shared test intermediate). The private key stays
 * wherever the CSR was made.
 */
export const makeCertificateForCsr = async (
  csrPem: string,
  options: {
    readonly notBefore?: Date;
    /** Default: notBefore + 397 days. */
    readonly notAfter?: Date;
    readonly issuer?: FixtureCa;
  } = {},
): Promise<{
  readonly cert: x509.X509Certificate;
  readonly pem: string;
  readonly fingerprintSha256Hex: string;
}> => {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  const issuer = options.issuer ?? (await testCas()).intermediate;
  const san = csr.extensions.find(
    (e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension,
  );
  const requested = san?.names.items ?? [];
  const cn = csr.subjectName.getField('CN')[0];
  const sans: string[] = requested.filter((n) => n.type === 'dns').map((n) => n.value);
  const notBefore = options.notBefore ?? DEFAULT_NOT_BEFORE;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: csr.subjectName,
    issuer: issuer.cert.subject,
    notBefore,
    notAfter: options.notAfter ?? new Date(notBefore.getTime() + 397 * DAY_MS),
    publicKey: csr.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: signingAlgorithmOf(issuer.keys),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        (sans.length > 0 ? sans : cn ? [cn] : []).map((value: string) => ({ type: 'dns' as const, value })),
      ),
    ],
  });
  return { cert, pem: cert.toString('pem'), fingerprintSha256Hex: sha256Hex(cert.rawData) };
};

/** Leaf, intermediate and root PEMs of one chain, leaf first. */
export const makeChain = async (
  options: MakeCertificateOptions,
): Promise<{ leaf: FixtureCertificate; intermediatePem: string; rootPem: string }> => {
  const { root, intermediate } = await testCas();
  const leaf = await makeCertificate({ issuer: intermediate, ...options });
  return { leaf, intermediatePem: intermediate.pem, rootPem: root.pem };
};

const subjectOf = (options: { readonly cn: string; readonly subjectPrefix?: string }): x509.Name =>
  new x509.Name([
    ...(options.subjectPrefix ? new x509.Name(options.subjectPrefix).toJSON() : []),
    { CN: [{ utf8String: options.cn }] },
  ]);

export type MakeCsrOptions = {
  readonly cn: string;
  /** Extra subject attributes before the CN, in DN string syntax, e.g. 'C=JP, ST=Tokyo, O=Example'. */
  readonly subjectPrefix?: string;
  /** DNS SANs in an extensionRequest; default: none. */
  readonly sans?: readonly string[];
  readonly keys?: FixtureKeyPair;
  readonly keyType?: FixtureKeyType;
};

export type FixtureCsr = {
  readonly pem: string;
  readonly keys: FixtureKeyPair;
  readonly publicKeySha256: string;
};

/** A CSR signed with its own key, like `openssl req -new`. */
export const makeCsr = async (options: MakeCsrOptions): Promise<FixtureCsr> => {
  const keys = options.keys ?? (await makeKeyPair(options.keyType));
  const sans = options.sans ?? [];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectOf(options),
    keys,
    signingAlgorithm: signingAlgorithmOf(keys),
    extensions:
      sans.length === 0
        ? []
        : [new x509.SubjectAlternativeNameExtension(sans.map((value) => ({ type: 'dns' as const, value })))],
  });
  return { pem: csr.toString('pem'), keys, publicKeySha256: await publicKeySha256(keys) };
};

/**
 * A CSR whose signature no longer matches: the last byte of the DER, which lies inside the signature
 * BIT STRING, is flipped, so the structure still parses.
 */
export const makeCsrWithBrokenSignature = async (options: MakeCsrOptions): Promise<FixtureCsr> => {
  const good = await makeCsr(options);
  const der = new Uint8Array(new x509.Pkcs10CertificateRequest(good.pem).rawData);
  der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
  return { ...good, pem: toPem(der, 'CERTIFICATE REQUEST') };
};

/** Checks a PKCS#8 PEM with Node's own parser, for tests that want to know it is a usable key. */
export const describePrivateKeyPem = (pem: string) => {
  const key = createPrivateKey(pem);
  return { type: key.asymmetricKeyType, details: key.asymmetricKeyDetails };
};
