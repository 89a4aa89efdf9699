import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Whether the filesystem holding `path` (or its nearest existing parent, for --dry-run) keeps nanosecond
 * mtimes. Read-only: the kernel stamps a directory with a nanosecond clock, so a filesystem that keeps
 * them shows sub-microsecond digits (ext4 with 256-byte inodes, xfs, btrfs, tmpfs), one that rounds
 * (ext4 with 128-byte inodes, FAT, some network filesystems) does not. A wrong "no" (1 in 1000) only
 * falls back to rsync's whole-second comparison.
 */
export const keepsNanosecondMtimes = async (path: string): Promise<boolean> => {
  let current = path;
  for (;;) {
    const info = await stat(current, { bigint: true }).catch(() => undefined);
    if (info !== undefined) return info.mtimeNs % 1000n !== 0n;
    const parent = dirname(current);
    if (parent === current) return false;
    current = parent;
  }
};
