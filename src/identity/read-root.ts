import { childPath, isFileInRoot, readRootEntry, type RootEntry } from '../sys/root-tree.js';
import { configDirs, singlePaths, unitDirs, watchedPrograms, type RootSnapshot } from './root-snapshot.js';

/** Reads a directory and, when `children` says so, each entry in it. */
const readDir = async (root: string, dir: string, entries: Record<string, RootEntry>, children: (name: string) => boolean): Promise<string[]> => {
  const listing = await readRootEntry(root, dir);
  if (listing === undefined) return [];
  entries[dir] = listing;
  if (listing.kind !== 'dir') return [];
  for (const name of listing.names.filter(children)) {
    const entry = await readRootEntry(root, childPath(dir, name));
    if (entry !== undefined) entries[childPath(dir, name)] = entry;
  }
  return listing.names;
};

const isLinkDir = (name: string): boolean => name.endsWith('.wants') || name.endsWith('.requires');

/**
 * The one read step of identity planning: what the planner needs from an image root (network
 * configs, unit links, hosts, machine-id), read inside the root so absolute symlinks never lead
 * out of it. Everything after this is pure.
 */
export const readRootSnapshot = async (root: string): Promise<RootSnapshot> => {
  const entries: Record<string, RootEntry> = {};
  for (const path of singlePaths) {
    const entry = await readRootEntry(root, path);
    if (entry !== undefined) entries[path] = entry;
  }
  for (const dir of configDirs) await readDir(root, dir, entries, () => true);
  // On merged-/usr systems lib/ is a link to usr/lib: read those units once.
  const mergedUsr = (await readRootEntry(root, 'lib'))?.kind === 'symlink';
  for (const dir of unitDirs.filter((candidate) => !(mergedUsr && candidate.startsWith('lib/')))) {
    // /etc holds aliases and masks as top-level links; vendor dirs are only listed.
    const names = await readDir(root, dir, entries, (name) => dir === 'etc/systemd/system' && !isLinkDir(name));
    for (const name of names.filter(isLinkDir)) await readDir(root, childPath(dir, name), entries, () => true);
  }
  const programs: string[] = [];
  for (const path of Object.values(watchedPrograms).flat()) {
    if (await isFileInRoot(root, path)) programs.push(path);
  }
  return { entries, programs };
};
