import { join } from 'node:path';
import type { ListedCopy } from '../sys/rsync-file-list.js';
import type { HostTree } from './host-tree.js';
import type { LayerListing } from './layer-entry.js';
import { layerLabel } from './layer-id.js';

/** A template's way into the tree: copied with its metadata to `staged`, filled with `text`, renamed to `target`. */
export interface StagedTemplate {
  staged: string;
  /** Absolute destination path. */
  target: string;
  text: string;
  mtimeNs: bigint;
}

/** Writing a host's tree into a directory, as data (the applier runs it in this order). */
export interface MaterialisePlan {
  destination: string;
  /** Scratch directory for templates on the destination's filesystem (renames must not cross filesystems). */
  staging: string;
  /** One copy per layer, lowest first: the layer's paths that made it into the tree (templates aside). */
  layerCopies: ListedCopy[];
  /** One copy per layer holding templates: the template files, metadata and all, into the staging directory. */
  templateCopies: ListedCopy[];
  templates: StagedTemplate[];
  /** Last: the directories the image has too take the image's metadata (ACLs and xattrs included)... */
  imageDirs: ListedCopy;
  /** ...and so does the tree root, from the image root. */
  imageRoot: string;
  /** Then the other directories get their layer's mtime back (copies into them moved it). */
  dirTimes: { path: string; mtimeNs: bigint }[];
}

/** Pure: how to write `tree` into `destination`, from the layers it was resolved from and the image version's root. */
export const planMaterialise = (tree: HostTree, layers: readonly LayerListing[], imageRoot: string, destination: string, staging: string): MaterialisePlan => {
  const layerCopies: ListedCopy[] = [];
  const templateCopies: ListedCopy[] = [];
  const templates: StagedTemplate[] = [];
  layers.forEach((listing, index) => {
    const label = layerLabel(listing.id);
    const mine = tree.nodes.filter((node) => layerLabel(node.layer) === label);
    const plain = mine.filter((node) => !node.template).map((node) => node.source);
    if (plain.length > 0) layerCopies.push({ source: listing.root, destination, paths: plain });
    const rendered = mine.filter((node) => node.template);
    if (rendered.length === 0) return;
    const stagedRoot = join(staging, String(index));
    templateCopies.push({ source: listing.root, destination: stagedRoot, paths: rendered.map((node) => node.source) });
    for (const node of rendered) {
      templates.push({ staged: `${stagedRoot}${node.source}`, target: `${destination}${node.path}`, text: tree.rendered.get(node.path)?.text ?? '', mtimeNs: node.mtimeNs });
    }
  });
  const dirs = tree.nodes.filter((node) => node.type === 'dir');
  return {
    destination,
    staging,
    layerCopies,
    templateCopies,
    templates,
    imageDirs: { source: imageRoot, destination, paths: dirs.filter((node) => node.metadataFrom === 'image').map((node) => node.path) },
    imageRoot,
    dirTimes: dirs.filter((node) => node.metadataFrom === 'layer').map((node) => ({ path: node.path, mtimeNs: node.mtimeNs })),
  };
};
