import type { EntryType } from '../image/tree-diff.js';
import type { ImageObject, ImageView } from './image-view.js';
import { layerLabel, type LayerId } from './layer-id.js';
import type { RenderedFile, RenderedTree } from './render-templates.js';

/** One path of the tree a host gets, with the metadata it ends up with. */
export interface TreeNode {
  path: string;
  type: EntryType;
  /** The layer that provides it (for a directory: the topmost layer that has it). */
  layer: LayerId;
  /** Its name in that layer (`/etc/motd.hbs` for a template). */
  source: string;
  template: boolean;
  mode: number;
  uid: number;
  gid: number;
  /** Rendered size for a template. */
  size: number;
  mtimeNs: bigint;
  target?: string;
  rdev?: number;
  sha256?: string;
  /**
   * `image`: a directory the image has too keeps the image's owner, mode, times, ACLs and xattrs (a layer's
   * directories are scaffolding there); `layer`: the providing layer's own metadata.
   */
  metadataFrom: 'layer' | 'image';
  /**
   * The overrides pass alone decides this path and everything below it: non-directories, directories the
   * image has no visible directory for, and opaque directories. The image pass leaves these paths alone.
   */
  owned: boolean;
}

/** The host's tree: the resolved layers placed over the image's directories. */
export interface HostTree {
  /** The tree root's metadata: always the image root's, so the overrides pass leaves `/` as the image has it. */
  root: ImageObject;
  nodes: TreeNode[];
  /** Template outputs by target path. */
  rendered: ReadonlyMap<string, RenderedFile>;
  merged: RenderedTree;
  /**
   * Layer directories that replace an image symlink (`/lib -> usr/lib`) and hand-written files that replace
   * a generated identity file: legal, but rarely what was meant.
   */
  warnings: string[];
}

/** Pure: decides each path's final metadata and which side of the deploy owns it. */
export const buildHostTree = (merged: RenderedTree, image: ImageView): HostTree => {
  const rendered = new Map<string, RenderedFile>();
  const warnings: string[] = [];
  const nodes = merged.entries.map((entry): TreeNode => {
    if (entry.rendered !== undefined) rendered.set(entry.path, entry.rendered);
    const source = entry.entry;
    const imageObject = entry.imageHidden ? undefined : image.get(entry.path);
    const imageDir = source.type === 'dir' && imageObject?.type === 'dir' ? imageObject : undefined;
    const metadata = imageDir ?? source;
    const identity = entry.shadows.find((object) => object.layer.kind === 'identity');
    if (identity !== undefined && source.type !== 'dir') {
      warnings.push(`${entry.path}: ${layerLabel(entry.layer)} replaces the file rootcast generates for the host's identity (remove it from the layer to get the generated one)`);
    }
    if (source.type === 'dir' && imageObject?.type === 'symlink') {
      warnings.push(`${entry.path}: the image has a symlink there; the directory from ${layerLabel(entry.layer)} replaces it (put the files under the symlink's target instead?)`);
    }
    return {
      path: entry.path,
      type: source.type,
      layer: entry.layer,
      source: source.path,
      template: entry.template,
      mode: metadata.mode,
      uid: metadata.uid,
      gid: metadata.gid,
      size: entry.rendered?.size ?? source.size,
      mtimeNs: metadata.mtimeNs,
      ...(source.target === undefined ? {} : { target: source.target }),
      ...(source.rdev === undefined ? {} : { rdev: source.rdev }),
      ...(entry.rendered !== undefined ? { sha256: entry.rendered.sha256 } : source.sha256 === undefined ? {} : { sha256: source.sha256 }),
      metadataFrom: imageDir === undefined ? 'layer' : 'image',
      owned: imageDir === undefined || entry.opaqueBy !== undefined,
    };
  });
  const root = image.get('');
  if (root === undefined) throw new Error('the image view has no root');
  return { root, nodes, rendered, merged, warnings };
};
