import { isUtf8 } from 'node:buffer';
import path from 'node:path';

/** Where a file stops being UTF-8, and what it probably is instead. */
export type EncodingRefusal = {
  readonly line: number;
  readonly column: number;
  readonly message: string;
};

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * The text of an import file, which must be UTF-8 (with or without a byte order mark). Anything else
 * is refused with the position of the first byte that is not UTF-8 and the iconv command that
 * converts it: Japanese spreadsheets export Shift_JIS (Windows' CP932), older systems EUC-JP, and
 * some editors UTF-16. Reading such a file as UTF-8 would store mojibake.
 */
export function decodeImportText(
  bytes: Uint8Array,
  file: string,
): { ok: true; text: string } | { ok: false; refusal: EncodingRefusal } {
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b) ? UTF8_BOM.length : 0;
  const body = bytes.subarray(bom);
  const refuse = (at: number, what: string, advice: string): { ok: false; refusal: EncodingRefusal } => {
    const lines = new TextDecoder().decode(body.subarray(0, at)).split('\n');
    return {
      ok: false,
      refusal: {
        line: lines.length,
        column: [...(lines.at(-1) ?? '')].length + 1,
        message: `not UTF-8 (byte ${bom + at}): ${what}; ${advice}`,
      },
    };
  };
  const convert = (encoding: string) =>
    `convert it to UTF-8 and import the converted file: iconv -f ${encoding} -t UTF-8 ${shellWord(file)} > ${shellWord(convertedName(file))}`;

  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return refuse(0, 'UTF-16 (it starts with a UTF-16 byte order mark)', convert('UTF-16'));
  }
  const nul = body.indexOf(0);
  if (nul >= 0) {
    const utf16 = guessUtf16(body);
    return utf16
      ? refuse(nul, `probably ${utf16}`, convert(utf16))
      : refuse(nul, 'a NUL byte', 'an import file is text (YAML or JSON)');
  }
  if (isUtf8(body)) return { ok: true, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(body) };

  const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
  const at = firstInvalidByte(body, lenient);
  if (mostlyUtf8(lenient)) {
    return refuse(at, 'a broken character in text that is otherwise UTF-8', 'correct it there');
  }
  const guess = guessJapaneseEncoding(body);
  return guess
    ? refuse(at, `probably ${guess.name}`, convert(guess.iconv))
    : refuse(at, 'its encoding is not one Kigen recognises', convert('ENCODING'));
}

/** `data.yaml` → `data.utf8.yaml`, beside it. */
function convertedName(file: string): string {
  const { dir, name, ext } = path.parse(file);
  return path.join(dir, `${name}.utf8${ext || '.yaml'}`);
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Offset of the first byte that does not decode. The lenient decode `text` made it U+FFFD; everything
 * before it decoded, so its offset is the UTF-8 length of the text before it. A U+FFFD that the file
 * itself contains (EF BF BD) is skipped.
 */
function firstInvalidByte(bytes: Uint8Array, text: string): number {
  const encoder = new TextEncoder();
  let offset = 0;
  let from = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) {
    offset += encoder.encode(text.slice(from, i)).byteLength;
    from = i;
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
  }
  return offset;
}

/** Many characters decoded and few did not: a damaged UTF-8 file rather than another encoding. */
function mostlyUtf8(text: string): boolean {
  let decoded = 0;
  let replaced = 0;
  for (const ch of text) {
    if (ch === '\uFFFD') replaced++;
    else if ((ch.codePointAt(0) ?? 0) >= 0x80) decoded++;
  }
  return decoded >= 10 * replaced;
}

/** UTF-16 without a byte order mark: ASCII text then has a NUL byte in every other position. */
function guessUtf16(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | undefined {
  const sample = bytes.subarray(0, 4096 - (Math.min(bytes.length, 4096) % 2));
  let even = 0;
  let odd = 0;
  sample.forEach((b, i) => {
    if (b === 0) i % 2 === 0 ? even++ : odd++;
  });
  const pairs = sample.length / 2;
  if (odd > pairs / 2 && even === 0) return 'UTF-16LE';
  if (even > pairs / 2 && odd === 0) return 'UTF-16BE';
  return undefined;
}

const decodes = (encoding: string, bytes: Uint8Array): string | undefined => {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
};

/**
 * Shift_JIS or EUC-JP, when the bytes decode as one of them. EUC-JP text often also decodes as
 * Shift_JIS, but then mostly as half-width katakana, which real Shift_JIS text seldom is.
 */
function guessJapaneseEncoding(bytes: Uint8Array): { name: string; iconv: string } | undefined {
  const sjis = decodes('shift_jis', bytes);
  const euc = decodes('euc-jp', bytes);
  if (euc !== undefined && (sjis === undefined || mostlyHalfWidthKatakana(sjis))) {
    return { name: 'EUC-JP', iconv: 'EUC-JP' };
  }
  if (sjis === undefined) return undefined;
  // The decoder reads Windows' Shift_JIS (CP932). iconv's SHIFT_JIS lacks its extensions (㈱, ①,
  // IBM kanji), which Excel writes: name CP932 when the file uses them.
  return usesCp932Extensions(bytes)
    ? { name: 'Shift_JIS (Windows CP932)', iconv: 'CP932' }
    : { name: 'Shift_JIS', iconv: 'SHIFT_JIS' };
}

function mostlyHalfWidthKatakana(text: string): boolean {
  let nonAscii = 0;
  let halfWidth = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) continue;
    nonAscii++;
    if (code >= 0xff61 && code <= 0xff9f) halfWidth++;
  }
  return halfWidth > nonAscii / 2;
}

/** Lead bytes of NEC special characters (0x87), NEC-selected and IBM extensions, user-defined area. */
function usesCp932Extensions(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b < 0x80 || (b >= 0xa1 && b <= 0xdf)) continue;
    if (b === 0x87 || b === 0xed || b === 0xee || b >= 0xf0) return true;
    i++; // the trail byte of a double-byte character
  }
  return false;
}
