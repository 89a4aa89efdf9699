import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { disksOfDevice } from '../../../src/sys/boot-disks.js';

const run = (command: string, ...args: string[]): string => execFileSync(command, args, { encoding: 'utf8' }).trim();

// Real loop devices: a GPT disk whose root partition must lead back to the disk, and a bare file system.
describe('the disks under a block device', () => {
  let work: string;
  const attached: string[] = [];
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-boot-disks-'));
  });
  afterEach(async () => {
    for (const device of attached.splice(0)) {
      execFileSync('partx', ['-d', device], { stdio: 'ignore' });
      execFileSync('losetup', ['-d', device]);
    }
    await rm(work, { recursive: true, force: true });
  });

  test('a partition of a partitioned disk leads to the disk; a whole-disk device is its own disk', async () => {
    const image = join(work, 'disk.img');
    run('truncate', '-s', '64M', image);
    execFileSync('sfdisk', ['-q', image], { input: 'label: gpt\nsize=1MiB, type=21686148-6449-6E6F-744E-656564454649\ntype=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' });
    const disk = run('losetup', '--find', '--show', image);
    attached.push(disk);
    run('partx', '-a', disk);
    expect(await disksOfDevice(`${disk}p2`)).toEqual([disk]);
    expect(await disksOfDevice(disk)).toEqual([disk]);
  });

  test('something that is not a block device is refused by name', async () => {
    await writeFile(join(work, 'file'), 'x');
    await expect(disksOfDevice(join(work, 'file'))).rejects.toThrow(`${join(work, 'file')} is not a block device`);
    await expect(disksOfDevice('/dev/null')).rejects.toThrow('/dev/null is not a block device');
  });
});
