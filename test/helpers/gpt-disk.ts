import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { attachLoop, detachLoop } from './disk-image.js';

/** How the machine starts: SeaBIOS reading the MBR, or OVMF reading the EFI system partition. */
export type Firmware = 'bios' | 'uefi';

/** What a partition is for; its GPT type follows from it. */
export type PartitionRole = 'bios-boot' | 'esp' | 'root';

export interface PartitionSpec {
  role: PartitionRole;
  /** Size in MiB; the last partition takes the rest of the disk. */
  sizeMiB?: number;
}

const gptTypes: Record<PartitionRole, string> = {
  // grub's core.img lives here on a BIOS machine with a GPT disk.
  'bios-boot': '21686148-6449-6E6F-744E-656564454649',
  esp: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  // Linux file system data.
  root: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
};

/** The partitions debian-installer's guided GPT layout makes, without swap. */
export const partitionLayoutOf = (firmware: Firmware): PartitionSpec[] =>
  firmware === 'bios' ? [{ role: 'bios-boot', sizeMiB: 1 }, { role: 'root' }] : [{ role: 'esp', sizeMiB: 128 }, { role: 'root' }];

/** The sfdisk script for a layout (pure). */
export const sfdiskScriptOf = (layout: readonly PartitionSpec[]): string =>
  ['label: gpt', ...layout.map((part) => [part.sizeMiB === undefined ? '' : `size=${part.sizeMiB}MiB, `, `type=${gptTypes[part.role]}, name=${part.role}`].join(''))].join('\n') + '\n';

const run = (command: string, args: readonly string[], input?: string): string =>
  execFileSync(command, [...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 2 * 60_000 });

/** Writes a sparse raw disk of `sizeMiB` with a GPT partition table for `layout` (sfdisk on the file: nothing attached). */
export const createGptDisk = (image: string, layout: readonly PartitionSpec[], sizeMiB: number): void => {
  // sfdisk would silently shrink a partition that does not fit; 2 MiB: alignment and the GPT copies.
  const fixedMiB = layout.reduce((sum, part) => sum + (part.sizeMiB ?? 0), 0);
  if (fixedMiB + 2 + 16 > sizeMiB) throw new Error(`createGptDisk ${image}: ${sizeMiB} MiB cannot hold ${fixedMiB} MiB of fixed partitions plus a 16 MiB last one`);
  run('truncate', ['--size', `${sizeMiB}M`, image]);
  run('sfdisk', ['--quiet', image], sfdiskScriptOf(layout));
};

/** A partitioned disk image on a loop device with its partitions' device nodes. */
export interface AttachedDisk {
  /** The whole disk, e.g. /dev/loop3. */
  disk: string;
  /** Partition devices in table order (/dev/loop3p1, ...). */
  partitions: string[];
  /** Removes the partition devices and detaches the loop device; nothing may still use them. */
  release(): Promise<void>;
}

// A mount namespace that just ended may still pin a partition for a moment (its teardown is asynchronous).
const removePartitions = async (disk: string): Promise<void> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      run('partx', ['--delete', disk]);
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(250);
    }
  }
};

/**
 * Attaches `image` and adds its partitions with `partx -a`: this kernel does not scan partition
 * tables of loop devices by itself. On failure everything done so far is undone.
 */
export const attachPartitionedDisk = async (image: string, partitionCount: number): Promise<AttachedDisk> => {
  const disk = attachLoop(image);
  const release = async (): Promise<void> => {
    try {
      await removePartitions(disk);
    } finally {
      detachLoop(disk);
    }
  };
  try {
    run('partx', ['--add', disk]);
    const partitions = Array.from({ length: partitionCount }, (_, index) => `${disk}p${index + 1}`);
    // devtmpfs makes the nodes; give it a bounded moment.
    const deadline = Date.now() + 10_000;
    while (!partitions.every((node) => existsSync(node))) {
      if (Date.now() >= deadline) throw new Error(`partx --add ${disk} made no ${partitions.filter((node) => !existsSync(node)).join(', ')}`);
      await sleep(100);
    }
    return { disk, partitions, release };
  } catch (error) {
    await release();
    throw error;
  }
};

/** The file system UUID blkid reads from a device or image. */
export const uuidOf = (device: string): string => run('blkid', ['--probe', '--match-tag', 'UUID', '--output', 'value', device]).trim();
