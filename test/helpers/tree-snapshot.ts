import { lstatSync, readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface SnapshotOptions {
  /** Relative path prefixes to leave out (a log the run appends to). @default [] */
  excludes?: readonly string[];
  /**
   * Include directories' times. Off for checks where a refused command may take and drop a lock or a
   * staging entry (which touches its directory) but must leave every file as it was. @default true
   */
  directoryTimes?: boolean;
}

/**
 * ROOT (as `.`) and every path under it (relative, sorted) with its kind, inode, mode, owner, size and times to the
 * nanosecond: two equal snapshots mean nothing was created, removed, rewritten or touched.
 */
export const snapshotTree = (root: string, options: SnapshotOptions | readonly string[] = {}): string[] => {
  const { excludes = [], directoryTimes = true } = Array.isArray(options) ? { excludes: options } : (options as SnapshotOptions);
  const lines: string[] = [];
  const describe = (rel: string): void => {
    const info = lstatSync(rel === '.' ? root : join(root, rel), { bigint: true });
    const times = info.isDirectory() && !directoryTimes ? '' : ` mtime=${info.mtimeNs} ctime=${info.ctimeNs}`;
    lines.push(`${rel} ino=${info.ino} mode=${info.mode.toString(8)} uid=${info.uid} gid=${info.gid} size=${info.isDirectory() ? '-' : info.size}${times}`);
  };
  const visit = (rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(rel === '' ? root : join(root, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const child = rel === '' ? name : `${rel}/${name}`;
      if (excludes.some((prefix) => child === prefix || child.startsWith(`${prefix}/`))) continue;
      describe(child);
      if (lstatSync(join(root, child)).isDirectory()) visit(child);
    }
  };
  describe('.');
  visit('');
  return lines;
};

/**
 * Every path under ROOT (relative) with its file's bytes (as latin1: each byte one character) or `<dir>`, `<link>`:
 * for checks that a refused command wrote nothing, where what matters is content rather than inodes and times.
 */
export const snapshotFileBytes = async (root: string): Promise<Record<string, string>> => {
  const result: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    result[relative(root, path)] = entry.isFile() ? await readFile(path, 'latin1') : entry.isDirectory() ? '<dir>' : '<link>';
  }
  return result;
};
