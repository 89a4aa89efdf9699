import { dirname } from 'node:path';
import type { PathOwner } from '../protocol/update-protocol.js';
import type { Exec, ExecRequest } from '../sys/exec.js';
import { delayedUpdatesDir } from '../sys/rsync-pull.js';

const sweepEnvironment = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

/** Arguments one `rm` gets at most: far below ARG_MAX (2 MiB with an 8 MiB stack), so thousands of leftovers never hit E2BIG. */
const defaultMaxArgBytes = 128 * 1024;

/** An anchored rsync pattern without wildcards as the path it names (rsync unescapes only when a wildcard is in it). */
const literalPathOf = (pattern: string): string | undefined => {
  const body = pattern.replace(/\/\*$/, '').replace(/\/+$/, '');
  if (!body.startsWith('/') || /(^|[^\\])(\\\\)*[*?[]/.test(body)) return undefined;
  return /[*?[]/.test(body) ? body.replace(/\\(.)/g, '$1') : body;
};

/**
 * Pure: the trees of an update's exclude patterns that find can prune, as paths below the root: anchored patterns
 * without wildcards (`/var/lib/mysql`, `/etc/netplan`, a foreign mount's escaped `/mnt/\[odd]/`), `/dir/` and
 * `/dir/*` taken as `/dir`. Others are skipped: the built-in ones name files (host keys, udev rules, a unit's link)
 * or the unanchored `lost+found/`, where an update leaves nothing either; an admin's or the capture's wildcard
 * pattern is walked (rsync's matching is not find's).
 */
export const prunableTrees = (patterns: readonly string[]): string[] => [
  ...new Set(patterns.map(literalPathOf).filter((tree): tree is string => tree !== undefined && tree !== '')),
];

/** A literal path as a find -path pattern (fnmatch's wildcards escaped). */
const findLiteral = (path: string): string => path.replace(/[\\*?[]/g, (char) => `\\${char}`);

const inside = (path: string, tree: string): boolean => path === tree || path.startsWith(`${tree}/`);

/** Directories the overrides pass writes files into (and so may leave a `.~tmp~` in), inside excluded trees or not. */
const layerDirs = (owners: readonly PathOwner[]): Set<string> => new Set(owners.filter((owner) => owner.kind === 'provides').map((owner) => dirname(owner.path)));

/**
 * Pure: the find that lists `.~tmp~` directories below `root`, not descending into the excluded trees (users' data,
 * services' data, foreign mounts, pseudo file systems) unless a layer writes files inside one.
 */
export const planSweepFind = (root: string, excludes: readonly string[], owners: readonly PathOwner[], foreignMounts: readonly string[] = []): ExecRequest => {
  const base = root === '/' ? '' : root;
  const written = [...layerDirs(owners)];
  // A foreign mount (an NFS /home) is never walked: no pass writes into it, a layer's file included.
  const pruned = [...new Set([...prunableTrees(excludes).filter((tree) => !written.some((dir) => inside(dir, tree))), ...foreignMounts])];
  const prune = pruned.length === 0 ? [] : ['(', ...pruned.flatMap((tree, index) => [...(index === 0 ? [] : ['-o']), '-path', findLiteral(`${base}${tree}`)]), ')', '-prune', '-o'];
  return {
    command: 'find',
    args: [root, ...prune, '-type', 'd', '-name', delayedUpdatesDir, '-prune', '-print0'],
    cleanEnv: true,
    env: sweepEnvironment,
    stdoutBytesLimit: 16 * 1024 * 1024,
    // 1: some directory could not be read or vanished while find walked a live system; what it found still counts.
    allowedExitCodes: [0, 1],
  };
};

/**
 * Pure: the found `.~tmp~` directories that are the update's: outside every excluded tree, or beside a file a layer
 * writes. One inside an excluded tree the find had to walk (for a layer's file in it) is the owner's, and stays.
 */
export const selectLeftovers = (root: string, found: readonly string[], excludes: readonly string[], owners: readonly PathOwner[]): string[] => {
  const base = root === '/' ? '' : root;
  const trees = prunableTrees(excludes);
  const written = layerDirs(owners);
  return found.filter((path) => {
    const parent = dirname(path.slice(base.length));
    return written.has(parent) || !trees.some((tree) => inside(parent, tree));
  });
};

/** Pure: `rm -rf` requests with at most `maxArgBytes` of path arguments each (a path longer than that goes alone). */
export const planRemovals = (paths: readonly string[], maxArgBytes = defaultMaxArgBytes): ExecRequest[] => {
  const batches: string[][] = [];
  let bytes = 0;
  for (const path of paths) {
    // Each argument costs its bytes, its NUL and its argv pointer.
    const cost = Buffer.byteLength(path) + 1 + 8;
    const current = batches.at(-1);
    if (current === undefined || bytes + cost > maxArgBytes) {
      batches.push([path]);
      bytes = cost;
    } else {
      current.push(path);
      bytes += cost;
    }
  }
  return batches.map((batch) => ({ command: 'rm', args: ['-rf', '--', ...batch], cleanEnv: true, env: sweepEnvironment }));
};

/**
 * After an interrupted update is finished: removes the `.~tmp~` directories a killed rsync left where this run had
 * nothing to rename (rsync only cleans the ones it uses), never one in data the update does not sync. Returns how many.
 */
export const sweepDelayedUpdates = async (exec: Exec, root: string, excludes: readonly string[], owners: readonly PathOwner[], foreignMounts: readonly string[] = []): Promise<number> => {
  const result = await exec(planSweepFind(root, excludes, owners, foreignMounts));
  const found = (result.stdoutBytes ?? Buffer.alloc(0)).toString('utf8').split('\0').filter((path) => path !== '');
  const leftovers = selectLeftovers(root, found, excludes, owners);
  for (const request of planRemovals(leftovers)) await exec(request);
  return leftovers.length;
};
