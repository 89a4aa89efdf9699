import { exactPattern } from '../overrides/sync-filters.js';

/** Swap files installers make at the top (Ubuntu's /swap.img too); any the host's fstab lists are added. */
export const defaultSwapFiles: readonly string[] = ['/swapfile', '/swap.img'];

/**
 * Pure: the one rule for swap files, as rsync-anchored patterns: the usual names and every swap file the host
 * lists (`listed`: its fstab's, on a running system the active ones too). The image never has them, so the
 * deploy's image pass and an update leave them alone (`--delete` would remove a swap file the kept fstab
 * still names), and the RAM toolbox does not copy them.
 */
export const swapFilePatterns = (listed: readonly string[]): string[] => [...new Set([...defaultSwapFiles, ...listed])].map(exactPattern);
