import type { BigIntStats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { entryType, type EntryType } from '../image/tree-diff.js';
import { parentOf } from './layer-entry.js';

/** What the image version has at one path: enough to decide whose directory metadata the host gets. */
export interface ImageObject {
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  mtimeNs: bigint;
}

/** The image's objects at the paths asked for ("" is the image root); a missing path has no key. */
export type ImageView = ReadonlyMap<string, ImageObject>;

const objectOf = (stats: BigIntStats): ImageObject => ({
  type: entryType(stats),
  mode: Number(stats.mode & 0o7777n),
  uid: Number(stats.uid),
  gid: Number(stats.gid),
  mtimeNs: stats.mtimeNs,
});

/**
 * Looks up `paths` (parents before children) in the image version's root. A path is only looked up when
 * the image has a directory at its parent, so a symlink in the image (`/lib -> usr/lib`) is never followed.
 */
export const readImageView = async (imageRoot: string, paths: readonly string[]): Promise<ImageView> => {
  const view = new Map<string, ImageObject>([['', objectOf(await lstat(imageRoot, { bigint: true }))]]);
  for (const path of paths) {
    if (view.get(parentOf(path))?.type !== 'dir') continue;
    const stats = await lstat(`${imageRoot}${path}`, { bigint: true }).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (stats !== undefined) view.set(path, objectOf(stats));
  }
  return view;
};
