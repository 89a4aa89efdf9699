import { dirname } from 'node:path';
import type { PathOwner } from '../protocol/update-protocol.js';
import { cleanEnvironment, cleanEnvironmentNames } from '../runner/command-environment.js';
import { execPlanned, type PlannedRunner } from '../runner/run-planned.js';
import type { Exec } from '../sys/exec.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { delayedUpdatesDir } from '../sys/rsync-pull.js';

/** Where the plan's `rm` line has the leftovers the find lists (only the run knows them): --dry-run prints this word. */
export const leftoversPlaceholder = 'LEFTOVERS';

/** find and rm run here, as they always have: spawned as they are (a leftover removal that outlives us harms nothing). */
const sweepCommand = (program: string, args: string[], okExitCodes: number[] = [0]): PlannedCommand => ({
  program, args, env: [...cleanEnvironmentNames], where: 'here', okExitCodes, diesWithUs: false,
});

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
export const planSweepFind = (root: string, excludes: readonly string[], owners: readonly PathOwner[], foreignMounts: readonly string[] = []): PlannedCommand => {
  const base = root === '/' ? '' : root;
  const written = [...layerDirs(owners)];
  // A foreign mount (an NFS /home) is never walked: no pass writes into it, a layer's file included.
  const pruned = [...new Set([...prunableTrees(excludes).filter((tree) => !written.some((dir) => inside(dir, tree))), ...foreignMounts])];
  const prune = pruned.length === 0 ? [] : ['(', ...pruned.flatMap((tree, index) => [...(index === 0 ? [] : ['-o']), '-path', findLiteral(`${base}${tree}`)]), ')', '-prune', '-o'];
  // 1: some directory could not be read or vanished while find walked a live system; what it found still counts.
  return sweepCommand('find', [root, ...prune, '-type', 'd', '-name', delayedUpdatesDir, '-prune', '-print0'], [0, 1]);
};

/** The sweep as a plan holds it: the find, and the `rm -rf` its leftovers get (`LEFTOVERS`, in bounded batches). */
export interface SweepPlan {
  find: PlannedCommand;
  remove: PlannedCommand;
}

/** Pure: the sweep after an interrupted update, below `root`. */
export const planSweep = (root: string, excludes: readonly string[], owners: readonly PathOwner[], foreignMounts: readonly string[] = []): SweepPlan => ({
  find: planSweepFind(root, excludes, owners, foreignMounts),
  remove: sweepCommand('rm', ['-rf', '--', leftoversPlaceholder]),
});

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

/** Pure: the plan's `rm` with its LEFTOVERS filled, each run given at most `maxArgBytes` of paths (a path longer than that goes alone). */
export const planRemovals = (paths: readonly string[], maxArgBytes = defaultMaxArgBytes, remove: PlannedCommand = sweepCommand('rm', ['-rf', '--', leftoversPlaceholder])): PlannedCommand[] => {
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
  return batches.map((batch) => ({ ...remove, args: remove.args.flatMap((arg) => (arg === leftoversPlaceholder ? batch : [arg])) }));
};

/** The find's output: at most this many bytes of names (a larger tree's leftovers are not the sweep's to chase). */
const findOutputLimit = 16 * 1024 * 1024;

/**
 * After an interrupted update is finished: runs the plan's sweep, removing the `.~tmp~` directories a killed rsync
 * left where this run had nothing to rename (rsync only cleans the ones it uses), never one in data the update does
 * not sync. Returns how many.
 */
export const runSweep = async (
  runner: Pick<PlannedRunner, 'exec' | 'environment' | 'log'>,
  sweep: SweepPlan,
  { root, excludes, owners }: { root: string; excludes: readonly string[]; owners: readonly PathOwner[] },
): Promise<number> => {
  const result = await execPlanned(runner, sweep.find, undefined, { stdoutBytesLimit: findOutputLimit });
  const found = (result.stdoutBytes ?? Buffer.alloc(0)).toString('utf8').split('\0').filter((path) => path !== '');
  const leftovers = selectLeftovers(root, found, excludes, owners);
  for (const command of planRemovals(leftovers, defaultMaxArgBytes, sweep.remove)) await execPlanned(runner, command);
  return leftovers.length;
};

/** planSweep and runSweep in one, with the clean environment and no log (the sweep's own tests). */
export const sweepDelayedUpdates = (exec: Exec, root: string, excludes: readonly string[], owners: readonly PathOwner[], foreignMounts: readonly string[] = []): Promise<number> =>
  runSweep({ exec, environment: cleanEnvironment, log: () => undefined }, planSweep(root, excludes, owners, foreignMounts), { root, excludes, owners });
