import type { EntryType } from '../image/tree-diff.js';
import type { LayerEntry } from './layer-entry.js';
import type { LayerId } from './layer-id.js';

/** Something a layer holds at a path: an entry (by its source name, `motd.hbs` for a template) or a whiteout. */
export interface LayerObject {
  layer: LayerId;
  /** The layer path it comes from: `/etc/motd.hbs`, `/etc/.wh.motd`, `/etc/app/.wh..wh..opq`. */
  source: string;
  type: EntryType | 'whiteout';
}

/** A path of the merged tree: which layer provides it and what it shadows. */
export interface MergedEntry {
  /** Target path (`/etc/motd`): a template's name without `.hbs`. */
  path: string;
  layer: LayerId;
  /** The providing layer's entry (its `path` is the source name). */
  entry: LayerEntry;
  template: boolean;
  /** Lower layers' objects at this path it hides (whiteouts included), topmost first. */
  shadows: LayerObject[];
  /** Directories: the layer whose opaque marker (or whiteout of the directory itself) hides lower content. */
  opaqueBy?: LayerObject;
  /** The image's object at this path is not visible (deleted, replaced, or under an opaque directory). */
  imageHidden: boolean;
}

/** Why a lower layer's entry is not in the merged tree. */
export interface HiddenEntry {
  path: string;
  object: LayerObject;
  /** The whiteout, opaque marker or replacing entry (a non-directory over a directory) that hides it. */
  by: LayerObject & { kind: 'whiteout' | 'opaque' | 'replaced'; path: string };
}

/** A whiteout still in force (nothing above re-created its path) or an opaque directory. */
export interface Removal {
  kind: 'whiteout' | 'opaque';
  /** The deleted path, or the opaque directory. */
  path: string;
  by: LayerObject;
  /** Lower layers' entries it removed. */
  removes: { path: string; object: LayerObject }[];
}

/** The host's layers resolved into one tree (pure data, templates not rendered yet). */
export interface MergedTree {
  /** Depth-first path order. */
  entries: MergedEntry[];
  removals: Removal[];
  hidden: HiddenEntry[];
  /** Whiteouts whose path nothing re-created: the image pass deletes these from the target. */
  deletedFromImage: string[];
}
