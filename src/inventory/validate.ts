import { controlCharacterIssues } from './control-characters.js';
import { crossCheck } from './cross-check.js';
import { duplicateKeyIssues } from './duplicate-keys.js';
import type { InventoryIssue, InventoryReport } from './issue.js';
import type { NormaliseContext } from './normalise-context.js';
import { normaliseHosts } from './normalise-hosts.js';
import { normalisePxe } from './normalise-pxe.js';
import { normaliseGroups, normaliseImages, normaliseInstallDefaults, normaliseNetworks, normaliseServer } from './normalise-sections.js';
import { inventoryFileSchema } from './schema.js';
import { shapeIssues } from './shape-issues.js';
import { collectSyntaxIssues, documentLocator, parseInventorySource, type InventorySource, type Locator } from './source.js';
import { emptyInventory, type Inventory } from './types.js';

export interface ValidateOptions {
  /** Image names present in the store (`listImages(paths)`); they count as known next to `images:`. @default [] */
  storeImages?: readonly string[];
  /** Where issue lines come from. @default the document's own lines */
  locate?: Locator;
}

/** The outcome of validation: every error and warning, and the inventory as far as it could be read. */
export interface InventoryValidation extends InventoryReport {
  inventory: Inventory;
}

const byLine = (a: InventoryIssue, b: InventoryIssue): number => (a.line ?? 0) - (b.line ?? 0);

const dedupe = (issues: readonly InventoryIssue[]): InventoryIssue[] => {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify([issue.severity, issue.path, issue.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** Adds each issue's line (unless it has one), drops repeats and sorts errors and warnings by line. */
export const locateIssues = (issues: readonly InventoryIssue[], locate: Locator): InventoryReport => {
  const located = dedupe(issues).map((issue) => {
    if (issue.line !== undefined) return issue;
    const line = locate(issue.path);
    return line === undefined ? issue : { ...issue, line };
  });
  return {
    errors: located.filter((issue) => issue.severity === 'error').sort(byLine),
    warnings: located.filter((issue) => issue.severity === 'warning').sort(byLine),
  };
};

const finish = (issues: readonly InventoryIssue[], locate: Locator, inventory: Inventory): InventoryValidation => ({
  inventory,
  ...locateIssues(issues, locate),
});

/** Validates a parsed inventory; pure, never throws, reports every problem with its path and line. */
export const validateInventorySource = (source: InventorySource, options: ValidateOptions = {}): InventoryValidation => {
  const locate = options.locate ?? documentLocator(source);
  const syntax = collectSyntaxIssues(source);
  if (syntax.some((issue) => issue.severity === 'error')) return finish(syntax, locate, emptyInventory());
  let root: unknown;
  try {
    root = source.doc.toJS();
  } catch (error) {
    return finish([...syntax, { severity: 'error', path: [], message: `YAML: ${(error as Error).message}` }], locate, emptyInventory());
  }
  // Problems of the text itself, found anywhere: reported with the rest, never instead of it.
  const textual = [...syntax, ...duplicateKeyIssues(source), ...controlCharacterIssues(root)];
  const top = inventoryFileSchema.safeParse(root);
  if (!top.success) return finish([...textual, ...shapeIssues(top.error.issues, root)], locate, emptyInventory());
  const sections = top.data ?? {};
  const ctx: NormaliseContext = { root, locate, issues: textual };
  const inventory: Inventory = {
    networks: normaliseNetworks(ctx, sections.networks),
    images: normaliseImages(ctx, sections.images),
    groups: normaliseGroups(ctx, sections.groups),
    hosts: normaliseHosts(ctx, sections.hosts),
  };
  const install = normaliseInstallDefaults(ctx, sections.install);
  if (install !== undefined) inventory.install = install;
  const server = normaliseServer(ctx, sections.server);
  if (server !== undefined) inventory.server = server;
  const pxe = normalisePxe(ctx, sections.pxe, inventory.networks);
  if (pxe !== undefined) inventory.pxe = pxe;
  crossCheck(ctx, inventory, {
    networks: new Set(Object.keys(sections.networks ?? {})),
    groups: new Set(Object.keys(sections.groups ?? {})),
    images: new Set([...Object.keys(sections.images ?? {}), ...(options.storeImages ?? [])]),
  });
  return finish(ctx.issues, locate, inventory);
};

/** Parses and validates inventory text in one step. */
export const validateInventoryText = (text: string, options: ValidateOptions = {}): InventoryValidation =>
  validateInventorySource(parseInventorySource(text), options);
