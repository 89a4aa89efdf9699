import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { installGrub } from './boot-loader.js';
import { loopDevicesOf } from './disk-image.js';
import { attachPartitionedDisk, createGptDisk, partitionLayoutOf, sfdiskScriptOf } from './gpt-disk.js';
import { buildInstalledDisk } from './installed-disk.js';

// Loop devices need root; the CI machines run as root.
const isRoot = process.getuid?.() === 0;

test('the layouts are debian-installer guided GPT layouts: BIOS boot partition or ESP, then the root', () => {
  expect(sfdiskScriptOf(partitionLayoutOf('bios'))).toBe(
    'label: gpt\nsize=1MiB, type=21686148-6449-6E6F-744E-656564454649, name=bios-boot\ntype=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root\n',
  );
  expect(partitionLayoutOf('uefi').map((part) => part.role)).toEqual(['esp', 'root']);
});

test.skipIf(!isRoot)('a GPT disk gets its partitions on a loop device and gives everything back', async () => {
  const work = mkdtempSync(join(tmpdir(), 'rootcast-gpt-'));
  try {
    const image = join(work, 'disk.img');
    createGptDisk(image, partitionLayoutOf('uefi'), 256);
    const table = JSON.parse(execFileSync('sfdisk', ['--json', image], { encoding: 'utf8' })) as { partitiontable: { label: string; partitions: { type: string; size: number }[] } };
    expect(table.partitiontable.label).toBe('gpt');
    expect(table.partitiontable.partitions.map((part) => part.type)).toEqual(['C12A7328-F81F-11D2-BA4B-00A0C93EC93B', '0FC63DAF-8483-4772-8E79-3D69D8477DE4']);
    expect(table.partitiontable.partitions[0]?.size).toBe(128 * 2048);
    expect(() => createGptDisk(join(work, 'small.img'), partitionLayoutOf('uefi'), 140)).toThrow(/140 MiB cannot hold 128 MiB of fixed partitions/);

    const attached = await attachPartitionedDisk(image, 2);
    try {
      expect(attached.disk).toMatch(/^\/dev\/loop\d+$/);
      expect(attached.partitions).toEqual([`${attached.disk}p1`, `${attached.disk}p2`]);
      for (const node of attached.partitions) expect(existsSync(node), node).toBe(true);
    } finally {
      await attached.release();
    }
    expect(existsSync(attached.partitions[0] ?? '')).toBe(false);
    expect(loopDevicesOf().map((entry) => entry.file)).not.toContain(image);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test.skipIf(!isRoot)('an installed disk from a root without grub fails, names the chroot, and leaves nothing attached or mounted', async () => {
  const work = mkdtempSync(join(tmpdir(), 'rootcast-gpt-bad-'));
  try {
    // A tree with /etc but no grub-install (nor even a shell): the in-root step must fail.
    const root = join(work, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/hostname'), 'bad\n');
    for (const dir of ['proc', 'sys', 'dev']) mkdirSync(join(root, dir));
    const image = join(work, 'disk.img');
    // Other suites (the slow tier) may hold disks of their own meanwhile: only mounts that appeared count.
    const diskMounts = (): string[] => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((line) => line.includes('rootcast-disk-root-'));
    const before = new Set(diskMounts());
    await expect(buildInstalledDisk({ root, image, firmware: 'bios', sizeMiB: 64 })).rejects.toThrow(/chroot .* failed/);
    expect(loopDevicesOf().map((entry) => entry.file)).not.toContain(image);
    expect(diskMounts().filter((line) => !before.has(line))).toEqual([]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('grub for UEFI needs an EFI system partition', async () => {
  await expect(installGrub({ firmware: 'uefi', disk: '/dev/loop99', partitions: [], rootPartition: '/dev/loop99p1', mountpoint: '/nonexistent' })).rejects.toThrow(
    /UEFI disk needs an EFI system partition/,
  );
});
