import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** What one path inside an image root is, read without leaving the root. */
export type RootEntry =
  | { kind: 'file'; content: string; mode: number }
  | { kind: 'symlink'; target: string }
  | { kind: 'dir'; names: string[] }
  | { kind: 'other' };

// Config files are small; a huge file where a config should be is read as "other" rather than loaded.
const maxFileBytes = 1024 * 1024;
// The kernel's own limit on symlinks followed in one lookup (ELOOP).
const maxLinks = 40;

/**
 * The host path of `path` inside `root`, resolving symlinks the way a chroot would: an absolute
 * target restarts at `root`, `..` never climbs above it, so no link reaches the host. The last
 * component is followed unless `followLast` is false; undefined when a component is missing or the
 * links loop.
 */
export const resolveInRoot = async (root: string, path: string, followLast = true): Promise<string | undefined> => {
  const pending = path.split('/').filter((part) => part !== '' && part !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    const here = join(root, ...done, part);
    const info = await lstat(here).catch(() => undefined);
    if (info === undefined) return undefined;
    if (!info.isSymbolicLink() || (pending.length === 0 && !followLast)) {
      done.push(part);
      continue;
    }
    links += 1;
    if (links > maxLinks) return undefined;
    const target = await readlink(here);
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter((piece) => piece !== '' && piece !== '.'));
  }
  return join(root, ...done);
};

/** Reads one path of an image root (a symlink as itself: lstat of the last component); undefined when it is not there. */
export const readRootEntry = async (root: string, path: string): Promise<RootEntry | undefined> => {
  const host = await resolveInRoot(root, path, false);
  if (host === undefined) return undefined;
  const info = await lstat(host).catch(() => undefined);
  if (info === undefined) return undefined;
  if (info.isSymbolicLink()) return { kind: 'symlink', target: await readlink(host) };
  if (info.isDirectory()) return { kind: 'dir', names: (await readdir(host)).sort() };
  if (info.isFile() && info.size <= maxFileBytes) return { kind: 'file', content: await readFile(host, 'utf8'), mode: info.mode & 0o7777 };
  return { kind: 'other' };
};

/** A text file of a root tree read through its own symlinks; '' when missing or unreadable. */
export const readInRoot = async (root: string, path: string): Promise<string> => {
  const resolved = await resolveInRoot(root, path);
  return resolved === undefined ? '' : readFile(resolved, 'utf8').catch(() => '');
};

/** Whether `path` is a regular file inside `root` once every symlink is followed inside the root (a program, say). */
export const isFileInRoot = async (root: string, path: string): Promise<boolean> => {
  const host = await resolveInRoot(root, path);
  return host !== undefined && (await lstat(host).catch(() => undefined))?.isFile() === true;
};

/** Root-relative child path, POSIX style (`etc/netplan` + `a.yaml`). */
export const childPath = (dir: string, name: string): string => posix.join(dir, name);
