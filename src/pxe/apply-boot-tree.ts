import { chmod, copyFile, lstat, mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../sys/atomic-write.js';
import { perMacDirs } from './boot-entries.js';
import { localSources, plannedCopies, type BootTreePlan } from './boot-tree-plan.js';
import { tempBeside, type Download } from './fetch-url-sources.js';
import type { PxeSettings } from './pxe-settings.js';

export interface BootTreeResult {
  copied: string[];
  fetched: string[];
  written: string[];
  removed: string[];
  /** Symlinks and special files found in the tree and removed (the tree holds only directories and regular files). */
  foreign: string[];
  unchanged: number;
}

/** The read step of a sync: which local sources exist. */
export const findPresentSources = async (settings: PxeSettings): Promise<Set<string>> => {
  const sources = localSources(settings);
  const found = await Promise.all(sources.map(async (path) => ((await stat(path).catch(() => undefined))?.isFile() === true ? path : undefined)));
  return new Set(found.filter((path): path is string => path !== undefined));
};

/** The read step of a sync: which URL sources an earlier sync downloaded (regular files only: a symlink is no download). */
export const findCachedDownloads = async (root: string, settings: PxeSettings): Promise<Set<string>> => {
  const trees = plannedCopies(settings).filter((copy) => copy.from.kind === 'url').map((copy) => copy.tree);
  const found = await Promise.all(trees.map(async (tree) => ((await lstat(join(root, tree)).catch(() => undefined))?.isFile() === true ? tree : undefined)));
  return new Set(found.filter((tree): tree is string => tree !== undefined));
};

/** A copy is needed unless the target has the source's size and modification time. */
const sameFile = async (source: string, target: string): Promise<boolean> => {
  const [from, to] = await Promise.all([stat(source), stat(target).catch(() => undefined)]);
  // utimes() goes through a float of seconds: the copy's time may differ from the source's by a rounding.
  return to !== undefined && to.size === from.size && Math.abs(to.mtimeMs - from.mtimeMs) < 2;
};

const copyInto = async (source: string, target: string): Promise<void> => {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempBeside(target);
  await copyFile(source, temp);
  // Every PXE client reads the tree (and dnsmasq, as root, serves only world-readable files).
  await chmod(temp, 0o644);
  const { atime, mtime } = await stat(source);
  await utimes(temp, atime, mtime);
  await rename(temp, target);
};

const removeStale = async (plan: BootTreePlan): Promise<string[]> => {
  const wanted = new Set(plan.files.map((file) => file.path));
  const removed: string[] = [];
  for (const dir of perMacDirs) {
    const names = await readdir(join(plan.root, dir)).catch(() => [] as string[]);
    for (const name of names) {
      const path = `${dir}/${name}`;
      if (wanted.has(path) || name.startsWith('.')) continue;
      await rm(join(plan.root, path), { force: true });
      removed.push(path);
    }
  }
  return removed;
};

export interface ApplyBootTreeOptions {
  /** Files `fetchUrlSources` downloaded; any the plan does not copy are dropped. @default none */
  downloads?: readonly Download[];
  /** Only rewrite the generated configs (PXE once: a host's entries switch). @default false */
  configsOnly?: boolean;
}

/**
 * Brings the tree in line with the plan: renames the downloads into place, copies the local files
 * and writes the configs, each atomically. Files the plan skips (missing sources) are left as they are.
 */
export const applyBootTree = async (plan: BootTreePlan, options: ApplyBootTreeOptions = {}): Promise<Omit<BootTreeResult, 'foreign'>> => {
  const result: Omit<BootTreeResult, 'foreign'> = { copied: [], fetched: [], written: [], removed: [], unchanged: 0 };
  const wanted = new Set(plan.copies.map((copy) => copy.tree));
  for (const download of options.downloads ?? []) {
    if (!wanted.has(download.tree)) {
      await rm(download.temp, { force: true });
      continue;
    }
    await rename(download.temp, join(plan.root, download.tree));
    result.fetched.push(download.tree);
  }
  for (const copy of options.configsOnly === true ? [] : plan.copies) {
    if (copy.from.kind === 'url') continue;
    const target = join(plan.root, copy.tree);
    if (await sameFile(copy.from.path, target)) result.unchanged += 1;
    else {
      await copyInto(copy.from.path, target);
      result.copied.push(copy.tree);
    }
  }
  for (const file of plan.files) {
    const target = join(plan.root, file.path);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current === file.content) {
      result.unchanged += 1;
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, file.content, { mode: 0o644 });
    result.written.push(file.path);
  }
  result.removed = await removeStale(plan);
  return result;
};
