import { isBelow } from './layer-entry.js';
import type { HostTree } from './host-tree.js';

/** The rsync filter rules of a deploy's two passes (each rule one `--filter=RULE` argument, in order). */
export interface SyncFilters {
  /**
   * For the image pass (`rsync -aHAXS --numeric-ids --delete`), after the runner's own kept paths:
   * `- /p` leaves what the overrides own alone (not written twice, not deleted), `H /p` hides a
   * whiteout's path from the sender so the receiver deletes it as extraneous.
   */
  image: string[];
  /**
   * For the overrides pass (`rsync -aHAX --numeric-ids --delete --checksum` from the host's module):
   * protect the kept paths, let it delete only below what the overrides own (`R /p/**`: stale files
   * of an owned directory, a directory an override file replaces), protect everything else (`P *`).
   */
  overrides: string[];
}

// rsync treats a pattern with * ? or [ as a wildcard pattern, and only then reads backslashes as escapes.
const wildcard = /[*?[]/;
const escapeWildcards = (path: string): string => path.replace(/[\\*?[]/g, '\\$&');

/** An anchored pattern matching exactly `path`. */
export const exactPattern = (path: string): string => (wildcard.test(path) ? escapeWildcards(path) : path);

/** An anchored pattern matching everything strictly below `path`. */
export const belowPattern = (path: string): string => `${escapeWildcards(path)}/**`;

/** Kept paths are rsync patterns already ("/etc/fstab", "/boot/efi/"): protect each and what is below it. */
const keepRules = (keepPaths: readonly string[]): string[] =>
  keepPaths.flatMap((pattern) => [`P ${pattern}`, `P ${pattern.endsWith('/') ? pattern : `${pattern}/`}**`]);

/**
 * Pure: the filter rules that make "image pass, then overrides pass" equal "image + layers": only the
 * topmost owned path of each subtree gets a rule, so the lists grow with the overrides, not the image.
 */
export const planSyncFilters = (tree: HostTree, keepPaths: readonly string[]): SyncFilters => {
  const owned: string[] = [];
  for (const node of tree.nodes) {
    // Depth-first order keeps a subtree contiguous: only the last owned path can be an ancestor.
    const last = owned[owned.length - 1];
    if (!node.owned || (last !== undefined && isBelow(node.path, last))) continue;
    owned.push(node.path);
  }
  const deleted = tree.merged.deletedFromImage.filter((path) => !owned.some((dir) => path === dir || isBelow(path, dir)));
  return {
    image: [...owned.map((path) => `- ${exactPattern(path)}`), ...deleted.map((path) => `H ${exactPattern(path)}`)],
    overrides: [...keepRules(keepPaths), ...owned.map((path) => `R ${belowPattern(path)}`), 'P *'],
  };
};
