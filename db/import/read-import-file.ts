import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';

export type ImportProblem = { readonly path: string; readonly line?: number; readonly message: string };

export interface ImportSource {
  /** The parsed document, not yet validated. */
  readonly data: unknown;
  /** The file's directory: certificate paths are relative to it. */
  readonly baseDir: string;
  /** Line of a value in the file (or of its nearest parent that exists), for messages. */
  lineOf(at: readonly (string | number)[]): number | undefined;
}

const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** Reads a YAML or JSON import file (JSON is YAML), keeping line numbers for error messages. */
export async function readImportFile(
  file: string,
): Promise<{ ok: true; value: ImportSource } | { ok: false; problems: ImportProblem[] }> {
  let text: string;
  try {
    const buffer = await readFile(file);
    if (buffer.byteLength > MAX_FILE_BYTES) {
      return {
        ok: false,
        problems: [{ path: file, message: `file is larger than ${MAX_FILE_BYTES} bytes` }],
      };
    }
    text = buffer.toString('utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: file, message: `cannot read: ${(error as NodeJS.ErrnoException).code}` }],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        path: file,
        line: e.linePos?.[0]?.line,
        message: `not valid YAML/JSON: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  return {
    ok: true,
    value: {
      data: doc.toJS({ maxAliasCount: 100 }),
      baseDir: path.dirname(path.resolve(file)),
      lineOf(at) {
        for (let n = at.length; n >= 0; n--) {
          const node = doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
          if (node && (node.range || isMap(node) || isSeq(node)) && node.range) {
            return lineCounter.linePos(node.range[0]).line;
          }
        }
        return undefined;
      },
    },
  };
}

/** `serviceGroups[0].contracts[2].cn` */
export function formatPath(at: readonly PropertyKey[]): string {
  return at.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
    '',
  );
}
