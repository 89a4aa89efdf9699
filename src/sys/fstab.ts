import { fsRoleOf, unescapeOctal } from './mount-table.js';

/** One line of fstab(5): what is mounted where. */
export interface FstabEntry {
  spec: string;
  mountpoint: string;
  fstype: string;
  options: string[];
}


/** Pure: the entries of an fstab text; comments, blank lines and lines with fewer than three fields are skipped. */
export const parseFstab = (text: string): FstabEntry[] =>
  text.split('\n').flatMap((line): FstabEntry[] => {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    const [spec, mountpoint, fstype, options = 'defaults'] = fields;
    if (spec === undefined || mountpoint === undefined || fstype === undefined) return [];
    return [{ spec: unescapeOctal(spec), mountpoint: unescapeOctal(mountpoint), fstype, options: options.split(',') }];
  });

/**
 * Entries that mount a stored file system somewhere (local or remote; not swap, not `none`, not a kernel or memory
 * one: systemd mounts those whatever fstab says, so their absence means nothing).
 */
const mountsAFileSystem = (entry: FstabEntry): boolean => entry.fstype !== 'swap' && fsRoleOf(entry.fstype) !== 'pseudo' && entry.mountpoint.startsWith('/');

const normalise = (point: string): string => point.replace(/\/+$/, '') || '/';

/** Pure: the mount points of stored file systems an fstab names, each once (what serve tells the runner about the image's). */
export const fileSystemMountPoints = (entries: readonly FstabEntry[]): string[] =>
  [...new Set(entries.filter(mountsAFileSystem).map((entry) => normalise(entry.mountpoint)))];

/** Pure: the golden mount points the installed system's lacks. */
export const missingMountPoints = (golden: readonly string[], installed: readonly string[]): string[] => {
  const present = new Set(installed.map(normalise));
  return [...new Set(golden.map(normalise))].filter((point) => !present.has(point));
};

/**
 * Pure: mount points the golden client's fstab has and the installed system's lacks (a separate /var,
 * /srv or /home the installer did not make): the image's files for them land on the parent file system.
 */
export const mountPointsMissing = (golden: readonly FstabEntry[], installed: readonly FstabEntry[]): string[] =>
  missingMountPoints(fileSystemMountPoints(golden), fileSystemMountPoints(installed));

/** Pure: swap files an fstab names (paths, not devices): the runner leaves them out of copies. */
export const swapFiles = (entries: readonly FstabEntry[]): string[] =>
  entries.filter((entry) => entry.fstype === 'swap' && entry.spec.startsWith('/') && !entry.spec.startsWith('/dev/')).map((entry) => entry.spec);
