import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { checkExt4Image, loopDevicesOf, makeExt4Image, mountImage, mountsUnder, readFileFromImage, withMountedImage } from './disk-image.js';

// Loop devices and mount need root; the CI machines run as root.
const isRoot = process.getuid?.() === 0;

test.skipIf(!isRoot)('an ext4 image built from a directory mounts, takes writes and is released completely', async () => {
  const work = mkdtempSync(join(tmpdir(), 'rootcast-disk-'));
  try {
    const source = join(work, 'tree');
    mkdirSync(join(source, 'etc'), { recursive: true });
    writeFileSync(join(source, 'etc/hostname'), 'golden\n');
    const image = join(work, 'disk.img');
    makeExt4Image(source, image, { size: '32M' });

    let seen: { mountpoint: string; device: string } | undefined;
    await withMountedImage(image, (mountpoint) => {
      const device = loopDevicesOf().find((entry) => entry.file === image)?.device;
      seen = { mountpoint, device: device ?? '' };
      expect(mountsUnder(mountpoint)).toEqual([mountpoint]);
      expect(readFileSync(join(mountpoint, 'etc/hostname'), 'utf8')).toBe('golden\n');
      writeFileSync(join(mountpoint, 'etc/hostname'), 'web07\n');
    });

    expect(seen?.device).toMatch(/^\/dev\/loop\d+$/);
    expect(loopDevicesOf().map((entry) => entry.device)).not.toContain(seen?.device);
    expect(existsSync(seen?.mountpoint ?? '')).toBe(false);
    checkExt4Image(image);
    expect(readFileFromImage(image, '/etc/hostname')).toBe('web07\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test.skipIf(!isRoot)('a failing action still unmounts and detaches, including mounts made below the image', async () => {
  const work = mkdtempSync(join(tmpdir(), 'rootcast-disk-'));
  try {
    const source = join(work, 'tree');
    mkdirSync(join(source, 'proc'), { recursive: true });
    const image = join(work, 'disk.img');
    makeExt4Image(source, image, { size: '32M' });

    const mounted = mountImage(image);
    try {
      // What a crashed runner leaves behind: a pseudo file system mounted inside the target.
      execFileSync('mount', ['-t', 'proc', 'proc', join(mounted.mountpoint, 'proc')]);
      expect(mountsUnder(mounted.mountpoint)).toHaveLength(2);
    } finally {
      mounted.release();
    }
    expect(mountsUnder(mounted.mountpoint)).toEqual([]);
    expect(loopDevicesOf().map((entry) => entry.device)).not.toContain(mounted.device);
    checkExt4Image(image);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
