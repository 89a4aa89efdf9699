/**
 * The kernel's mount table, read one way for everyone: capture reads /proc/mounts of the golden
 * client (over SSH), the runner /proc/self/mountinfo of the installing machine. Both formats give
 * the same entries, escape the same way, and their filesystem types are judged by one table.
 */

/** One mounted filesystem (also what an image manifest records of the golden client's mounts). */
export interface MountEntry {
  /** What is mounted: a device, a server export, or a name such as "proc" or "tmpfs". */
  device: string;
  mountPoint: string;
  fsType: string;
  /** /proc/mounts: mount and superblock options merged; mountinfo: the mount's own options. */
  options: string;
}

/** The kernel's tables (mounts, mountinfo, /proc/swaps) and fstab escape space, tab, newline and backslash as three octal digits (\040 ...). */
export const unescapeOctal = (field: string): string =>
  field.replaceAll(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

/** Parses /proc/mounts (`DEVICE MOUNTPOINT TYPE OPTIONS 0 0`). */
export const parseProcMounts = (text: string): MountEntry[] =>
  lines(text).flatMap((line) => {
    const [device, mountPoint, fsType, options] = line.trim().split(/\s+/);
    if (device === undefined || mountPoint === undefined || fsType === undefined || !mountPoint.startsWith('/')) return [];
    return [{ device: unescapeOctal(device), mountPoint: unescapeOctal(mountPoint), fsType, options: options ?? '' }];
  });

/** Parses /proc/self/mountinfo (`ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS...] - TYPE SOURCE SUPEROPTIONS`). */
export const parseMountinfo = (text: string): MountEntry[] =>
  lines(text).flatMap((line) => {
    const [before, after] = line.split(' - ');
    const fields = before?.split(' ') ?? [];
    const [fsType, device] = after?.split(' ') ?? [];
    const mountPoint = fields[4];
    if (mountPoint === undefined || fsType === undefined) return [];
    return [{ device: unescapeOctal(device ?? ''), mountPoint: unescapeOctal(mountPoint), fsType, options: fields[5] ?? '' }];
  });

/**
 * What a filesystem is to the machine it is mounted on: `local` holds the machine's own data; the
 * others do not (only their mount point belongs to the tree).
 */
export type FsRole = 'local' | 'pseudo' | 'remote' | 'derived';

const fsTypeRoles = new Map<string, Exclude<FsRole, 'local'>>(Object.entries({
  // Made by the kernel or in RAM: nothing in them survives a boot.
  proc: 'pseudo', sysfs: 'pseudo', devtmpfs: 'pseudo', devpts: 'pseudo', tmpfs: 'pseudo', ramfs: 'pseudo',
  cgroup: 'pseudo', cgroup2: 'pseudo', securityfs: 'pseudo', debugfs: 'pseudo', tracefs: 'pseudo', pstore: 'pseudo',
  bpf: 'pseudo', mqueue: 'pseudo', hugetlbfs: 'pseudo', configfs: 'pseudo', fusectl: 'pseudo', autofs: 'pseudo',
  binfmt_misc: 'pseudo', efivarfs: 'pseudo', selinuxfs: 'pseudo', rpc_pipefs: 'pseudo', nsfs: 'pseudo',
  // Disputed (only capture listed them): the initial rootfs and long-gone kernels' devfs/usbfs; pseudo either way.
  rootfs: 'pseudo', devfs: 'pseudo', usbfs: 'pseudo',
  // Served from elsewhere: another machine owns the data (and a deploy's --delete must never reach it).
  nfs: 'remote', nfs4: 'remote', cifs: 'remote', smb3: 'remote', smbfs: 'remote', ceph: 'remote', glusterfs: 'remote',
  '9p': 'remote', virtiofs: 'remote', afs: 'remote', sshfs: 'remote', lustre: 'remote', gpfs: 'remote', beegfs: 'remote',
  // Disputed (the runner called it pseudo, capture derived): a union of other trees (a container's or a live
  // installer's root); its data is in its layers, not on this filesystem. Derived: neither copied nor synced into.
  overlay: 'derived',
  // Disputed likewise: a read-only image mounted from a file (snaps, live media); the file is in the tree already.
  squashfs: 'derived',
  iso9660: 'derived', udf: 'derived', fuse: 'derived',
} as const));

export const fsRoleOf = (fsType: string): FsRole => {
  const role = fsTypeRoles.get(fsType);
  if (role !== undefined) return role;
  if (fsType.startsWith('nfs') || fsType.startsWith('fuse.')) return 'remote';
  return 'local';
};

/** Whether `path` lies strictly below `directory` (every path but "/" lies below "/"). */
export const isBelow = (path: string, directory: string): boolean =>
  directory === '/' ? path !== '/' : path.startsWith(`${directory}/`);

/** Whether `directory` is a mount point ("/" always is). */
export const isMountPoint = (entries: readonly MountEntry[], directory: string): boolean =>
  directory === '/' || entries.some((entry) => entry.mountPoint === directory);

/**
 * The last mount at `mountPoint` in /proc/self/mountinfo with the directory of its filesystem it shows
 * (`fsRoot`, the 4th field): "/" for a filesystem's root, a subdirectory for a bind mount of one.
 */
export const mountinfoSourceOf = (text: string, mountPoint: string): { device: string; fsType: string; fsRoot: string } | undefined => {
  let found: { device: string; fsType: string; fsRoot: string } | undefined;
  for (const line of lines(text)) {
    const [before, after] = line.split(' - ');
    const fields = before?.split(' ') ?? [];
    const [fsType, device] = after?.split(' ') ?? [];
    if (fields[4] === undefined || fsType === undefined || unescapeOctal(fields[4]) !== mountPoint) continue;
    found = { device: unescapeOctal(device ?? ''), fsType, fsRoot: unescapeOctal(fields[3] ?? '') };
  }
  return found;
};
