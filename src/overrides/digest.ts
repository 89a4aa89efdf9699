import { createHash } from 'node:crypto';
import type { EntryType } from '../image/tree-diff.js';
import type { HostTree } from './host-tree.js';
import type { LayerListing } from './layer-entry.js';
import { layerLabel } from './layer-id.js';

/** What a digest covers per path; times are left out, so touching a file changes no digest. */
interface DigestedObject {
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  target?: string;
  rdev?: number;
  sha256?: string;
}

/** One JSON array per path: path, kind, octal mode, uid:gid, link target, content hash (or device number). */
export const canonicalLine = (object: DigestedObject): string =>
  JSON.stringify([object.path, object.type, object.mode.toString(8).padStart(4, '0'), `${object.uid}:${object.gid}`, object.target ?? '', object.sha256 ?? (object.rdev === undefined ? '' : `rdev:${object.rdev}`)]);

/** `sha256:<hex>` over the canonical listing, one line per object in path order. */
export const digestObjects = (objects: readonly DigestedObject[]): string =>
  `sha256:${createHash('sha256').update(objects.map(canonicalLine).join('\n')).digest('hex')}`;

export interface LayerDigest {
  /** `all`, `image/web`, `group/web`, `host/web07`. */
  layer: string;
  digest: string;
}

/** One digest per existing layer, in precedence order: over the layer's files as stored (templates unrendered, whiteouts included). */
export const layerDigests = (layers: readonly LayerListing[]): LayerDigest[] =>
  layers.map((listing) => ({ layer: layerLabel(listing.id), digest: digestObjects(listing.entries) }));

/** The digest of the tree a host gets (templates rendered, directories with their final metadata). */
export const hostTreeDigest = (tree: HostTree): string => digestObjects(tree.nodes);
