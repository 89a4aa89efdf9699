import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { Inspection } from './inspection.js';
import { parseKernelList, parseOsRelease } from './os-release.js';

/** Resolves a path inside ROOT, following symlinks as if ROOT were "/" (an absolute link must not reach the host). */
const resolveInRoot = async (root: string, path: string, depth = 0): Promise<string | undefined> => {
  if (depth > 16) return undefined;
  const info = await lstat(join(root, path)).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isSymbolicLink()) return join(root, path);
  const target = await readlink(join(root, path));
  return resolveInRoot(root, target.startsWith('/') ? posix.normalize(target) : posix.normalize(posix.join(dirname(path), target)), depth + 1);
};

const readInRoot = async (root: string, path: string): Promise<string> => {
  const resolved = await resolveInRoot(root, path);
  return resolved === undefined ? '' : readFile(resolved, 'utf8').catch(() => '');
};

/** Kernel versions in a root tree's /boot, by the same rule as a capture over SSH. */
export const readKernelsInRoot = async (root: string): Promise<string[]> => {
  const boot = await resolveInRoot(root, '/boot');
  return parseKernelList(boot === undefined ? [] : await readdir(boot).catch(() => [] as string[]));
};

/** What a --from-dir capture can learn from the tree itself: distro and kernels (no mounts, no disks). */
export const inspectDir = async (root: string): Promise<Inspection> => {
  const osRelease = (await readInRoot(root, '/etc/os-release')) || (await readInRoot(root, '/usr/lib/os-release'));
  const distro = parseOsRelease(osRelease);
  return { ...(distro === undefined ? {} : { distro }), kernels: await readKernelsInRoot(root), mounts: [], disks: [] };
};
