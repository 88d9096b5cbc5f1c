import { createHash, createPublicKey } from 'node:crypto';

/** Named curves as WebCrypto and the CAs call them, from OpenSSL's names. */
const CURVE_NAMES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

export type PublicKeyAlgorithm = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';

/** What the UI shows about a key and what R-CSR-1 / R-CSR-2 decide on. */
export type PublicKeyFacts = {
  readonly algorithm: PublicKeyAlgorithm;
  /** RSA modulus length, or the curve's field size for EC keys; null where it means nothing. */
  readonly bits: number | null;
  /** 'P-256', 'P-384', 'P-521' or OpenSSL's name of another curve; null for non-EC keys. */
  readonly curve: string | null;
  /** SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex: identifies a key pair across CSRs and certificates. */
  readonly spkiSha256: string;
};

const CURVE_BITS: Readonly<Record<string, number>> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 };

/** SHA-256 of bytes, lower-case hex. */
export const sha256Hex = (data: Uint8Array | ArrayBuffer): string =>
  createHash('sha256')
    .update(data instanceof Uint8Array ? data : new Uint8Array(data))
    .digest('hex');

/** Describes a DER SubjectPublicKeyInfo; Node's own key parser knows more key types than we accept. */
export const describePublicKey = (spki: Uint8Array | ArrayBuffer): PublicKeyFacts => {
  const der = Buffer.from(spki instanceof Uint8Array ? spki : new Uint8Array(spki));
  const spkiSha256 = sha256Hex(der);
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    // e.g. an EC key on a curve OpenSSL does not know: described, then refused by the caller.
    return { algorithm: 'unknown', bits: null, curve: null, spkiSha256 };
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return {
        algorithm: key.asymmetricKeyType,
        bits: details.modulusLength ?? null,
        curve: null,
        spkiSha256,
      };
    case 'ec': {
      const raw = details.namedCurve ?? null;
      const curve = raw === null ? null : (CURVE_NAMES[raw] ?? raw);
      return {
        algorithm: 'ec',
        bits: curve === null ? null : (CURVE_BITS[curve] ?? null),
        curve,
        spkiSha256,
      };
    }
    case 'ed25519':
    case 'ed448':
    case 'dsa':
      return {
        algorithm: key.asymmetricKeyType,
        bits: details.modulusLength ?? null,
        curve: null,
        spkiSha256,
      };
    default:
      return { algorithm: 'unknown', bits: null, curve: null, spkiSha256 };
  }
};

/** Accepts a SPKI SHA-256 written with colons, spaces or upper case, as people copy them. */
export const normalizeSha256Hex = (hex: string): string => hex.replace(/[\s:]/g, '').toLowerCase();
