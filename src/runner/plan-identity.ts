/**
 * What the runner itself does for a clone's identity, pure (the rest of identity, host name, hosts and
 * network, arrives as serve's identity layer in the overrides pass: docs/identity.md).
 */
import { fileSystemMountPoints, missingMountPoints, type FstabEntry } from '../sys/fstab.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { planTargetCommand, type TargetChroot } from './plan-boot.js';
import { planBindMount, planMountPoints } from './plan-commands.js';

/**
 * Made by the installer for this machine and never the image's: the image pass leaves them alone
 * (rsync excludes), so each clone keeps the fresh ones its installer generated.
 */
export const identityKeptPaths: readonly string[] = ['/etc/machine-id', '/var/lib/dbus/machine-id', '/etc/ssh/ssh_host_*'];

/** Target-relative path of the machine id. */
export const machineIdFile = '/etc/machine-id';

/** sshd as the image installs it: only then does the clone need host keys. */
export const sshdProgram = '/usr/sbin/sshd';

/** A machine id is written only where the installed system left none: an installer's own id is already fresh. */
export const needsMachineId = (content: string | undefined): boolean => content === undefined || content.trim() === '';

/**
 * /proc, /sys and /dev inside the target, for the commands chrooted there (grub-probe reads /proc and
 * /dev, update-initramfs /sys). Made after the sync: the image pass must not see (and delete in) them.
 */
export const planTargetPseudoMounts = (targetDir: string): PlannedCommand[] => {
  const pseudo = ['/proc', '/sys', '/dev'];
  return [planMountPoints(pseudo.map((dir) => `${targetDir}${dir}`)), ...pseudo.map((dir) => planBindMount(dir, `${targetDir}${dir}`, true))];
};

/** Generates every missing host key type (`ssh-keygen -A` writes only the missing ones), chrooted into the target. */
export const planHostKeys = (chroot: TargetChroot): PlannedCommand => planTargetCommand('ssh-keygen -A', chroot);

/** One line per mount point the image's fstab has and this machine's lacks: their files land on the parent file system. */
export const describeMissingMountPoints = (imageMountPoints: readonly string[], installed: readonly FstabEntry[]): string | undefined => {
  const missing = missingMountPoints(imageMountPoints, fileSystemMountPoints(installed));
  if (missing.length === 0) return undefined;
  return `warning: the image's fstab mounts ${missing.join(', ')}, which this machine's fstab (kept from its installer) does not: their files are on the file system above them; partition the host to match or accept it`;
};
