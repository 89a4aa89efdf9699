import { lstat, readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';

/** At most this many directories are read per comparison: a data tree is small; a bound keeps a request's cost bounded. */
const maxDirectories = 20_000;

/**
 * Reads, below `trees`, the paths a version (`fromRoot`) has that the next (`toRoot`) does not, or has as
 * another kind (a directory that became a link or a file): what upgrading the package would remove. The topmost
 * such path only (its contents go with it); `skip` trees are not read. Returns undefined past the bound.
 */
export const listRemovedPaths = async (fromRoot: string, toRoot: string, trees: readonly string[], skip: readonly string[]): Promise<string[] | undefined> => {
  const removed: string[] = [];
  // A tree reached through a link (the image's /var/www -> /srv/www) would be read on this server's own file system.
  const realRoot = await realpath(fromRoot).catch(() => fromRoot);
  const inside = async (tree: string): Promise<boolean> => (await realpath(join(fromRoot, tree)).catch(() => '')) === join(realRoot, tree);
  const pending: string[] = [];
  for (const tree of trees) if (!skip.includes(tree) && (await inside(tree))) pending.push(tree);
  for (let read = 0; pending.length > 0; read += 1) {
    if (read >= maxDirectories) return undefined;
    const dir = pending.shift() as string;
    const names = await readdir(join(fromRoot, dir)).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const path = `${dir}/${name}`;
      if (skip.includes(path)) continue;
      const [from, to] = await Promise.all([lstat(join(fromRoot, path)), lstat(join(toRoot, path)).catch(() => undefined)]);
      if (to === undefined || (from.isDirectory() && !to.isDirectory())) removed.push(path);
      else if (from.isDirectory()) pending.push(path);
    }
  }
  return removed.sort();
};
