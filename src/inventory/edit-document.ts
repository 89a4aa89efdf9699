import { isMap, isScalar, isSeq, Scalar, YAMLMap, type Document } from 'yaml';

/** How edited files are printed: no folding of long lines, `{a: 1}` flow collections as in the docs. */
export const stringifyOptions = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The first lines of an inventory rootcast creates itself. */
export const newInventoryHeader = '# rootcast inventory: networks, images, groups and hosts (see docs/inventory.md).\n# rootcast edits keep comments and order; edit by hand freely and run "rootcast inventory check".\n';

/** A section map (`hosts`, `groups`, ...), created when missing or written as `hosts:` with nothing. */
const sectionMap = (doc: Document, section: string): YAMLMap => {
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  const existing = doc.get(section, true);
  if (isMap(existing)) {
    // An empty `hosts: {}` would otherwise grow into one long flow line.
    if (existing.items.length === 0) existing.flow = false;
    return existing;
  }
  const created = doc.createNode({}) as YAMLMap;
  doc.set(section, created);
  return created;
};

/** One entry to write: its settings in the order they should appear; undefined values are left out. */
export type EntrySettings = Record<string, string | readonly string[] | Record<string, string> | undefined>;

const quotedKeys = new Set(['mac', 'macs']);

const buildEntry = (doc: Document, settings: EntrySettings): YAMLMap => {
  const entry = new YAMLMap();
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    const node = doc.createNode(value);
    // Quoted MACs stay strings even for YAML 1.1 readers; short lists and maps read best inline.
    if (quotedKeys.has(key)) {
      for (const scalar of isSeq(node) ? node.items : [node]) if (isScalar(scalar)) scalar.type = Scalar.QUOTE_DOUBLE;
    }
    if (!isScalar(node)) (node as { flow?: boolean }).flow = true;
    entry.add(doc.createPair(key, node));
  }
  return entry;
};

/** Appends `name: {settings}` at the end of a section, keeping everything else as it was. */
export const addEntry = (doc: Document, section: string, name: string, settings: EntrySettings): void => {
  sectionMap(doc, section).add(doc.createPair(name, buildEntry(doc, settings)));
};

export const removeEntry = (doc: Document, section: string, name: string): boolean => doc.deleteIn([section, name]);

/** Renders an edited document; a new file gets a short header. */
export const renderDocument = (doc: Document, isNewFile: boolean): string => {
  const body = doc.toString(stringifyOptions);
  return isNewFile ? `${newInventoryHeader}${body}` : body;
};
