import { basename } from 'node:path';
import { runInChroot } from './chroot-session.js';
import { uuidOf, type Firmware } from './gpt-disk.js';

/** A disk attached with its root partition mounted: where grub goes and what it boots. */
export interface BootTarget {
  firmware: Firmware;
  /** The whole disk (/dev/loopN): grub-install writes the MBR and core.img (BIOS) here. */
  disk: string;
  partitions: readonly string[];
  rootPartition: string;
  /** The EFI system partition, formatted vfat (UEFI only). */
  espPartition?: string;
  /** Where the root partition is mounted. */
  mountpoint: string;
}

/**
 * The grub-install for the firmware. UEFI: this kernel cannot mount vfat, so /boot/efi is a tmpfs
 * whose mount *source* names the ESP (grub-install probes the device the mount names and finds
 * FAT); the files it writes there are copied into the ESP with mtools afterwards. `--removable`
 * puts grub at EFI/BOOT/BOOTX64.EFI, which OVMF finds without NVRAM entries.
 */
const grubInstallOf = (target: BootTarget): string =>
  target.firmware === 'bios'
    ? `grub-install --target=i386-pc ${target.disk}`
    : 'grub-install --target=x86_64-efi --efi-directory=/boot/efi --removable --no-nvram';

/**
 * Installs grub from inside the mounted root the way debian-installer's grub-installer does
 * (grub-install on the disk, then update-grub), so the disk boots by itself, without -kernel.
 * grub-probe needs the disk and partitions in /dev and, for `root=UUID=` in grub.cfg,
 * /dev/disk/by-uuid (made by udev elsewhere; no udev runs here, so the session makes the link).
 */
export const installGrub = async (target: BootTarget): Promise<string> => {
  const uefi = target.firmware === 'uefi';
  if (uefi && target.espPartition === undefined) throw new Error(`installGrub: a UEFI disk needs an EFI system partition (${target.disk} has none)`);
  const esp = target.espPartition ?? '';
  return runInChroot(target.mountpoint, `${grubInstallOf(target)}\nupdate-grub`, {
    devices: [target.disk, ...target.partitions],
    devLinks: { [`disk/by-uuid/${uuidOf(target.rootPartition)}`]: `../../${basename(target.rootPartition)}` },
    ...(uefi ? {
      tmpfs: { 'boot/efi': esp },
      afterChroot: `MTOOLS_SKIP_CHECK=1 mcopy -s -o -i ${esp} "$ROOT"/boot/efi/* ::/`,
    } : {}),
    timeoutMs: 5 * 60_000,
  });
};
