import { readdir } from 'node:fs/promises';
import { resolveInRoot } from '../sys/root-tree.js';

/** Kernel versions from a /boot listing (vmlinuz-VERSION / vmlinux-VERSION), sorted, without rescue images. */
export const parseKernelList = (names: readonly string[]): string[] =>
  [...new Set(names.flatMap((name) => /^vmlinu[xz]-(.+)$/.exec(name.trim())?.[1] ?? []))]
    .filter((version) => !version.includes('rescue'))
    .sort();

/** Kernel versions in a root tree's /boot (an image version, a --from-dir source), by the same rule as a capture over SSH. */
export const readKernelsInRoot = async (root: string): Promise<string[]> => {
  const boot = await resolveInRoot(root, '/boot');
  return parseKernelList(boot === undefined ? [] : await readdir(boot).catch(() => [] as string[]));
};
