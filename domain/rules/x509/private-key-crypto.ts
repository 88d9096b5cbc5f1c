import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { err, ok, type Result } from '../result.ts';

/**
 * Private keys at rest (R-CSR-3: stored encrypted) are sealed with AES-256-GCM under a master key
 * from configuration: 32 random bytes (`openssl rand -base64 32`), as 64 hex digits or as base64 /
 * base64url (43–44 characters). Nothing else is accepted, a shorter key or a passphrase included: the
 * configuration refuses it at start (one rule, here, for the configuration and the key maker).
 * From that root, HKDF-SHA-256 derives the encryption key and, separately, a short key id written into
 * each blob, so that a blob sealed under another master key is recognised as such.
 */
export const MASTER_KEY_ENV_VAR = 'KIGEN_MASTER_KEY';
/** The master key's length: AES-256. */
export const MASTER_KEY_BYTES = 32;

const FORMAT_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

declare const masterKeyBrand: unique symbol;
/** A parsed master key. It holds no key bytes itself: printing or serialising it shows only its id. */
export type MasterKey = { readonly id: string; readonly [masterKeyBrand]: true };

const encryptionKeys = new WeakMap<MasterKey, Buffer>();

export type MasterKeyReason = 'keys.master_key_missing' | 'keys.master_key_invalid';
export type PrivateKeyDecryptionReason = 'keys.tampered' | 'keys.wrong_master_key';

const derive = (root: Buffer, info: string, bytes: number): Buffer =>
  Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), info, bytes));

const rootKeyOf = (text: string): Buffer | null => {
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_KEY.test(text)) {
    const bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
    if (bytes.length === MASTER_KEY_BYTES) return bytes;
  }
  return null;
};

/**
 * Reads the configured master key (`KIGEN_MASTER_KEY`). Without one, callers must refuse to generate
 * keys rather than store them in clear. Error parameters never carry any of the configured text.
 */
export const parseMasterKey = (raw: string | undefined): Result<MasterKey, MasterKeyReason> => {
  const text = raw?.trim() ?? '';
  if (text === '') return err('keys.master_key_missing', { envVar: MASTER_KEY_ENV_VAR });
  const root = rootKeyOf(text);
  if (root === null) {
    return err('keys.master_key_invalid', { envVar: MASTER_KEY_ENV_VAR, bytes: MASTER_KEY_BYTES });
  }
  const id = derive(root, 'kigen/master-key/id', 4).toString('hex');
  const key = Object.freeze({
    id,
    toString: () => `MasterKey(${id})`,
    toJSON: () => ({ id }),
    [inspect.custom]: () => `MasterKey(${id})`,
  }) as unknown as MasterKey;
  encryptionKeys.set(key, derive(root, 'kigen/private-key/aes-256-gcm/v1', 32));
  return ok(key);
};

/** 32 fresh random bytes in base64: a value for `KIGEN_MASTER_KEY`. */
export const newMasterKeyText = (): string => randomBytes(32).toString('base64');

const encryptionKeyOf = (masterKey: MasterKey): Buffer => {
  const key = encryptionKeys.get(masterKey);
  if (key === undefined) throw new TypeError('not a MasterKey from parseMasterKey');
  return key;
};

// The version and key id are authenticated too, and an optional context (say, the contract id) binds a
// blob to its row, so that a blob copied to another row does not decrypt there.
const additionalData = (keyId: string, context: string | undefined): Buffer =>
  Buffer.from(
    `kigen-private-key:${FORMAT_VERSION}:${keyId}${context === undefined ? '' : `:${context}`}`,
    'utf8',
  );

/**
 * Seals a private key PEM as `v1:<key id>:<iv b64>:<tag b64>:<ciphertext b64>`, with a fresh 96-bit IV
 * every time. Pass the same `context` to `decryptPrivateKey`.
 */
export const encryptPrivateKey = (
  privateKeyPem: string,
  masterKey: MasterKey,
  options: { readonly context?: string } = {},
): string => {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', encryptionKeyOf(masterKey), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(masterKey.id, options.context));
  const ciphertext = Buffer.concat([cipher.update(privateKeyPem, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    FORMAT_VERSION,
    masterKey.id,
    iv.toString('base64'),
    tag.toString('base64'),
    ciphertext.toString('base64'),
  ].join(':');
};

const decodeBase64 = (text: string, expectedBytes?: number): Buffer | null => {
  if (!BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return expectedBytes === undefined || bytes.length === expectedBytes ? bytes : null;
};

/**
 * Opens a blob from `encryptPrivateKey`. Any change to it, or another `context`, gives 'keys.tampered';
 * a blob sealed under another master key gives 'keys.wrong_master_key' with both key ids (never key bytes).
 */
export const decryptPrivateKey = (
  blob: string,
  masterKey: MasterKey,
  options: { readonly context?: string } = {},
): Result<string, PrivateKeyDecryptionReason> => {
  const parts = blob.trim().split(':');
  const [version, keyId, ivText, tagText, ciphertextText] = parts;
  if (parts.length !== 5 || version === undefined || keyId === undefined) {
    return err('keys.tampered', { problem: 'format' });
  }
  if (version !== FORMAT_VERSION) return err('keys.tampered', { problem: 'unsupported_version' });
  if (keyId !== masterKey.id)
    return err('keys.wrong_master_key', { blobKeyId: keyId, masterKeyId: masterKey.id });

  const iv = decodeBase64(ivText ?? '', IV_BYTES);
  const tag = decodeBase64(tagText ?? '', TAG_BYTES);
  const ciphertext = decodeBase64(ciphertextText ?? '');
  if (iv === null || tag === null || ciphertext === null) return err('keys.tampered', { problem: 'format' });

  try {
    const decipher = createDecipheriv('aes-256-gcm', encryptionKeyOf(masterKey), iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(additionalData(keyId, options.context));
    decipher.setAuthTag(tag);
    return ok(Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8'));
  } catch {
    return err('keys.tampered', { problem: 'authentication' });
  }
};
