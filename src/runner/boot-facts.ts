/** What the bootloader phase needs to know about this machine: its firmware and the disk(s) under the target's root. */
import { access, readFile } from 'node:fs/promises';
import { disksOfDevice } from '../sys/boot-disks.js';
import { mountinfoSourceOf } from '../sys/mount-table.js';
import type { Firmware } from './plan-boot.js';

export type BootDisks = { ok: true; disks: string[] } | { ok: false; problem: string };

export interface BootFacts {
  /** What /sys/firmware/efi says (the kernel has it only when booted by UEFI). */
  firmware: Firmware;
  /** The whole disks the target's root file system lives on (sysfs), or why they cannot be told. */
  disks: BootDisks;
}

/**
 * The disks under the target's root: its mount's device, followed through partitions, RAID and LVM.
 * A bind mount of a directory (a test's fake root) or a device-less file system has none, and saying
 * so beats installing a boot loader on whatever disk holds the directory.
 */
export const findBootDisks = async (mountinfo: string, target: string, disksOf: (device: string) => Promise<string[]> = disksOfDevice): Promise<BootDisks> => {
  const source = mountinfoSourceOf(mountinfo, target);
  if (source === undefined) return { ok: false, problem: `${target} is not a mount point` };
  if (source.fsRoot !== '/') return { ok: false, problem: `${target} is a bind mount of ${source.fsRoot} on ${source.device}, not a file system's root` };
  if (!source.device.startsWith('/dev/')) return { ok: false, problem: `${target} is mounted from ${source.device || 'nothing'} (${source.fsType}), not a block device` };
  try {
    const disks = await disksOf(source.device);
    return disks.length === 0 ? { ok: false, problem: `no disk found under ${source.device}` } : { ok: true, disks };
  } catch (error) {
    return { ok: false, problem: `${source.device}: ${(error as Error).message}` };
  }
};

export const readBootFacts = async (target: string, sys = '/sys'): Promise<BootFacts> => ({
  firmware: await access(`${sys}/firmware/efi`).then(() => 'efi' as const, () => 'bios' as const),
  disks: await findBootDisks(await readFile('/proc/self/mountinfo', 'utf8'), target),
});
