import type { MountEntry } from '../image/manifest.js';

const unescapeMountField = (field: string): string =>
  field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** Parses /proc/mounts (octal escapes such as \040 for spaces). */
export const parseProcMounts = (text: string): MountEntry[] =>
  text.split('\n').flatMap((line) => {
    const [device, mountPoint, fsType, options] = line.trim().split(/\s+/);
    if (device === undefined || mountPoint === undefined || fsType === undefined || !mountPoint.startsWith('/')) return [];
    return [{ device: unescapeMountField(device), mountPoint: unescapeMountField(mountPoint), fsType, options: options ?? '' }];
  });

/** Kernel-made filesystems: their content is not the machine's, only the mount point is. */
const pseudoTypes = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'ramfs', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'tracefs',
  'pstore', 'bpf', 'mqueue', 'hugetlbfs', 'configfs', 'fusectl', 'autofs', 'binfmt_misc', 'efivarfs', 'selinuxfs',
  'rpc_pipefs', 'nsfs', 'rootfs', 'devfs', 'usbfs',
]);
/** Filesystems served from elsewhere (or images mounted from files already in the tree). */
const remoteTypes = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ceph', 'glusterfs', '9p', 'virtiofs', 'afs', 'sshfs', 'lustre', 'gpfs', 'beegfs']);
const derivedTypes = new Set(['overlay', 'squashfs', 'iso9660', 'udf', 'fuse']);

export type MountRole = 'root' | 'local' | 'pseudo' | 'remote' | 'derived';

/** What a capture does with a mount: copy it (root/local), or keep only the empty mount point. */
export const classifyMount = (entry: MountEntry): MountRole => {
  if (entry.mountPoint === '/') return 'root';
  if (pseudoTypes.has(entry.fsType)) return 'pseudo';
  if (remoteTypes.has(entry.fsType) || entry.fsType.startsWith('nfs') || entry.fsType.startsWith('fuse.')) return 'remote';
  if (derivedTypes.has(entry.fsType)) return 'derived';
  return 'local';
};

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

const isBelow = (path: string, parent: string): boolean => parent === '/' || path === parent || path.startsWith(`${parent}/`);

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
    const under = skipped.find((skip) => skip.mountPoint !== '/' && isBelow(entry.mountPoint, skip.mountPoint));
    if (under !== undefined) continue;
    if (role === 'local') {
      if (!local.includes(entry.mountPoint)) local.push(entry.mountPoint);
    } else if (!skipped.some((skip) => skip.mountPoint === entry.mountPoint)) {
      skipped.push({ mountPoint: entry.mountPoint, fsType: entry.fsType, reason: `${roleReason[role]} (${entry.fsType}); mount point kept empty` });
    }
  }
  return { localMountPoints: local.sort(), skipped: skipped.sort((a, b) => a.mountPoint.localeCompare(b.mountPoint)) };
};
