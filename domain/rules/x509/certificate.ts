import { err, ok, type Result } from '../result.ts';
import { x509 } from './peculiar.ts';
import { extractPemBlocks, isPrivateKeyLabel, type PemBlock, toPem } from './pem-blocks.ts';
import { describePublicKey, type PublicKeyFacts, sha256Hex } from './public-key-facts.ts';

/** A server certificate with its intermediates and root is 2–4; more is a paste of something else. */
export const MAX_CERTIFICATES_IN_BUNDLE = 10;

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);
// Some CAs hand out the chain as a .p7b; its certificates are taken as if pasted one by one.
const PKCS7_LABELS = new Set(['PKCS7', 'CMS']);

/**
 * What Kigen records and shows about one certificate: R-DN-2 keeps subject, SANs, issuer, validity and
 * fingerprint, never a private key.
 */
export type CertificateFacts = {
  /** RFC 4514-style subject, e.g. `C=JP, O=Example, CN=www.example.jp`. */
  readonly subject: string;
  /** The subject's (most specific) CN; null when the certificate has none. */
  readonly commonName: string | null;
  /** DNS names of the subjectAltName extension, as written. */
  readonly dnsNames: readonly string[];
  readonly issuer: string;
  /** Serial number, lower-case hex without leading zeros. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 of the DER, `AB:CD:…` as browsers and CAs show it. */
  readonly fingerprintSha256: string;
  /** The same fingerprint, plain lower-case hex, for storage and look-ups. */
  readonly fingerprintSha256Hex: string;
  readonly publicKey: PublicKeyFacts;
  /** basicConstraints cA: an intermediate or root. */
  readonly isCa: boolean;
  /** The certificate alone, re-armoured with LF line ends. */
  readonly pem: string;
};

/** A pasted certificate: the server (leaf) certificate and whatever else came with it. */
export type CertificateBundle = {
  readonly leaf: CertificateFacts;
  /** The other certificates: the leaf's issuers first, upwards, then any unrelated ones in pasted order. */
  readonly others: readonly CertificateFacts[];
};

export type CertificateParseReason =
  | 'certificate.empty'
  | 'certificate.too_large'
  | 'certificate.not_pem'
  | 'certificate.not_a_certificate'
  | 'certificate.malformed'
  | 'certificate.too_many'
  | 'certificate.no_leaf'
  | 'certificate.private_key_included';

const PEM_REASONS = {
  empty: 'certificate.empty',
  too_large: 'certificate.too_large',
  not_pem: 'certificate.not_pem',
} as const;

type Parsed = { readonly facts: CertificateFacts; readonly subjectKey: string; readonly issuerKey: string };

const hexWithColons = (hex: string): string => (hex.toUpperCase().match(/../g) ?? []).join(':');

const dnsNamesOf = (cert: x509.X509Certificate): string[] => {
  try {
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    return san === null ? [] : san.names.items.filter((n) => n.type === 'dns').map((n) => n.value);
  } catch {
    // The library refuses some exotic name forms (X.400, EDI party); a TLS certificate that has them
    // is still worth registering, and its DNS names are then unknown rather than the paste refused.
    return [];
  }
};

/** The last CN is the most specific one (RFC 2818); certificates and CSRs normally carry one. */
export const lastCommonName = (name: x509.Name): string | null => name.getField('CN').at(-1) ?? null;

const describe = (der: Uint8Array): Parsed => {
  const cert = new x509.X509Certificate(der);
  const hex = sha256Hex(der);
  const facts: CertificateFacts = {
    subject: cert.subject,
    commonName: lastCommonName(cert.subjectName),
    dnsNames: dnsNamesOf(cert),
    issuer: cert.issuer,
    serialNumber: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    fingerprintSha256: hexWithColons(hex),
    fingerprintSha256Hex: hex,
    publicKey: describePublicKey(cert.publicKey.rawData),
    isCa: cert.getExtension(x509.BasicConstraintsExtension)?.ca ?? false,
    pem: toPem(der, 'CERTIFICATE'),
  };
  // Issuer links are followed by name, on the DER encoding so that spelling differences in the
  // string form cannot break a chain.
  return {
    facts,
    subjectKey: Buffer.from(cert.subjectName.toArrayBuffer()).toString('hex'),
    issuerKey: Buffer.from(cert.issuerName.toArrayBuffer()).toString('hex'),
  };
};

const certificateDers = (blocks: readonly PemBlock[]): Result<Uint8Array[], CertificateParseReason> => {
  const ders: Uint8Array[] = [];
  for (const [index, block] of blocks.entries()) {
    if (CERTIFICATE_LABELS.has(block.label)) {
      if (block.der.length === 0) return err('certificate.malformed', { position: index + 1 });
      ders.push(block.der);
    } else if (PKCS7_LABELS.has(block.label)) {
      try {
        for (const cert of new x509.X509Certificates(block.der)) ders.push(new Uint8Array(cert.rawData));
      } catch {
        return err('certificate.malformed', { position: index + 1 });
      }
    }
  }
  if (ders.length === 0) return err('certificate.not_a_certificate', { found: blocks[0]?.label ?? null });
  return ok(ders);
};

const issues = (issuer: Parsed, subject: Parsed): boolean =>
  issuer !== subject && issuer.subjectKey === subject.issuerKey;

/**
 * The leaf is the certificate that issues no other one in the bundle, so the order of the paste does
 * not matter. When several qualify (say leaf + root without the intermediate), a non-CA certificate
 * wins, then one that is not self-issued.
 */
const findLeaf = (certs: readonly Parsed[]): Parsed | null => {
  const candidates = certs.filter((c) => !certs.some((other) => issues(c, other)));
  const narrowings: ((c: Parsed) => boolean)[] = [(c) => !c.facts.isCa, (c) => c.subjectKey !== c.issuerKey];
  let remaining = candidates;
  if (remaining.length === 1) return remaining[0] ?? null;
  for (const keep of narrowings) {
    const narrowed = remaining.filter(keep);
    if (narrowed.length === 1) return narrowed[0] ?? null;
    if (narrowed.length > 1) remaining = narrowed;
  }
  return null;
};

const orderFromLeaf = (leaf: Parsed, certs: readonly Parsed[]): Parsed[] => {
  const ordered: Parsed[] = [];
  const seen = new Set<Parsed>([leaf]);
  for (let current = leaf; ; ) {
    const issuer = certs.find((c) => !seen.has(c) && issues(c, current));
    if (issuer === undefined) break;
    ordered.push(issuer);
    seen.add(issuer);
    current = issuer;
  }
  return [...ordered, ...certs.filter((c) => !seen.has(c))];
};

/**
 * Parses a pasted certificate or chain, in any order and with any text around it, and finds the
 * server certificate in it. Failures are values; nothing here throws on user input.
 */
export const parseCertificateBundle = (text: string): Result<CertificateBundle, CertificateParseReason> => {
  const blocks = extractPemBlocks(text);
  if (!blocks.ok) return err(PEM_REASONS[blocks.reason], blocks.params);
  // Checked before anything else: whatever else is wrong, the user must learn that the key is exposed.
  if (blocks.value.some((b) => isPrivateKeyLabel(b.label))) return err('certificate.private_key_included');

  const ders = certificateDers(blocks.value);
  if (!ders.ok) return ders;
  if (ders.value.length > MAX_CERTIFICATES_IN_BUNDLE) {
    return err('certificate.too_many', { max: MAX_CERTIFICATES_IN_BUNDLE, count: ders.value.length });
  }

  const parsed: Parsed[] = [];
  for (const [index, der] of ders.value.entries()) {
    let cert: Parsed;
    try {
      cert = describe(der);
    } catch {
      return err('certificate.malformed', { position: index + 1 });
    }
    // The same certificate pasted twice is one certificate, not a second leaf candidate.
    if (!parsed.some((p) => p.facts.fingerprintSha256Hex === cert.facts.fingerprintSha256Hex))
      parsed.push(cert);
  }

  const leaf = findLeaf(parsed);
  if (leaf === null) return err('certificate.no_leaf', { count: parsed.length });
  return ok({ leaf: leaf.facts, others: orderFromLeaf(leaf, parsed).map((p) => p.facts) });
};

export type CertificateValidity = 'not_yet_valid' | 'valid' | 'expired';

/** Where `now` falls in the certificate's validity (the domain has no clock: the caller passes it). */
export const validityAt = (
  facts: Pick<CertificateFacts, 'notBefore' | 'notAfter'>,
  now: Date,
): CertificateValidity => {
  if (now.getTime() < facts.notBefore.getTime()) return 'not_yet_valid';
  if (now.getTime() > facts.notAfter.getTime()) return 'expired';
  return 'valid';
};
