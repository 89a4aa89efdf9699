import type { Document } from 'yaml';
import { formatIssue, type InventoryIssue } from './issue.js';
import { inventoryInvalidError, type LoadedInventory } from './load.js';
import { renderDocument } from './edit-document.js';
import { locatePath, parseInventorySource, type InventorySource, type Locator } from './source.js';
import { validateInventorySource, type InventoryValidation } from './validate.js';

/** The result of planning an edit: the whole new file text, already validated, and what it changed. */
export interface EditResult {
  text: string;
  /** The new text, parsed. */
  source: InventorySource;
  validation: InventoryValidation;
  /** Warnings the edit introduced (those the file already had are not repeated). */
  newWarnings: InventoryIssue[];
}

/** Lines in an edit's messages refer to the file as it is now; entries the edit adds have no line yet. */
export const originalLines = (current: LoadedInventory): Locator => (path) => {
  const found = locatePath(current.source, path);
  if (found.exact) return found.line;
  // A key missing from an entry that exists (a network's gateway) is shown at that entry.
  return path.length > 2 && locatePath(current.source, path.slice(0, 2)).exact ? found.line : undefined;
};

/** Many new hosts of one range usually share one problem: report it once, naming how many hosts it hits. */
const collapseRepeats = (issues: readonly InventoryIssue[]): InventoryIssue[] => {
  const groups = new Map<string, InventoryIssue[]>();
  for (const issue of issues) {
    const key = issue.path[0] === 'hosts' ? JSON.stringify([issue.message, issue.path.slice(2)]) : JSON.stringify([issue]);
    groups.set(key, [...(groups.get(key) ?? []), issue]);
  }
  return [...groups.values()].map((same) => {
    const first = same[0] as InventoryIssue;
    return same.length === 1 ? first : { ...first, message: `${first.message} (and ${same.length - 1} more hosts)` };
  });
};

const withoutLine = (issue: InventoryIssue): string => formatIssue({ ...issue, line: undefined } as InventoryIssue);

/**
 * Applies `change` to a copy of the document and validates the WHOLE result; throws INVENTORY_INVALID
 * naming what the change would break, so nothing is written for an invalid edit. Pure: returns text.
 */
export const planEdit = (current: LoadedInventory, what: string, change: (doc: Document) => void): EditResult => {
  const doc = current.source.doc.clone();
  change(doc);
  const text = renderDocument(doc, !current.exists || current.text.trim() === '');
  const source = parseInventorySource(text);
  const validation = validateInventorySource(source, {
    storeImages: current.storeImages,
    locate: originalLines(current),
  });
  const before = new Set(current.validation.warnings.map(withoutLine));
  const newWarnings = collapseRepeats(validation.warnings.filter((warning) => !before.has(withoutLine(warning))));
  if (validation.errors.length > 0) {
    throw inventoryInvalidError(`cannot ${what}: the inventory would become invalid`, collapseRepeats(validation.errors), [], `nothing was written to ${current.file}; change the command or fix the entries named above`);
  }
  return { text, source, validation, newWarnings };
};
