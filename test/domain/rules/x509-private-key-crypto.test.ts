import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  decryptPrivateKey,
  encryptPrivateKey,
  type MasterKey,
  newMasterKeyText,
  parseMasterKey,
} from '../../../domain/rules/x509/private-key-crypto.ts';

const HEX_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const BASE64_KEY = Buffer.from(HEX_KEY, 'hex').toString('base64');
const PASSPHRASE = 'correct horse battery staple';
const OTHER_KEY = 'ff'.repeat(32);
const KEY_PEM =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';

const masterKey = (raw: string): MasterKey => {
  const parsed = parseMasterKey(raw);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};

/** Flips one bit of the base64 field at `index` of a `v1:id:iv:tag:ciphertext` blob. */
const flipByteOfField = (blob: string, index: number): string => {
  const parts = blob.split(':');
  const bytes = Buffer.from(parts[index] ?? '', 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[index] = bytes.toString('base64');
  return parts.join(':');
};

describe('parseMasterKey', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '  \n'],
  ])('R-CSR-3: refuses a %s master key, so that no key is ever stored in clear', (_situation, raw) => {
    expect(parseMasterKey(raw)).toEqual({
      ok: false,
      reason: 'keys.master_key_missing',
      params: { envVar: 'KIGEN_MASTER_KEY' },
    });
  });

  it.each([
    ['a short text', 'short'],
    ['a passphrase', PASSPHRASE],
    ['16 bytes as hex', HEX_KEY.slice(0, 32)],
    ['16 bytes as base64', Buffer.from(HEX_KEY.slice(0, 32), 'hex').toString('base64')],
    ['33 bytes as hex', `${HEX_KEY}00`],
    ['64 characters that are not hex', 'g'.repeat(64)],
  ])('refuses %s: only 32 bytes (hex or base64) are a master key, and it is not echoed', (_kind, raw) => {
    expect(parseMasterKey(raw)).toEqual({
      ok: false,
      reason: 'keys.master_key_invalid',
      params: { envVar: 'KIGEN_MASTER_KEY', bytes: 32 },
    });
  });

  it('reads the same 32 bytes as hex, base64 and base64url', () => {
    expect(masterKey(HEX_KEY).id).toBe(masterKey(BASE64_KEY).id);
    expect(masterKey(Buffer.from(HEX_KEY, 'hex').toString('base64url')).id).toBe(masterKey(HEX_KEY).id);
    expect(masterKey(`${HEX_KEY}\n`).id).toBe(masterKey(HEX_KEY).id);
    expect(masterKey(HEX_KEY).id).toMatch(/^[0-9a-f]{8}$/);
    expect(masterKey(newMasterKeyText()).id).not.toBe(masterKey(newMasterKeyText()).id);
  });

  it('never shows key material when printed or serialised', () => {
    const key = masterKey(HEX_KEY);
    for (const shown of [JSON.stringify(key), inspect(key), String(key)]) {
      expect(shown).toContain(key.id);
      expect(shown).not.toContain(HEX_KEY.slice(0, 16));
      expect(shown).not.toContain(BASE64_KEY.slice(0, 16));
    }
  });
});

describe('encryptPrivateKey / decryptPrivateKey', () => {
  it.each([
    ['a hex key', HEX_KEY],
    ['a base64 key', BASE64_KEY],
    ['a fresh key', newMasterKeyText()],
  ])('R-CSR-3: round-trips a private key under %s', (_kind, raw) => {
    const key = masterKey(raw);
    const blob = encryptPrivateKey(KEY_PEM, key);
    expect(blob).toMatch(new RegExp(`^v1:${key.id}:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$`));
    expect(blob).not.toContain('PRIVATE KEY');
    expect(decryptPrivateKey(blob, key)).toEqual({ ok: true, value: KEY_PEM });
  });

  it('uses a fresh IV every time', () => {
    const key = masterKey(HEX_KEY);
    expect(encryptPrivateKey(KEY_PEM, key)).not.toBe(encryptPrivateKey(KEY_PEM, key));
  });

  it.each([
    ['the IV', 2],
    ['the tag', 3],
    ['the ciphertext', 4],
  ])('detects a change to %s', (_field, index) => {
    const key = masterKey(HEX_KEY);
    const blob = flipByteOfField(encryptPrivateKey(KEY_PEM, key), index);
    expect(decryptPrivateKey(blob, key)).toEqual({
      ok: false,
      reason: 'keys.tampered',
      params: { problem: 'authentication' },
    });
  });

  it.each([
    ['a truncated blob', (blob: string) => blob.split(':').slice(0, 4).join(':'), 'format'],
    ['an unknown version', (blob: string) => blob.replace(/^v1:/, 'v9:'), 'unsupported_version'],
    ['a shortened IV', (blob: string) => blob.replace(/^(v1:[^:]+:)[^:]{4}/, '$1'), 'format'],
    ['characters outside base64', (blob: string) => `${blob}!`, 'format'],
  ])('refuses %s as tampered', (_situation, change, problem) => {
    const key = masterKey(HEX_KEY);
    const blob = change(encryptPrivateKey(KEY_PEM, key));
    expect(decryptPrivateKey(blob, key)).toEqual({ ok: false, reason: 'keys.tampered', params: { problem } });
  });

  it('refuses another master key, naming both key ids and nothing else', () => {
    const right = masterKey(HEX_KEY);
    const wrong = masterKey(OTHER_KEY);
    const result = decryptPrivateKey(encryptPrivateKey(KEY_PEM, right), wrong);
    expect(result).toEqual({
      ok: false,
      reason: 'keys.wrong_master_key',
      params: { blobKeyId: right.id, masterKeyId: wrong.id },
    });
  });

  it('refuses another master key even when the key id in the blob was rewritten to match it', () => {
    const right = masterKey(HEX_KEY);
    const wrong = masterKey(OTHER_KEY);
    const blob = encryptPrivateKey(KEY_PEM, right).replace(`:${right.id}:`, `:${wrong.id}:`);
    expect(decryptPrivateKey(blob, wrong)).toMatchObject({ ok: false, reason: 'keys.tampered' });
  });

  it('binds a blob to its context: it does not open under another one', () => {
    const key = masterKey(HEX_KEY);
    const blob = encryptPrivateKey(KEY_PEM, key, { context: 'contract:42' });
    expect(decryptPrivateKey(blob, key, { context: 'contract:42' })).toEqual({ ok: true, value: KEY_PEM });
    expect(decryptPrivateKey(blob, key, { context: 'contract:43' })).toMatchObject({
      reason: 'keys.tampered',
    });
    expect(decryptPrivateKey(blob, key)).toMatchObject({ reason: 'keys.tampered' });
  });
});
