import type { LayoutInput, PartitionInput } from './answer-file-input.js';
import type { ProblemSink } from './input-problem.js';
import { parseSizeMiB } from './size.js';
import type {
  LayoutPartitioningContext,
  LogicalVolumeContext,
  PartitionContext,
  RaidContext,
  VolumeUse,
} from '../render/host-render-context.js';

/** File systems a declarative layout may use (both installers know them). */
export const layoutFsTypes = ['ext4', 'ext3', 'ext2', 'xfs', 'vfat', 'efi', 'swap', 'biosboot'] as const;

const minRaidMembers: Record<number, number> = { 0: 2, 1: 2, 5: 3, 6: 4, 10: 4 };
const diskName = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;
const lvmName = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
const mdName = /^md\d+$/;
const mountPoint = /^\/([A-Za-z0-9_.@+-]+(\/[A-Za-z0-9_.@+-]+)*)?$/;

type Family = 'rhel' | 'debian';

/** Validates a declarative layout (collecting every problem) and normalises it for the templates. */
export const buildLayout = (input: LayoutInput, family: Family, sink: ProblemSink, at: string): LayoutPartitioningContext => {
  const disks = input.disks.map((disk) => disk.replace(/^\/dev\//, ''));
  if (disks.length === 0) sink.add(`${at}.disks`, 'a layout needs at least one disk');
  disks.forEach((disk, index) => {
    if (!diskName.test(disk)) sink.add(`${at}.disks[${index}]`, `"${disk}" is not a disk name like sda or disk/by-id/...`);
  });
  const raids = input.raids ?? [];
  const vgNames = (input.volumeGroups ?? []).map((vg) => vg.name);
  const mounts = new Map<string, string>();
  const claimMount = (mount: string, path: string): void => {
    const first = mounts.get(mount);
    if (first !== undefined) sink.add(path, `mount point ${mount} is already used by ${first}`);
    else mounts.set(mount, path);
  };

  const useOf = (item: { fs?: string | undefined; mount?: string | undefined; raid?: string | undefined; vg?: string | undefined }, path: string, where: 'partition' | 'raid' | 'lv'): VolumeUse => {
    const holders = [item.fs, item.raid, item.vg].filter((value) => value !== undefined).length;
    if (holders !== 1) {
      const what = where === 'lv' ? 'fs' : where === 'raid' ? 'fs or vg' : 'fs, raid or vg';
      sink.add(path, `must have exactly one of ${what}`);
      return { kind: 'swap' };
    }
    if (item.raid !== undefined) {
      if (item.mount !== undefined) sink.add(`${path}.mount`, 'a RAID member has no mount point (mount the array)');
      if (!raids.some((raid) => raid.name === item.raid)) sink.add(`${path}.raid`, `RAID array "${item.raid}" is not declared in raids`);
      return { kind: 'raid-member', raid: item.raid };
    }
    if (item.vg !== undefined) {
      if (item.mount !== undefined) sink.add(`${path}.mount`, 'an LVM physical volume has no mount point (mount its logical volumes)');
      if (!vgNames.includes(item.vg)) sink.add(`${path}.vg`, `volume group "${item.vg}" is not declared in volumeGroups`);
      return { kind: 'lvm-pv', vg: item.vg };
    }
    const fs = item.fs ?? '';
    if (!(layoutFsTypes as readonly string[]).includes(fs)) {
      sink.add(`${path}.fs`, `unknown file system "${fs}" (known: ${layoutFsTypes.join(', ')})`);
      return { kind: 'swap' };
    }
    if (fs === 'swap' || fs === 'biosboot') {
      if (item.mount !== undefined) sink.add(`${path}.mount`, `${fs} has no mount point`);
      if (fs === 'biosboot' && where !== 'partition') sink.add(`${path}.fs`, 'biosboot must be a plain partition');
      return fs === 'swap' ? { kind: 'swap' } : { kind: 'biosboot' };
    }
    if (item.mount === undefined) {
      sink.add(`${path}.mount`, `a ${fs} file system needs a mount point`);
      return { kind: 'fs', fsType: fs, mount: '' };
    }
    if (!mountPoint.test(item.mount)) sink.add(`${path}.mount`, `"${item.mount}" is not an absolute mount point`);
    if (fs === 'efi' && (item.mount !== '/boot/efi' || where !== 'partition')) {
      sink.add(`${path}.fs`, 'an efi file system must be a partition mounted at /boot/efi');
    }
    if (where === 'lv' && (item.mount === '/boot' || item.mount === '/boot/efi')) {
      sink.add(`${path}.mount`, `${item.mount} cannot be on LVM (the boot loader must read it)`);
    }
    claimMount(item.mount, path);
    return { kind: 'fs', fsType: fs, mount: item.mount };
  };

  const partitions: PartitionContext[] = input.partitions.map((partition, index) => {
    const path = `${at}.partitions[${index}]`;
    return {
      id: String(index + 1).padStart(2, '0'),
      disk: diskOf(partition, disks, sink, path),
      sizeMiB: sizeOf(partition.size, sink, `${path}.size`),
      grow: partition.grow === true,
      use: useOf(partition, path, 'partition'),
    };
  });
  if (input.partitions.length === 0) sink.add(`${at}.partitions`, 'a layout needs at least one partition');
  checkOneGrow(partitions.map((p) => ({ group: p.disk, grow: p.grow })), 'disk', sink, `${at}.partitions`);

  const raidContexts: RaidContext[] = raids.map((raid, index) => {
    const path = `${at}.raids[${index}]`;
    if (!mdName.test(raid.name)) sink.add(`${path}.name`, `"${raid.name}" is not an md device name like md0`);
    const members = partitions.filter((p) => p.use.kind === 'raid-member' && p.use.raid === raid.name);
    const minimum = minRaidMembers[raid.level];
    if (minimum === undefined) sink.add(`${path}.level`, `RAID level ${raid.level} is not one of 0, 1, 5, 6, 10`);
    else if (members.length < minimum) sink.add(path, `RAID ${raid.level} needs at least ${minimum} member partitions, found ${members.length}`);
    const memberDisks = members.map((member) => member.disk);
    if (new Set(memberDisks).size !== memberDisks.length) sink.add(path, 'RAID members must be on different disks');
    return { name: raid.name, level: raid.level, members: members.map((member) => member.id), use: useOf(raid, path, 'raid') };
  });

  const logicalVolumes: LogicalVolumeContext[] = (input.logicalVolumes ?? []).map((lv, index) => {
    const path = `${at}.logicalVolumes[${index}]`;
    if (!vgNames.includes(lv.vg)) sink.add(`${path}.vg`, `volume group "${lv.vg}" is not declared in volumeGroups`);
    if (!lvmName.test(lv.name)) sink.add(`${path}.name`, `"${lv.name}" is not an LVM name`);
    return { vg: lv.vg, name: lv.name, sizeMiB: sizeOf(lv.size, sink, `${path}.size`), grow: lv.grow === true, use: useOf({ fs: lv.fs, mount: lv.mount }, path, 'lv') };
  });
  checkOneGrow(logicalVolumes.map((lv) => ({ group: lv.vg, grow: lv.grow })), 'volume group', sink, `${at}.logicalVolumes`);

  const volumeGroups = (input.volumeGroups ?? []).map((vg, index) => {
    const path = `${at}.volumeGroups[${index}]`;
    if (!lvmName.test(vg.name)) sink.add(`${path}.name`, `"${vg.name}" is not an LVM name`);
    if (vgNames.indexOf(vg.name) !== index) sink.add(`${path}.name`, `volume group "${vg.name}" is declared twice`);
    const members = [
      ...partitions.filter((p) => p.use.kind === 'lvm-pv' && p.use.vg === vg.name).map((p) => `pv.${p.id}`),
      ...raidContexts.filter((r) => r.use.kind === 'lvm-pv' && r.use.vg === vg.name).map((r) => `pv.${r.name}`),
    ];
    if (members.length === 0) sink.add(path, `volume group "${vg.name}" has no physical volumes (set vg: ${vg.name} on a partition or RAID)`);
    if (!logicalVolumes.some((lv) => lv.vg === vg.name)) sink.add(path, `volume group "${vg.name}" has no logical volumes`);
    return { name: vg.name, members };
  });

  const rootCount = [...mounts.keys()].filter((mount) => mount === '/').length;
  if (rootCount === 0) sink.add(at, 'the layout has no / file system');
  const ownBootParts = partitions.some((p) => p.use.kind === 'biosboot' || (p.use.kind === 'fs' && p.use.fsType === 'efi'));
  const platformPartitions = input.platformPartitions ?? !ownBootParts;
  if (platformPartitions && ownBootParts) {
    sink.add(`${at}.platformPartitions`, 'must be false when the layout declares its own efi or biosboot partition');
  }
  if (family === 'debian') checkPartmanLimits(input, disks, sink, at);
  return { kind: 'layout', disks, platformPartitions, partitions, raids: raidContexts, volumeGroups, logicalVolumes };
};

const diskOf = (partition: PartitionInput, disks: readonly string[], sink: ProblemSink, path: string): string => {
  const disk = partition.disk?.replace(/^\/dev\//, '');
  if (disk === undefined) {
    if (disks.length !== 1) sink.add(`${path}.disk`, 'name the disk (the layout has more than one)');
    return disks[0] ?? '';
  }
  if (!disks.includes(disk)) sink.add(`${path}.disk`, `disk "${disk}" is not in the layout's disks (${disks.join(', ')})`);
  return disk;
};

const sizeOf = (value: unknown, sink: ProblemSink, path: string): number => {
  const parsed = parseSizeMiB(value);
  if (parsed.ok) return parsed.mib;
  sink.add(path, parsed.problem);
  return 0;
};

const checkOneGrow = (items: readonly { group: string; grow: boolean }[], kind: string, sink: ProblemSink, path: string): void => {
  const growing = new Map<string, number>();
  for (const item of items) if (item.grow) growing.set(item.group, (growing.get(item.group) ?? 0) + 1);
  for (const [group, count] of growing) {
    if (count > 1) sink.add(path, `${count} entries grow on ${kind} ${group}; at most one may take the remaining space`);
  }
};

// partman-auto recipes describe one disk; RAID would need partman-auto-raid, which rootcast does not generate yet.
const checkPartmanLimits = (input: LayoutInput, disks: readonly string[], sink: ProblemSink, at: string): void => {
  if (disks.length > 1) sink.add(`${at}.disks`, 'debian-installer layouts support one disk (use a kickstart distro for multi-disk layouts)');
  if ((input.raids ?? []).length > 0) sink.add(`${at}.raids`, 'RAID layouts are supported for kickstart only, not debian-installer');
  if ((input.volumeGroups ?? []).length > 1) sink.add(`${at}.volumeGroups`, 'debian-installer layouts support one volume group');
};
