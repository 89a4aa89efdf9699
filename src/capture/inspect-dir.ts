import { readKernelsInRoot } from '../image/kernels.js';
import { readInRoot } from '../sys/root-tree.js';
import type { Inspection } from './inspection.js';
import { parseOsRelease } from './os-release.js';

/** What a --from-dir capture can learn from the tree itself: distro and kernels (no mounts, no disks). */
export const inspectDir = async (root: string): Promise<Inspection> => {
  const osRelease = (await readInRoot(root, '/etc/os-release')) || (await readInRoot(root, '/usr/lib/os-release'));
  const distro = parseOsRelease(osRelease);
  return { ...(distro === undefined ? {} : { distro }), kernels: await readKernelsInRoot(root), mounts: [], disks: [] };
};
