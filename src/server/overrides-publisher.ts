import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { HomePaths } from '../home/paths.js';
import type { HostOverrides } from '../overrides/host-overrides.js';
import { materialiseHostTree } from '../overrides/write-tree.js';
import type { Exec } from '../sys/exec.js';
import { servedOverridesDir } from './rsyncd-plan.js';

/** Builds and swaps in each host's served override tree. */
export interface OverridesPublisher {
  /**
   * Makes `<home>/run/overrides/<host>` (its module's path) point at the host's tree: written anew
   * unless the published one came from the same layers, version and context; returns whether it was.
   */
  publish(overrides: HostOverrides): Promise<{ path: string; rebuilt: boolean }>;
}

/**
 * What a published tree was built from: the tree digest (content, modes, owners, rendered templates),
 * the image version, and the newest ctime in the layers, which catches what the digest leaves out
 * (ACLs, xattrs, times); a removal shows in the digest.
 */
export const publishedStamp = (overrides: HostOverrides): string => {
  let newest = 0n;
  for (const listing of overrides.layers) for (const entry of listing.entries) if (entry.ctimeNs > newest) newest = entry.ctimeNs;
  return `${overrides.treeDigest} ${overrides.imageRef} ${newest}`;
};

const treesDirName = '.trees';

const missingAsUndefined = (error: NodeJS.ErrnoException): undefined => {
  if (error.code === 'ENOENT') return undefined;
  throw error;
};

/**
 * Each publish builds a complete new tree beside the old one and renames a symlink over the module
 * path, so a transfer sees one tree or the other, never half of each. The tree before it stays (a
 * transfer that started on it can finish); older ones are removed. Builds of one host run one at a time.
 */
export const openOverridesPublisher = (paths: HomePaths, exec: Exec): OverridesPublisher => {
  const base = servedOverridesDir(paths);
  const trees = join(base, treesDirName);
  const queues = new Map<string, Promise<unknown>>();
  const published = new Map<string, string>();

  const build = async (overrides: HostOverrides): Promise<{ path: string; rebuilt: boolean }> => {
    const host = overrides.host;
    const link = join(base, host);
    const stamp = publishedStamp(overrides);
    if (published.get(host) === stamp && (await readlink(link).catch(missingAsUndefined)) !== undefined) return { path: link, rebuilt: false };
    // Under run/ (0700): the trees hold the hosts' secrets.
    await mkdir(trees, { recursive: true, mode: 0o700 });
    const name = `${host}.${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const tree = join(trees, name);
    await mkdir(tree, { mode: 0o700 });
    try {
      await materialiseHostTree(exec, overrides, tree, `${tree}.templates`);
    } catch (error) {
      await rm(tree, { recursive: true, force: true });
      throw error;
    }
    const previous = await readlink(link).catch(missingAsUndefined);
    const temporaryLink = join(base, `.${host}.${randomBytes(4).toString('hex')}.link`);
    await symlink(join(treesDirName, name), temporaryLink);
    await rename(temporaryLink, link);
    const keep = new Set([name, previous === undefined ? '' : basename(previous)]);
    const stale = (await readdir(trees)).filter((entry) => entry.startsWith(`${host}.`) && !keep.has(entry));
    await Promise.all(stale.map((entry) => rm(join(trees, entry), { recursive: true, force: true })));
    published.set(host, stamp);
    return { path: link, rebuilt: true };
  };

  return {
    publish: (overrides) => {
      const run = (queues.get(overrides.host) ?? Promise.resolve()).catch(() => undefined).then(() => build(overrides));
      queues.set(overrides.host, run);
      return run;
    },
  };
};
