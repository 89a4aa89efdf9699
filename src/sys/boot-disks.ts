import { access, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';

/** What the kernel says about one block device in sysfs. */
interface SysBlock {
  /** `/sys/devices/.../sda/sda2` */
  dir: string;
  /** `/dev/sda2` */
  node: string;
}

const devNameOf = async (dir: string): Promise<string> => {
  const uevent = await readFile(join(dir, 'uevent'), 'utf8');
  return `/dev/${/^DEVNAME=(.+)$/m.exec(uevent)?.[1] ?? basename(dir)}`;
};

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** The disks under a device: a partition's disk; every member of a RAID or volume group, recursively. */
const disksUnder = async (sys: string, block: SysBlock, depth: number): Promise<string[]> => {
  if (depth > 16) throw new RootcastError('INTERNAL', `${block.node}: the block devices under it nest deeper than 16 levels`);
  if (await exists(join(block.dir, 'partition'))) {
    const disk = dirname(block.dir);
    return disksUnder(sys, { dir: disk, node: await devNameOf(disk) }, depth + 1);
  }
  const slaves = await readdir(join(block.dir, 'slaves')).catch(() => []);
  if (slaves.length === 0) return [block.node];
  const found = await Promise.all(
    slaves.map(async (name) => {
      const dir = await realpath(join(block.dir, 'slaves', name));
      return disksUnder(sys, { dir, node: await devNameOf(dir) }, depth + 1);
    }),
  );
  return [...new Set(found.flat())].sort();
};

/**
 * The whole disks a block device lives on, from sysfs (`/sys/dev/block/MAJ:MIN`): the disk of a
 * partition, every member disk of an md RAID or an LVM volume. A boot loader for BIOS goes on each.
 */
export const disksOfDevice = async (device: string, sys = '/sys'): Promise<string[]> => {
  const info = await stat(device).catch(() => undefined);
  if (info === undefined || !info.isBlockDevice()) {
    throw new RootcastError('USAGE', `${device} is not a block device`, { hint: 'name the device the target is mounted from, e.g. /dev/sda2' });
  }
  const id = `${Math.floor(info.rdev / 256) & 0xfff}:${(info.rdev & 0xff) | ((info.rdev >> 12) & 0xfff00)}`;
  const dir = await realpath(join(sys, 'dev', 'block', id));
  return disksUnder(sys, { dir, node: await devNameOf(dir) }, 0);
};
