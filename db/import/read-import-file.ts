import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { decodeImportText } from './import-encoding.ts';
import { documentProblem, MAX_DEPTH, MAX_FILE_BYTES } from './import-limits.ts';

/**
 * One problem of an import file: `path` is the value's path in the file (`serviceGroups[0].name`,
 * '' for the top level), or the file's own name when the file cannot be used as a whole.
 */
export type ImportProblem = {
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
};

export interface ImportSource {
  /** The parsed document, not yet validated. */
  readonly data: unknown;
  /** The file's directory: certificate paths are relative to it. */
  readonly baseDir: string;
  /** Line of a value in the file (or of its nearest parent that exists), for messages. */
  lineOf(at: readonly (string | number)[]): number | undefined;
}

type ReadResult = { ok: true; value: ImportSource } | { ok: false; problems: [ImportProblem] };

/**
 * Reads a YAML or JSON import file (JSON is YAML), keeping line numbers for error messages. A file
 * that cannot be used as a whole (not UTF-8, not YAML, beyond a limit of import-limits.ts) gives one
 * problem naming the file and the line.
 */
export async function readImportFile(file: string): Promise<ReadResult> {
  const refuse = (message: string, at?: { line: number; column: number }): ReadResult => ({
    ok: false,
    problems: [{ path: file, ...at, message }],
  });
  let bytes: Buffer;
  try {
    const { size } = await stat(file);
    if (size > MAX_FILE_BYTES) {
      return refuse(
        `${size.toLocaleString('en-US')} bytes, more than the ${MAX_FILE_BYTES / 1024 / 1024} MiB of an import file: split it into several files`,
      );
    }
    bytes = await readFile(file);
  } catch (error) {
    return refuse(`cannot read: ${(error as NodeJS.ErrnoException).code}`);
  }
  const decoded = decodeImportText(bytes, file);
  if (!decoded.ok) {
    const { line, column, message } = decoded.refusal;
    return refuse(message, { line, column });
  }

  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // The core schema alone: every value is a string, number, boolean, null, list or mapping (no
  // timestamps, binaries or sets, even under `%YAML 1.1` or an explicit tag). `<<` merges mappings.
  const doc = parseDocument(decoded.text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    schema: 'core',
    resolveKnownTags: false,
    merge: true,
  });
  const [first, ...more] = doc.errors;
  if (first) {
    // The parser reports its own stack overflow on very deep nesting as resource exhaustion.
    const message =
      first.code === 'RESOURCE_EXHAUSTION'
        ? `nested deeper than ${MAX_DEPTH} levels`
        : `not valid YAML/JSON: ${first.message.split('\n')[0]}${more.length > 0 ? ` (first of ${more.length + 1} errors)` : ''}`;
    return refuse(message, at(first.pos[0]));
  }
  const invalid = documentProblem(doc);
  if (invalid) return refuse(invalid.message, at(invalid.offset));
  let data: unknown;
  try {
    // Aliases are bounded by documentProblem, which counts merges too: the library's own count
    // (100 by default) already refuses defaults merged into 100 contracts.
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    return refuse(`not valid YAML/JSON: ${(error as Error).message}`);
  }
  return {
    ok: true,
    value: {
      data,
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
