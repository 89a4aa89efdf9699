import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { RootcastError } from '../errors/rootcast-error.js';
import { escapePath } from '../image/path-escape.js';
import { entryType } from '../image/tree-diff.js';
import { absolutePath, walkTree } from '../image/tree-walk.js';
import type { LayerEntry, LayerListing } from './layer-entry.js';
import type { LayerId } from './layer-id.js';
import { templateSuffix } from './layer-names.js';
import type { OverrideProblem } from './override-problem.js';

const lstatOrMissing = (path: string): Promise<BigIntStats | undefined> =>
  lstat(path, { bigint: true }).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));

/** Names must survive JSON, rsync filter rules and one-line listings: valid UTF-8 without control characters. */
const decodeName = (raw: Buffer): string | undefined => {
  const text = raw.toString('utf8');
  return Buffer.from(text, 'utf8').equals(raw) && !/[\u0000-\u001f\u007f]/.test(text) ? text : undefined;
};

/**
 * A directory on the way to a layer (`overrides/`, `overrides/group/`, the layer itself) must be a real
 * directory: a symlink there would lead the resolver, and rsync after it, out of the overrides home.
 */
export const assertDirectoryOrMissing = async (path: string, what: string): Promise<boolean> => {
  const stats = await lstatOrMissing(path);
  if (stats === undefined) return false;
  if (!stats.isDirectory()) {
    throw new RootcastError('INVALID_DATA', `${what} ${path} is not a directory (it is a ${entryType(stats)})`, {
      hint: 'layers are plain directories under <home>/overrides/; replace it with a directory (a symlink is never followed)',
    });
  }
  return true;
};

const describeEntry = async (root: string, raw: Buffer, path: string, stats: BigIntStats): Promise<LayerEntry | string> => {
  const type = entryType(stats);
  const entry: LayerEntry = {
    path,
    type,
    mode: Number(stats.mode & 0o7777n),
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    size: Number(stats.size),
    mtimeNs: stats.mtimeNs,
    ctimeNs: stats.ctimeNs,
  };
  const file = absolutePath(root, raw);
  if (type === 'symlink') {
    const target = decodeName(await readlink(file, { encoding: 'buffer' }));
    if (target === undefined) return `symlink target ${escapePath(await readlink(file, { encoding: 'buffer' }))} is not UTF-8 text without control characters`;
    entry.target = target;
  }
  if (type === 'char' || type === 'block') entry.rdev = Number(stats.rdev);
  if (type === 'file') {
    const content = await readFile(file);
    entry.sha256 = createHash('sha256').update(content).digest('hex');
    if (path.endsWith(templateSuffix)) entry.templateSource = content.toString('utf8');
  }
  return entry;
};

export type LayerRead = { listing: LayerListing; problems: OverrideProblem[] } | undefined;

/**
 * Reads one layer with lstat (symlinks are entries, never followed): every entry with its metadata,
 * the content hash of regular files and the text of templates. Undefined when the layer does not exist.
 */
export const readLayer = async (id: LayerId, root: string): Promise<LayerRead> => {
  if (!(await assertDirectoryOrMissing(root, 'the override layer'))) return undefined;
  const entries: LayerEntry[] = [];
  const problems: OverrideProblem[] = [];
  for await (const { path: raw, stats } of walkTree(root)) {
    const path = decodeName(raw);
    if (path === undefined) {
      problems.push({ file: `${root}${escapePath(raw)}`, message: 'the name is not UTF-8 text without control characters; rename it' });
      continue;
    }
    const described = await describeEntry(root, raw, path, stats);
    if (typeof described === 'string') problems.push({ file: `${root}${path}`, message: described });
    else entries.push(described);
  }
  return { listing: { id, root, entries }, problems };
};
