import { type Alias, type Document, isAlias, isCollection, isPair, isScalar, type Node, visit } from 'yaml';

/**
 * Limits of an import file, so that a mistaken or hostile file is refused with a message instead of
 * taking the process down. Parsing keeps every node with its position, about 80 bytes of memory per
 * byte of YAML: 10 MiB take some 800 MB and several seconds. Larger data go in several files (an
 * import adds and updates, it never deletes).
 */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** An import file is 8 levels deep; anything far deeper is a mistake or an attack on the parser. */
export const MAX_DEPTH = 32;
/**
 * Values that aliases (`*name`, `<<: *name`) add to the file once expanded. Generous for defaults
 * merged into every contract of a large file; a "billion laughs" file expands to far more.
 */
export const MAX_ALIAS_VALUES = 1_000_000;

/**
 * The first limit a parsed document exceeds, or an alias without its anchor (which the parser
 * accepts and only its conversion throws on), with the source offset to report.
 */
export function documentProblem(doc: Document): { offset: number; message: string } | undefined {
  let deep: Node | undefined;
  let unresolved: Alias | undefined;
  const sources = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  // Document order: an alias refers to the last anchor of its name before it.
  visit(doc, {
    Node(_key, node, path) {
      if (isCollection(node) && path.filter(isCollection).length >= MAX_DEPTH) {
        deep = node;
        return visit.BREAK;
      }
      if (isAlias(node)) {
        const source = anchors.get(node.source);
        if (!source) {
          unresolved = node;
          return visit.BREAK;
        }
        sources.set(node, source);
      } else if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
  });
  if (deep) return { offset: deep.range?.[0] ?? 0, message: `nested deeper than ${MAX_DEPTH} levels` };
  if (unresolved) {
    return {
      offset: unresolved.range?.[0] ?? 0,
      message: `not valid YAML/JSON: the alias *${unresolved.source} has no anchor &${unresolved.source} before it`,
    };
  }

  // One walk after the anchors are known: an anchored node's expanded size is complete when an
  // alias after it is met (no recursion along chains of aliases); an alias inside its own anchor
  // meets it incomplete.
  const sizes = new Map<Node, number>();
  let added = 0;
  let exceeded: { offset: number; message: string } | undefined;
  const walk = (node: unknown): number => {
    if (exceeded) return 0;
    if (isAlias(node)) {
      const source = sources.get(node);
      const n = source ? sizes.get(source) : 0;
      const offset = node.range?.[0] ?? 0;
      if (n === undefined) {
        exceeded = { offset, message: `the alias *${node.source} is inside its own anchor` };
        return 0;
      }
      added += n;
      if (added > MAX_ALIAS_VALUES) {
        exceeded = {
          offset,
          message: `aliases (*name, <<: *name) add more than ${MAX_ALIAS_VALUES.toLocaleString('en-US')} values to the file, the limit of an import file`,
        };
      }
      return n;
    }
    let n = 1;
    if (isCollection(node)) {
      for (const item of node.items) {
        n += isPair(item) ? walk(item.key) + walk(item.value) : walk(item);
        n = Math.min(n, MAX_ALIAS_VALUES + 1);
      }
    }
    if ((isCollection(node) || isScalar(node)) && node.anchor) sizes.set(node, n);
    return n;
  };
  walk(doc.contents);
  return exceeded;
}
