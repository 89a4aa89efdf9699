import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { RootcastError } from '../errors/rootcast-error.js';
import { writeFileAtomic } from '../sys/atomic-write.js';
import { perMacDirs } from './boot-entries.js';
import { localSources, type BootFileCopy, type BootTreePlan } from './boot-tree-plan.js';
import type { PxeSettings } from './pxe-settings.js';

export type FetchFunction = (url: string) => Promise<Response>;

export interface BootTreeResult {
  copied: string[];
  fetched: string[];
  written: string[];
  removed: string[];
  unchanged: number;
}

/** The read step of a sync: which local sources exist. */
export const findPresentSources = async (settings: PxeSettings): Promise<Set<string>> => {
  const sources = localSources(settings);
  const found = await Promise.all(sources.map(async (path) => ((await stat(path).catch(() => undefined))?.isFile() === true ? path : undefined)));
  return new Set(found.filter((path): path is string => path !== undefined));
};

const tempBeside = (path: string): string => join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);

/** Downloads into a temp file beside the target; the caller renames it into place. */
const download = async (fetchUrl: FetchFunction, copy: BootFileCopy & { from: { kind: 'url' } }, target: string): Promise<string> => {
  const { url, setting } = copy.from;
  let response: Response;
  try {
    response = await fetchUrl(url);
  } catch (error) {
    throw new RootcastError('UNAVAILABLE', `cannot fetch ${url} (${setting}): ${(error as Error).message}`, { hint: 'check the URL and that this server reaches it; nothing in the boot tree was changed' });
  }
  if (!response.ok || response.body === null) {
    throw new RootcastError(response.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE', `cannot fetch ${url} (${setting}): HTTP ${response.status} ${response.statusText}`.trim(), {
      hint: `fix ${setting} in the inventory; nothing in the boot tree was changed`,
    });
  }
  await mkdir(dirname(target), { recursive: true });
  const temp = tempBeside(target);
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(temp, { mode: 0o644 }));
  return temp;
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
  fetch: FetchFunction;
  /** Download URL sources again even when the tree has them. @default false */
  refetch?: boolean;
  /** Only rewrite the generated configs (PXE once: a host's entries switch). @default false */
  configsOnly?: boolean;
}

/**
 * Brings the tree in line with the plan. URL sources are downloaded first, so a URL that fails
 * (404...) changes nothing; then files are copied and configs written, each atomically.
 */
export const applyBootTree = async (plan: BootTreePlan, options: ApplyBootTreeOptions): Promise<BootTreeResult> => {
  if (plan.problems.length > 0 && options.configsOnly !== true) {
    throw new RootcastError('UNAVAILABLE', `the boot tree cannot be built: ${plan.problems.length} file(s) missing`, { details: plan.problems, hint: 'install the packages named above or fix the inventory paths; nothing was changed' });
  }
  const result: BootTreeResult = { copied: [], fetched: [], written: [], removed: [], unchanged: 0 };
  const downloads: { temp: string; target: string; tree: string }[] = [];
  const copies = options.configsOnly === true ? [] : plan.copies;
  try {
    for (const copy of copies) {
      if (copy.from.kind !== 'url') continue;
      const target = join(plan.root, copy.tree);
      if (options.refetch !== true && (await stat(target).catch(() => undefined)) !== undefined) continue;
      downloads.push({ temp: await download(options.fetch, copy as BootFileCopy & { from: { kind: 'url' } }, target), target, tree: copy.tree });
    }
  } catch (error) {
    await Promise.all(downloads.map((download) => rm(download.temp, { force: true })));
    throw error;
  }
  for (const download of downloads) {
    await rename(download.temp, download.target);
    result.fetched.push(download.tree);
  }
  for (const copy of copies) {
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
