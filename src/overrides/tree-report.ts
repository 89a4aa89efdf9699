import { formatMode } from '../image/tree-diff.js';
import type { LayerDigest } from './digest.js';
import type { HostOverrides } from './host-overrides.js';
import type { TreeNode } from './host-tree.js';
import { layerLabel } from './layer-id.js';
import { formatLayerObject } from './merge-layers.js';

/** One path of `rootcast render HOST` (and its --json). */
export interface TreeListingEntry {
  path: string;
  type: TreeNode['type'];
  mode: string;
  owner: string;
  size: number;
  layer: string;
  /** The name in the layer (`/etc/motd.hbs` for a template). */
  source: string;
  template: boolean;
  metadataFrom: TreeNode['metadataFrom'];
  /** Left to the overrides pass alone (the image pass does not touch it). */
  owned: boolean;
  target?: string;
  sha256?: string;
}

export interface TreeReport {
  host: string;
  image: string;
  layers: LayerDigest[];
  treeDigest: string;
  entries: TreeListingEntry[];
  /** Whiteouts in force and opaque directories, each with the layer file that makes it and the lower layers' entries it removes. */
  removals: { kind: 'whiteout' | 'opaque'; path: string; by: string; removes: string[] }[];
  warnings: string[];
}

export const listingEntryOf = (node: TreeNode): TreeListingEntry => ({
  path: node.path,
  type: node.type,
  mode: formatMode(BigInt(node.mode)),
  owner: `${node.uid}:${node.gid}`,
  size: node.size,
  layer: layerLabel(node.layer),
  source: node.source,
  template: node.template,
  metadataFrom: node.metadataFrom,
  owned: node.owned,
  ...(node.target === undefined ? {} : { target: node.target }),
  ...(node.sha256 === undefined ? {} : { sha256: node.sha256 }),
});

export const buildTreeReport = (overrides: HostOverrides): TreeReport => ({
  host: overrides.host,
  image: overrides.imageRef,
  layers: overrides.digests,
  treeDigest: overrides.treeDigest,
  entries: overrides.tree.nodes.map(listingEntryOf),
  removals: overrides.merged.removals.map((removal) => ({
    kind: removal.kind,
    path: removal.path,
    by: formatLayerObject(removal.by),
    removes: removal.removes.map((removed) => formatLayerObject(removed.object)),
  })),
  warnings: overrides.tree.warnings,
});

const layerColumn = (entry: TreeListingEntry): string =>
  `${entry.layer}${entry.template ? ` (template ${entry.source})` : ''}${entry.metadataFrom === 'image' ? ' (metadata from the image)' : ''}`;

const pathColumn = (entry: TreeListingEntry): string => `${entry.path}${entry.type === 'dir' ? '/' : ''}${entry.target === undefined ? '' : ` -> ${entry.target}`}`;

/** `ls -l`-like columns, then the deletions, then the digests. */
export const renderTreeReport = (report: TreeReport, formatTable: (headers: readonly string[], rows: readonly (readonly string[])[]) => string): string => {
  const lines = [
    report.entries.length === 0
      ? `${report.host} gets no files from override layers`
      : formatTable(['PATH', 'TYPE', 'MODE', 'OWNER', 'SIZE', 'LAYER'], report.entries.map((entry) => [pathColumn(entry), entry.type, entry.mode, entry.owner, String(entry.size), layerColumn(entry)])),
    ...report.removals.map((removal) => {
      const removes = removal.removes.length === 0 ? '' : `; removes ${removal.removes.join(', ')}`;
      return removal.kind === 'whiteout'
        ? `deleted: ${removal.path} (by ${removal.by}${removes})`
        : `opaque: ${removal.path}/ (by ${removal.by}${removes}): the image's and lower layers' content is hidden`;
    }),
    ...report.warnings.map((warning) => `warning: ${warning}`),
    `${report.host} (${report.image}): ${report.entries.length} path(s) from ${report.layers.length === 0 ? 'no layer' : report.layers.map((layer) => layer.layer).join(', ')}; tree ${report.treeDigest}`,
  ];
  return lines.join('\n');
};
