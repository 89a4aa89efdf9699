import type { BigIntStats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';

/** One object under a root; `path` is raw bytes ("/etc/x"), so any name a filesystem allows survives. */
export interface TreeEntry {
  path: Buffer;
  stats: BigIntStats;
}

const slash = 0x2f;

/** Joins a root (string) and a raw relative path ("/etc/x") into an absolute path as bytes. */
export const absolutePath = (root: string, path: Buffer): Buffer =>
  path.length === 0 ? Buffer.from(root) : Buffer.concat([Buffer.from(root), path]);

/** Orders paths the way a depth-first walk with byte-sorted children visits them ("/a", "/a/b", "/a-c"). */
export const comparePaths = (a: Buffer, b: Buffer): number => {
  let i = 0;
  while (i < a.length && i < b.length) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) {
      if (x === slash) return -1;
      if (y === slash) return 1;
      return x - y;
    }
    i += 1;
  }
  return a.length - b.length;
};

const readNames = async (dir: Buffer): Promise<Buffer[]> =>
  (await readdir(dir, { encoding: 'buffer' })).sort(Buffer.compare);

/**
 * Yields every object under `root` (not the root itself) in comparePaths order, using lstat
 * (symlinks are never followed). Reused by image diff, update and drift.
 */
export async function* walkTree(root: string): AsyncGenerator<TreeEntry> {
  // Each stack frame is a queue of sibling paths still to visit, so output stays depth-first.
  const stack: Buffer[][] = [(await readNames(Buffer.from(root))).map((name) => Buffer.concat([Buffer.from('/'), name]))];
  while (stack.length > 0) {
    const siblings = stack[stack.length - 1] as Buffer[];
    const path = siblings.shift();
    if (path === undefined) {
      stack.pop();
      continue;
    }
    const stats = await lstat(absolutePath(root, path), { bigint: true });
    yield { path, stats };
    if (stats.isDirectory()) {
      const children = await readNames(absolutePath(root, path));
      stack.push(children.map((name) => Buffer.concat([path, Buffer.from('/'), name])));
    }
  }
}

/** Bytes and object count of a tree (hard-linked files counted once), for manifests. */
export const measureTree = async (root: string): Promise<{ sizeBytes: number; fileCount: number }> => {
  const seen = new Set<bigint>();
  let sizeBytes = 0;
  let fileCount = 0;
  for await (const entry of walkTree(root)) {
    fileCount += 1;
    if (entry.stats.isDirectory() || seen.has(entry.stats.ino)) continue;
    seen.add(entry.stats.ino);
    sizeBytes += Number(entry.stats.size);
  }
  return { sizeBytes, fileCount };
};
