import { fsRoleOf, isBelow, type MountEntry } from '../sys/mount-table.js';

/**
 * The target's own filesystems below its root (/boot, /boot/efi, /var, /home ...), outermost first,
 * as target-relative paths; the last mount on a path wins, as the kernel shows it. Only local
 * filesystems count: pseudo, remote and derived ones (src/sys/mount-table.ts) are not the target's.
 */
export const findTargetSubmounts = (entries: readonly MountEntry[], target: string): string[] => {
  const lastByPoint = new Map<string, MountEntry>();
  for (const entry of entries) lastByPoint.set(entry.mountPoint, entry);
  const below = [...lastByPoint.values()].filter((entry) => isBelow(entry.mountPoint, target));
  const own = below.filter((entry) => fsRoleOf(entry.fsType) === 'local');
  // A disk mount below a foreign one (e.g. a USB stick under /run/media) is not part of the installed tree.
  const foreign = below.filter((entry) => fsRoleOf(entry.fsType) !== 'local');
  return own
    .filter((entry) => !foreign.some((other) => isBelow(entry.mountPoint, other.mountPoint)))
    .map((entry) => (target === '/' ? entry.mountPoint : entry.mountPoint.slice(target.length)))
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
};
