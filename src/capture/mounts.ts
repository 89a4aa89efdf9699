import { fsRoleOf, isBelow, type MountEntry } from '../sys/mount-table.js';

export type MountRole = 'root' | 'local' | 'pseudo' | 'remote' | 'derived';

/** What a capture does with a mount: copy it (root/local), or keep only the empty mount point. */
export const classifyMount = (entry: MountEntry): MountRole => (entry.mountPoint === '/' ? 'root' : fsRoleOf(entry.fsType));

const roleReason: Record<Exclude<MountRole, 'root' | 'local'>, string> = {
  pseudo: 'pseudo filesystem',
  remote: 'network filesystem',
  derived: 'overlay or image-backed filesystem',
};

export interface MountSkip {
  mountPoint: string;
  fsType: string;
  reason: string;
}

/**
 * Splits the golden client's mounts into extra local filesystems to copy and mount points kept
 * empty. rsync -x stops at every mount point, so local filesystems such as /boot or /home need
 * their own pass; anything below a skipped mount is skipped with it.
 */
export const planMounts = (mounts: readonly MountEntry[]): { localMountPoints: string[]; skipped: MountSkip[] } => {
  const skipped: MountSkip[] = [];
  const local: string[] = [];
  const sorted = [...mounts].sort((a, b) => a.mountPoint.length - b.mountPoint.length);
  for (const entry of sorted) {
    const role = classifyMount(entry);
    if (role === 'root') continue;
    const under = skipped.find((skip) => skip.mountPoint !== '/' && (entry.mountPoint === skip.mountPoint || isBelow(entry.mountPoint, skip.mountPoint)));
    if (under !== undefined) continue;
    if (role === 'local') {
      if (!local.includes(entry.mountPoint)) local.push(entry.mountPoint);
    } else if (!skipped.some((skip) => skip.mountPoint === entry.mountPoint)) {
      skipped.push({ mountPoint: entry.mountPoint, fsType: entry.fsType, reason: `${roleReason[role]} (${entry.fsType}); mount point kept empty` });
    }
  }
  return { localMountPoints: local.sort(), skipped: skipped.sort((a, b) => a.mountPoint.localeCompare(b.mountPoint)) };
};
