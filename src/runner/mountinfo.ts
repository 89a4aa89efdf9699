/** One line of /proc/self/mountinfo, reduced to what the runner needs. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
}

/** mountinfo escapes space, tab, newline and backslash as octal (\040 ...). */
const unescapeOctal = (text: string): string => text.replaceAll(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

export const parseMountinfo = (text: string): MountEntry[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      const [before, after] = line.split(' - ');
      const fields = before?.split(' ') ?? [];
      const tail = after?.split(' ') ?? [];
      const mountPoint = fields[4];
      if (mountPoint === undefined || tail[0] === undefined) return [];
      return [{ mountPoint: unescapeOctal(mountPoint), fsType: tail[0], source: unescapeOctal(tail[1] ?? '') }];
    });

/** Filesystems that hold the installed system's data (pseudo and RAM filesystems are not the target's). */
const pseudoFsTypes = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'ramfs', 'cgroup', 'cgroup2', 'mqueue', 'hugetlbfs', 'debugfs',
  'tracefs', 'securityfs', 'pstore', 'efivarfs', 'bpf', 'configfs', 'fusectl', 'binfmt_misc', 'autofs', 'rpc_pipefs',
  'nsfs', 'selinuxfs', 'overlay', 'squashfs',
]);

export const isPseudoFs = (fsType: string): boolean => pseudoFsTypes.has(fsType);

const isBelow = (path: string, directory: string): boolean =>
  directory === '/' ? path !== '/' : path.startsWith(`${directory}/`);

/** Whether `directory` is a mount point ("/" always is). */
export const isMountPoint = (entries: readonly MountEntry[], directory: string): boolean =>
  directory === '/' || entries.some((entry) => entry.mountPoint === directory);

/**
 * The target's own filesystems below its root (/boot, /boot/efi, /var, /home ...), outermost first,
 * as target-relative paths; the last mount on a path wins, as the kernel shows it.
 */
export const findTargetSubmounts = (entries: readonly MountEntry[], target: string): string[] => {
  const lastByPoint = new Map<string, MountEntry>();
  for (const entry of entries) lastByPoint.set(entry.mountPoint, entry);
  const disk = [...lastByPoint.values()].filter((entry) => isBelow(entry.mountPoint, target) && !isPseudoFs(entry.fsType));
  // A disk mount below a pseudo mount (e.g. something under /run) is not part of the installed tree.
  const pseudoPoints = [...lastByPoint.values()].filter((entry) => isBelow(entry.mountPoint, target) && isPseudoFs(entry.fsType));
  return disk
    .filter((entry) => !pseudoPoints.some((pseudo) => isBelow(entry.mountPoint, pseudo.mountPoint)))
    .map((entry) => (target === '/' ? entry.mountPoint : entry.mountPoint.slice(target.length)))
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
};
