import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installGrub } from './boot-loader.js';
import { mountDevice, unmountAll } from './disk-image.js';
import { attachPartitionedDisk, createGptDisk, partitionLayoutOf, uuidOf, type AttachedDisk, type Firmware } from './gpt-disk.js';

export interface InstalledDiskOptions {
  /** The installed system's root directory (e.g. a cached debootstrap root); copied, never changed. */
  root: string;
  /** Where the raw disk image file is written (sparse). */
  image: string;
  /** @default "bios" */
  firmware?: Firmware;
  /** @default 4096 */
  sizeMiB?: number;
}

/** A disk as an installer leaves it, still attached, its root partition mounted. */
export interface InstalledDisk {
  image: string;
  firmware: Firmware;
  /** The whole disk, /dev/loopN (grub-install's target). */
  disk: string;
  partitions: string[];
  rootPartition: string;
  /** The EFI system partition (UEFI disks only). */
  espPartition: string | undefined;
  /** The root file system's UUID, as fstab and grub.cfg name it. */
  rootUuid: string;
  /** Where the root partition is mounted. */
  mountpoint: string;
  /** Unmounts, removes the partition devices and detaches the disk; safe to call twice. */
  release(): Promise<void>;
}

const run = (command: string, args: readonly string[]): void => {
  execFileSync(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10 * 60_000 });
};

/** debian-installer's fstab: file systems by UUID. */
export const installerFstabOf = (rootUuid: string, espUuid: string | undefined): string =>
  [
    '# /etc/fstab: static file system information (written by the test installer, test/helpers/installed-disk.ts).',
    `UUID=${rootUuid} / ext4 errors=remount-ro 0 1`,
    ...(espUuid === undefined ? [] : [`UUID=${espUuid} /boot/efi vfat umask=0077 0 1`]),
  ].join('\n') + '\n';

/**
 * Builds what an installer leaves: a GPT disk (BIOS boot partition or ESP, then an ext4 root filled
 * from `root` with `mke2fs -d`), an fstab naming the file systems by UUID, and grub installed from
 * inside the root. The disk stays attached and the root mounted, for a deploy onto it; call
 * `release()` (in `finally`) before booting the image. On failure everything is undone.
 */
export const buildInstalledDisk = async (options: InstalledDiskOptions): Promise<InstalledDisk> => {
  const firmware = options.firmware ?? 'bios';
  const layout = partitionLayoutOf(firmware);
  createGptDisk(options.image, layout, options.sizeMiB ?? 4096);
  const attached: AttachedDisk = await attachPartitionedDisk(options.image, layout.length);
  let mountpoint: string | undefined;
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    try {
      if (mountpoint !== undefined) {
        unmountAll(mountpoint);
        rmdirSync(mountpoint);
      }
    } finally {
      await attached.release();
    }
  };
  try {
    const partitionOf = (role: string): string | undefined => attached.partitions[layout.findIndex((part) => part.role === role)];
    const rootPartition = partitionOf('root') ?? '';
    const espPartition = partitionOf('esp');
    run('mke2fs', ['-q', '-F', '-t', 'ext4', '-L', 'root', '-d', options.root, rootPartition]);
    if (espPartition !== undefined) run('mkfs.vfat', ['-F', '32', '-n', 'ESP', espPartition]);
    mountpoint = mkdtempSync(join(tmpdir(), 'rootcast-disk-root-'));
    mountDevice(rootPartition, mountpoint);
    const rootUuid = uuidOf(rootPartition);
    if (espPartition !== undefined) mkdirSync(join(mountpoint, 'boot/efi'), { recursive: true });
    writeFileSync(join(mountpoint, 'etc/fstab'), installerFstabOf(rootUuid, espPartition === undefined ? undefined : uuidOf(espPartition)));
    await installGrub({ firmware, disk: attached.disk, partitions: attached.partitions, rootPartition, espPartition, mountpoint });
    return { image: options.image, firmware, disk: attached.disk, partitions: attached.partitions, rootPartition, espPartition, rootUuid, mountpoint, release };
  } catch (error) {
    await release();
    throw error;
  }
};
