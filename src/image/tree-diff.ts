import type { BigIntStats } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import { escapePath } from './path-escape.js';
import { absolutePath, comparePaths, walkTree, type TreeEntry } from './tree-walk.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

export type ChangeField = 'type' | 'mode' | 'uid' | 'gid' | 'size' | 'mtime' | 'target' | 'rdev' | 'content';

export interface FieldChange {
  field: ChangeField;
  from: string;
  to: string;
}

/** One difference between two trees; `path` keeps the raw bytes so callers can open the files. */
export type TreeChange =
  | { kind: 'added'; path: Buffer; type: EntryType; after: BigIntStats }
  | { kind: 'removed'; path: Buffer; type: EntryType; before: BigIntStats }
  | { kind: 'changed'; path: Buffer; type: EntryType; fields: FieldChange[]; before: BigIntStats; after: BigIntStats };

export const entryType = (stats: BigIntStats): EntryType => {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isCharacterDevice()) return 'char';
  if (stats.isBlockDevice()) return 'block';
  if (stats.isFIFO()) return 'fifo';
  return 'socket';
};

export const formatMode = (mode: bigint): string => (mode & 0o7777n).toString(8).padStart(4, '0');

const formatDevice = (rdev: bigint): string => {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
};

const formatMtime = (stats: BigIntStats): string => {
  const ns = stats.mtimeNs % 1_000_000_000n;
  return `${new Date(Number(stats.mtimeNs / 1_000_000n)).toISOString().slice(0, 19)}.${ns.toString().padStart(9, '0')}Z`;
};

const chunkSize = 64 * 1024;

/** Byte-compares two regular files of equal size, stopping at the first difference. */
export const sameContent = async (a: Buffer, b: Buffer): Promise<boolean> => {
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const ba = Buffer.alloc(chunkSize);
    const bb = Buffer.alloc(chunkSize);
    for (;;) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, chunkSize, null), fb.read(bb, 0, chunkSize, null)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (ra.bytesRead === 0) return true;
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
};

const field = (name: ChangeField, from: string, to: string): FieldChange[] => (from === to ? [] : [{ field: name, from, to }]);

/** What differs between two objects at the same path; hard links to one inode are equal without reading. */
const compareEntries = async (rootA: string, rootB: string, a: TreeEntry, b: TreeEntry): Promise<FieldChange[]> => {
  const sa = a.stats;
  const sb = b.stats;
  if (sa.dev === sb.dev && sa.ino === sb.ino) return [];
  const typeA = entryType(sa);
  const typeB = entryType(sb);
  if (typeA !== typeB) return field('type', typeA, typeB);
  const changes = [
    ...(typeA === 'symlink' ? [] : field('mode', formatMode(sa.mode), formatMode(sb.mode))),
    ...field('uid', String(sa.uid), String(sb.uid)),
    ...field('gid', String(sa.gid), String(sb.gid)),
  ];
  // A directory's size and mtime only echo changes to its entries, which are reported themselves.
  if (typeA === 'dir') return changes;
  if (typeA === 'symlink') {
    const [ta, tb] = await Promise.all([readlink(absolutePath(rootA, a.path), { encoding: 'buffer' }), readlink(absolutePath(rootB, b.path), { encoding: 'buffer' })]);
    changes.push(...field('target', escapePath(ta), escapePath(tb)));
  }
  if (typeA === 'char' || typeA === 'block') changes.push(...field('rdev', formatDevice(sa.rdev), formatDevice(sb.rdev)));
  if (typeA === 'file') {
    changes.push(...field('size', String(sa.size), String(sb.size)));
    if (sa.size === sb.size && !(await sameContent(absolutePath(rootA, a.path), absolutePath(rootB, b.path)))) {
      changes.push({ field: 'content', from: '', to: '' });
    }
  }
  changes.push(...field('mtime', formatMtime(sa), formatMtime(sb)));
  return changes;
};

/** Every added, removed and changed object between two trees, in path order. */
export const diffTrees = async (rootA: string, rootB: string): Promise<TreeChange[]> => {
  const changes: TreeChange[] = [];
  const walkA = walkTree(rootA);
  const walkB = walkTree(rootB);
  let a = await walkA.next();
  let b = await walkB.next();
  while (!a.done || !b.done) {
    const order = a.done ? 1 : b.done ? -1 : comparePaths(a.value.path, b.value.path);
    if (order < 0 && !a.done) {
      changes.push({ kind: 'removed', path: a.value.path, type: entryType(a.value.stats), before: a.value.stats });
      a = await walkA.next();
    } else if (order > 0 && !b.done) {
      changes.push({ kind: 'added', path: b.value.path, type: entryType(b.value.stats), after: b.value.stats });
      b = await walkB.next();
    } else if (!a.done && !b.done) {
      const fields = await compareEntries(rootA, rootB, a.value, b.value);
      if (fields.length > 0) {
        changes.push({ kind: 'changed', path: b.value.path, type: entryType(b.value.stats), fields, before: a.value.stats, after: b.value.stats });
      }
      a = await walkA.next();
      b = await walkB.next();
    }
  }
  return changes;
};
