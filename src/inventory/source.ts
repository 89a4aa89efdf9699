import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { InventoryIssue, IssuePath } from './issue.js';
import type { Inventory } from './types.js';

/** A parsed inventory file: the yaml Document (comments and order intact) and its line index. */
export interface InventorySource {
  doc: Document;
  lineCounter: LineCounter;
}

/** One parsed and validated inventory text (the file as read, or an edit's result). */
export interface CheckedText {
  source: InventorySource;
  inventory: Inventory;
}

/** The document as plain data for checks that walk it; {} when it cannot be converted. */
export const plainValue = (source: InventorySource): unknown => {
  try {
    return source.doc.toJS();
  } catch {
    return {};
  }
};

/** Finds the line of whatever a path names; undefined when the path is not in the document. */
export type Locator = (path: IssuePath) => number | undefined;

/** Parses text as YAML 1.2 (the default: unquoted MACs stay strings) keeping comments for later edits. */
export const parseInventorySource = (text: string): InventorySource => {
  const lineCounter = new LineCounter();
  // Known-but-exotic tags (!!binary, !!set, !!timestamp) would turn into Buffers and Sets the schema cannot describe.
  // Duplicate keys are reported by validation among the other errors (duplicate-keys.ts), not as a syntax error that hides them.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, resolveKnownTags: false, uniqueKeys: false });
  return { doc, lineCounter };
};

/** YAML syntax errors (and the parser's warnings) as inventory issues with their lines. */
export const collectSyntaxIssues = (source: InventorySource): InventoryIssue[] => {
  const toIssue = (severity: 'error' | 'warning') => (problem: { message: string; pos: [number, number] }): InventoryIssue => ({
    severity,
    path: [],
    line: source.lineCounter.linePos(problem.pos[0]).line,
    // The parser appends its own "at line N, column M" and a code excerpt; the line is reported separately.
    message: `YAML: ${problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? problem.message}`,
  });
  return [...source.doc.errors.map(toIssue('error')), ...source.doc.warnings.map(toIssue('warning'))];
};

/** A map key as text (`web01`, `10`); the document's keys are scalars in practice. */
export const keyText = (key: unknown): string => String(isScalar(key) ? key.value : key);

export const lineAt = (source: InventorySource, node: { range?: [number, number, number] | null | undefined } | null | undefined): number | undefined =>
  node?.range ? source.lineCounter.linePos(node.range[0]).line : undefined;

const deref = (source: InventorySource, node: unknown): unknown =>
  isAlias(node) ? node.resolve(source.doc) : node;

/** Where a path points in the document: exact (the node exists) or the nearest existing ancestor. */
export const locatePath = (source: InventorySource, path: IssuePath): { line: number | undefined; exact: boolean } => {
  let node: unknown = source.doc.contents;
  let line = lineAt(source, node as Node | null);
  for (const segment of path) {
    node = deref(source, node);
    if (isMap(node)) {
      // The last of duplicated keys is the one whose value counts (toJS keeps it), so its line is the one to show.
      const pair = [...node.items].reverse().find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (pair === undefined) return { line, exact: false };
      line = lineAt(source, pair.key as Node) ?? lineAt(source, pair.value as Node) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      line = lineAt(source, node as Node) ?? line;
    } else {
      return { line, exact: false };
    }
  }
  return { line, exact: true };
};

/**
 * Lines from the document itself, falling back to the nearest entry for keys that are missing. A
 * missing top-level block (`server:`) has no line: the first line of the file would only mislead.
 */
export const documentLocator = (source: InventorySource): Locator => (path) => {
  const found = locatePath(source, path);
  return found.exact || path.length > 1 ? found.line : undefined;
};
