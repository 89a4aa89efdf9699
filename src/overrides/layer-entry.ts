import type { EntryType } from '../image/tree-diff.js';
import type { LayerId } from './layer-id.js';

/** One object of a layer as read with lstat (symlinks never followed); paths are "/etc/motd" below the layer root. */
export interface LayerEntry {
  path: string;
  type: EntryType;
  /** Permission bits with set-id and sticky bits (`0o4755`). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeNs: bigint;
  /** Moves forward on any change to the object (content, owner, mode, ACL, xattr); nobody can set it back. */
  ctimeNs: bigint;
  /** Symlinks: the target as written (absolute or relative); never resolved. */
  target?: string;
  /** Device numbers of char and block devices. */
  rdev?: number;
  /** Regular files: sha256 of the content (hex). */
  sha256?: string;
  /** `NAME.hbs` regular files: the template text. */
  templateSource?: string;
}

/** A layer that exists, read: its entries in depth-first path order (parents before children). */
export interface LayerListing {
  id: LayerId;
  /** The layer's directory (`<home>/overrides/group/web`). */
  root: string;
  entries: LayerEntry[];
}

/** The parent directory of a layer path ("/etc/motd" → "/etc", "/etc" → ""). */
export const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));

export const baseNameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** True when `path` lies strictly below `dir` ("" is the root). */
export const isBelow = (path: string, dir: string): boolean => path.startsWith(`${dir}/`);

/** "/a/b/c" → ["/a", "/a/b"]: every proper ancestor, outermost first (the root "" excluded). */
export const ancestorsOf = (path: string): string[] => {
  const parts = path.split('/').slice(1, -1);
  return parts.map((_, index) => `/${parts.slice(0, index + 1).join('/')}`);
};
