import { createHash } from 'node:crypto';
import type { OverrideContext } from '../render/override-context.js';
import { createOverrideEnvironment, renderOverrideTemplate } from '../render/override-template.js';
import type { LayerListing } from './layer-entry.js';
import { layerLabel } from './layer-id.js';
import type { MergedEntry, MergedTree } from './merged-tree.js';
import type { OverrideProblem } from './override-problem.js';

/** A template's output: the file the host gets in its place. */
export interface RenderedFile {
  text: string;
  size: number;
  sha256: string;
}

export type RenderedEntry = MergedEntry & { rendered?: RenderedFile };

/** The merged tree with every template of it rendered. */
export interface RenderedTree extends Omit<MergedTree, 'entries'> {
  entries: RenderedEntry[];
}

/**
 * Renders the templates that made it into the merged tree (a shadowed one is never rendered) from the
 * host's context; every failing template is one problem naming its file and line. Pure.
 */
export const renderTemplates = (tree: MergedTree, layers: readonly LayerListing[], context: OverrideContext): { tree: RenderedTree; problems: OverrideProblem[] } => {
  const env = createOverrideEnvironment();
  const roots = new Map(layers.map((listing) => [layerLabel(listing.id), listing.root]));
  const problems: OverrideProblem[] = [];
  const entries = tree.entries.map((entry): RenderedEntry => {
    if (!entry.template) return entry;
    const result = renderOverrideTemplate(env, entry.entry.templateSource ?? '', context);
    if (!result.ok) {
      const { line, message } = result.problem;
      problems.push({ file: `${roots.get(layerLabel(entry.layer)) ?? layerLabel(entry.layer)}${entry.entry.path}`, ...(line === undefined ? {} : { line }), message });
      return entry;
    }
    const bytes = Buffer.from(result.text, 'utf8');
    return { ...entry, rendered: { text: result.text, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } };
  });
  return { tree: { ...tree, entries }, problems };
};
