import { err, ok, type Result } from '../result.ts';

/** Larger pastes are refused before any parsing: a chain of ten certificates is far below this. */
export const MAX_PEM_INPUT_BYTES = 64 * 1024;

/** One `-----BEGIN <label>-----` … `-----END <label>-----` block, decoded. */
export type PemBlock = { readonly label: string; readonly der: Uint8Array };

export type PemExtractionReason = 'empty' | 'too_large' | 'not_pem';

// Text pasted into Slack often carries a greeting, a code fence, CRLF line ends or stray indentation
// around the armour, so the blocks are searched for anywhere in the text and whitespace inside is dropped.
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Finds every PEM block in pasted text. A block whose body is not base64 comes back with an empty `der`,
 * so that the caller can say which block is broken rather than pretend it is absent.
 */
export const extractPemBlocks = (text: string): Result<PemBlock[], PemExtractionReason> => {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PEM_INPUT_BYTES) return err('too_large', { maxBytes: MAX_PEM_INPUT_BYTES, bytes });
  if (text.trim() === '') return err('empty');

  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const label = match[1] ?? '';
    const body = (match[2] ?? '')
      .split(/\r?\n|\r/)
      // RFC 1421 headers (Proc-Type, DEK-Info) only appear in legacy encrypted keys; they are not base64.
      .filter((line) => !line.includes(':'))
      .join('')
      .replace(/\s+/g, '');
    const der = BASE64.test(body) ? new Uint8Array(Buffer.from(body, 'base64')) : new Uint8Array();
    blocks.push({ label, der });
  }
  if (blocks.length > 0) return ok(blocks);
  // A BEGIN line without its END is most often a paste cut short; the message can say so.
  return text.includes('-----BEGIN ') ? err('not_pem', { truncated: true }) : err('not_pem');
};

/** A private key pasted by mistake must be noticed: it is then compromised and must never be stored. */
export const isPrivateKeyLabel = (label: string): boolean => label.includes('PRIVATE KEY');

/** Re-armours DER as PEM with 64-character lines and LF line ends. */
export const toPem = (der: Uint8Array | ArrayBuffer, label: string): string => {
  const base64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
};
