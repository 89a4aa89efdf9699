import type { BigIntStats } from 'node:fs';
import { lstatSync, readdirSync } from 'node:fs';
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

/**
 * Bytes and object count of a tree, for manifests: every object below the root counts (a hard-linked file
 * once per name); the size adds st_size of each distinct non-directory inode once. Synchronous within a
 * directory (an awaited lstat per entry made 20k files cost ~0.7 s instead of ~0.1 s), yielding between
 * directories so signals are still handled during a large walk.
 */
export const measureTree = async (root: string): Promise<{ sizeBytes: number; fileCount: number }> => {
  const seen = new Set<bigint>();
  let sizeBytes = 0;
  let fileCount = 0;
  const separator = Buffer.from('/');
  const dirs: Buffer[] = [Buffer.from(root)];
  for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
    for (const name of readdirSync(dir, { encoding: 'buffer' })) {
      const path = Buffer.concat([dir, separator, name]);
      const stats = lstatSync(path, { bigint: true });
      fileCount += 1;
      if (stats.isDirectory()) dirs.push(path);
      else if (!seen.has(stats.ino)) {
        seen.add(stats.ino);
        sizeBytes += Number(stats.size);
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { sizeBytes, fileCount };
};
