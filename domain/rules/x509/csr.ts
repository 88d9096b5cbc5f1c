import { sameCommonName } from '../host-name-comparison.ts';
import { err, ok, type Result } from '../result.ts';
import { lastCommonName } from './certificate.ts';
import { x509 } from './peculiar.ts';
import { extractPemBlocks, isPrivateKeyLabel, toPem } from './pem-blocks.ts';
import { describePublicKey, normalizeSha256Hex, type PublicKeyFacts } from './public-key-facts.ts';

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

/** Subject fields as the application form has them (see `Dn`); null where the CSR has none. */
export type CsrSubjectFields = {
  readonly c: string | null;
  readonly st: string | null;
  readonly l: string | null;
  readonly o: string | null;
  readonly ou: string | null;
  readonly cn: string | null;
};

/** What Kigen shows about a CSR and records for the application. */
export type CsrFacts = {
  /** RFC 4514-style subject string. */
  readonly subject: string;
  readonly subjectFields: CsrSubjectFields;
  /** The subject's (most specific) CN; null when it has none. */
  readonly commonName: string | null;
  /** DNS names requested in a subjectAltName extension, if any (the CA may add its own). */
  readonly dnsNames: readonly string[];
  readonly publicKey: PublicKeyFacts;
  /** The CSR alone, re-armoured with LF line ends: what is sent to the CA. */
  readonly pem: string;
};

export type CsrParseReason =
  | 'csr.empty'
  | 'csr.too_large'
  | 'csr.not_pem'
  | 'csr.not_a_csr'
  | 'csr.malformed'
  | 'csr.multiple'
  | 'csr.private_key_included';

export type CsrCheckReason =
  | CsrParseReason
  | 'csr.bad_signature'
  | 'csr.cn_mismatch'
  | 'csr.weak_key'
  | 'csr.unsupported_key';

/** A CSR that may be used for the application. */
export type CheckedCsr = {
  readonly csr: CsrFacts;
  /** The key pair was used before: the UI must ask for explicit confirmation. */
  readonly reusesPreviousKey: boolean;
};

export const MIN_RSA_BITS = 2048;
export const ACCEPTED_EC_CURVES: readonly string[] = ['P-256', 'P-384'];

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

const PEM_REASONS = { empty: 'csr.empty', too_large: 'csr.too_large', not_pem: 'csr.not_pem' } as const;

type ParsedCsr = { readonly facts: CsrFacts; readonly request: x509.Pkcs10CertificateRequest };

const firstField = (name: x509.Name, type: string): string | null => name.getField(type)[0] ?? null;

const dnsNamesOf = (request: x509.Pkcs10CertificateRequest): string[] => {
  try {
    const extension = request.getExtension(SUBJECT_ALT_NAME_OID);
    if (extension === null) return [];
    return new x509.SubjectAlternativeNameExtension(extension.rawData).names.items
      .filter((n) => n.type === 'dns')
      .map((n) => n.value);
  } catch {
    // Exotic name forms the library cannot read: the DNS names are then unknown, the CSR still usable.
    return [];
  }
};

const parse = (text: string): Result<ParsedCsr, CsrParseReason> => {
  const blocks = extractPemBlocks(text);
  if (!blocks.ok) return err(PEM_REASONS[blocks.reason], blocks.params);
  // A CSR is often pasted together with the key openssl wrote next to it: that key is now exposed.
  if (blocks.value.some((b) => isPrivateKeyLabel(b.label))) return err('csr.private_key_included');

  const csrBlocks = blocks.value.filter((b) => CSR_LABELS.has(b.label));
  if (csrBlocks.length === 0) return err('csr.not_a_csr', { found: blocks.value[0]?.label ?? null });
  if (csrBlocks.length > 1) return err('csr.multiple', { count: csrBlocks.length });
  const der = csrBlocks[0]?.der ?? new Uint8Array();
  if (der.length === 0) return err('csr.malformed');

  try {
    const request = new x509.Pkcs10CertificateRequest(der);
    const name = request.subjectName;
    const facts: CsrFacts = {
      subject: request.subject,
      subjectFields: {
        c: firstField(name, 'C'),
        st: firstField(name, 'ST'),
        l: firstField(name, 'L'),
        o: firstField(name, 'O'),
        ou: firstField(name, 'OU'),
        cn: lastCommonName(name),
      },
      commonName: lastCommonName(name),
      dnsNames: dnsNamesOf(request),
      publicKey: describePublicKey(request.publicKey.rawData),
      pem: toPem(der, 'CERTIFICATE REQUEST'),
    };
    return ok({ facts, request });
  } catch {
    return err('csr.malformed');
  }
};

/** Parses a pasted CSR (any text around it is ignored) without judging it: see `checkCsr`. */
export const parseCsr = (text: string): Result<CsrFacts, CsrParseReason> => {
  const parsed = parse(text);
  return parsed.ok ? ok(parsed.value.facts) : parsed;
};

/** RSA of at least 2048 bits, or EC on P-256 / P-384; everything else is refused. */
const keyProblem = (key: PublicKeyFacts): Result<null, 'csr.weak_key' | 'csr.unsupported_key'> => {
  if (key.algorithm === 'rsa') {
    return key.bits !== null && key.bits >= MIN_RSA_BITS
      ? ok(null)
      : err('csr.weak_key', { algorithm: 'rsa', bits: key.bits, minBits: MIN_RSA_BITS });
  }
  if (key.algorithm === 'ec' && key.curve !== null && ACCEPTED_EC_CURVES.includes(key.curve)) return ok(null);
  return err('csr.unsupported_key', { algorithm: key.algorithm, curve: key.curve, bits: key.bits });
};

const hasValidSelfSignature = async (request: x509.Pkcs10CertificateRequest): Promise<boolean> => {
  try {
    return await request.verify();
  } catch {
    // An algorithm WebCrypto cannot verify proves nothing about the CSR, so it counts as a bad signature.
    return false;
  }
};

/**
 * R-CSR-2: a submitted CSR must parse, carry a valid self-signature, have CN = contract CN (case does
 * not matter; a wildcard is compared literally) and an acceptable key. The first problem found is
 * returned, in that order, except that the key is judged before the signature (a key WebCrypto
 * cannot use would otherwise read as a bad signature).
 * R-CSR-1: the same key as last time is allowed but flagged, so that the UI asks for confirmation.
 */
export const checkCsr = async (
  text: string,
  options: { readonly contractCn: string; readonly previousPublicKeySha256s: readonly string[] },
): Promise<Result<CheckedCsr, CsrCheckReason>> => {
  const parsed = parse(text);
  if (!parsed.ok) return parsed;
  const { facts, request } = parsed.value;

  const key = keyProblem(facts.publicKey);
  if (!key.ok) return key;
  if (!(await hasValidSelfSignature(request))) return err('csr.bad_signature');
  if (facts.commonName === null || !sameCommonName(facts.commonName, options.contractCn)) {
    return err('csr.cn_mismatch', { expectedCn: options.contractCn, actualCn: facts.commonName });
  }

  const previous = new Set(options.previousPublicKeySha256s.map(normalizeSha256Hex));
  return ok({ csr: facts, reusesPreviousKey: previous.has(facts.publicKey.spkiSha256) });
};
