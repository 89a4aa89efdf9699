import { isMap, isPair, isScalar, isSeq, Scalar, YAMLMap, type Document, type Node, type Pair } from 'yaml';
import { keyText } from './source.js';

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

type EntryValue = NonNullable<EntrySettings[string]>;

/** A setting's node: quoted MACs stay strings even for YAML 1.1 readers; short lists and maps read best inline. */
const settingNode = (doc: Document, key: string, value: EntryValue): Node => {
  const node = doc.createNode(value) as Node;
  if (quotedKeys.has(key)) {
    for (const scalar of isSeq(node) ? node.items : [node]) if (isScalar(scalar)) scalar.type = Scalar.QUOTE_DOUBLE;
  }
  if (!isScalar(node)) (node as { flow?: boolean }).flow = true;
  return node;
};

const buildEntry = (doc: Document, settings: EntrySettings): YAMLMap => {
  const entry = new YAMLMap();
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined) entry.add(doc.createPair(key, settingNode(doc, key, value)));
  }
  return entry;
};

/** Appends `name: {settings}` at the end of a section, keeping everything else as it was. */
export const addEntry = (doc: Document, section: string, name: string, settings: EntrySettings): void => {
  sectionMap(doc, section).add(doc.createPair(name, buildEntry(doc, settings)));
};

/** Changes to one existing entry: a value sets the key (in place when present), null removes it, undefined leaves it. */
export type EntryChanges = Record<string, EntryValue | null | undefined>;

const pairOf = (map: YAMLMap, key: string): Pair | undefined =>
  [...map.items].reverse().find((item): item is Pair => isPair(item) && keyText(item.key) === key);

/** The entry's map; an entry written as `name:` (nothing) becomes an empty one. */
const entryMap = (doc: Document, section: string, name: string): YAMLMap => {
  const pair = pairOf(sectionMap(doc, section), name);
  if (pair === undefined) throw new Error(`internal: ${section}.${name} is not in the document`);
  if (!isMap(pair.value)) pair.value = new YAMLMap();
  return pair.value as YAMLMap;
};

const applyChange = (doc: Document, map: YAMLMap, key: string, value: EntryValue | null | undefined): void => {
  if (value === undefined) return;
  const pair = pairOf(map, key);
  if (value === null) {
    if (pair !== undefined) map.items.splice(map.items.indexOf(pair), 1);
    return;
  }
  const node = settingNode(doc, key, value);
  if (pair === undefined) map.add(doc.createPair(key, node));
  else pair.value = node;
};

/** Edits one entry in place: keys keep their position, comments around the entry stay. */
export const updateEntry = (doc: Document, section: string, name: string, changes: EntryChanges): void => {
  const entry = entryMap(doc, section, name);
  for (const [key, value] of Object.entries(changes)) applyChange(doc, entry, key, value);
};

/** Sets and removes single items of a map setting (`vars`), creating it inline or dropping it when it empties. */
export const updateEntryMap = (doc: Document, section: string, name: string, key: string, changes: Record<string, string | null>): void => {
  const entry = entryMap(doc, section, name);
  const existing = pairOf(entry, key);
  if (existing === undefined || !isMap(existing.value)) {
    const added = Object.entries(changes).filter((change): change is [string, string] => change[1] !== null);
    applyChange(doc, entry, key, added.length === 0 ? null : Object.fromEntries(added));
    return;
  }
  const map = existing.value;
  for (const [item, value] of Object.entries(changes)) applyChange(doc, map, item, value);
  if (map.items.length === 0) entry.items.splice(entry.items.indexOf(existing), 1);
};

export const removeEntry = (doc: Document, section: string, name: string): boolean => doc.deleteIn([section, name]);

/** Renders an edited document; a new file gets a short header. */
export const renderDocument = (doc: Document, isNewFile: boolean): string => {
  const body = doc.toString(stringifyOptions);
  return isNewFile ? `${newInventoryHeader}${body}` : body;
};
