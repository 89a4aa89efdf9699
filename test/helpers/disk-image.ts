import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How to format a raw disk image that holds one ext4 file system and no partition table. */
export interface Ext4ImageOptions {
  /** mke2fs size argument. @default "2G" */
  size?: string;
  /** @default "root" */
  label?: string;
}

const run = (command: string, args: readonly string[]): string =>
  execFileSync(command, [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5 * 60_000 });

/**
 * Writes `image` as an ext4 file system populated from `sourceDir` without mounting anything
 * (`mke2fs -d`); the file is sparse, so a 2G image costs only what the tree holds.
 */
export const makeExt4Image = (sourceDir: string, image: string, options: Ext4ImageOptions = {}): void => {
  run('mke2fs', ['-q', '-F', '-t', 'ext4', '-L', options.label ?? 'root', '-d', sourceDir, image, options.size ?? '2G']);
};

/** Attaches `image` to a free loop device and returns its path (`/dev/loop3`). */
export const attachLoop = (image: string): string => run('losetup', ['--find', '--show', image]).trim();

/** Detaches a loop device; a device that is already gone is not an error. */
export const detachLoop = (device: string): void => {
  if (loopDevicesOf().some((entry) => entry.device === device)) run('losetup', ['--detach', device]);
};

/** Loop devices in use and the files behind them. */
export const loopDevicesOf = (): { device: string; file: string }[] =>
  run('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'])
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [device = '', ...file] = line.trim().split(/\s+/);
      return { device, file: file.join(' ') };
    });

/** Mount points at or below `dir`, deepest first, as /proc/self/mountinfo lists them. */
export const mountsUnder = (dir: string): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);

export const mountDevice = (device: string, mountpoint: string): void => {
  run('mount', ['-t', 'ext4', device, mountpoint]);
};

/** Unmounts `mountpoint` and anything a failed run left mounted below it; lazily if still busy. */
export const unmountAll = (mountpoint: string): void => {
  for (const point of mountsUnder(mountpoint)) {
    try {
      run('umount', [point]);
    } catch {
      run('umount', ['--lazy', point]);
    }
  }
};

/** A disk image attached and mounted; `release()` undoes both and removes the mount point. */
export interface MountedImage {
  device: string;
  mountpoint: string;
  release(): void;
}

/** Attaches and mounts `image`; on any failure everything done so far is undone before rethrowing. */
export const mountImage = (image: string): MountedImage => {
  const device = attachLoop(image);
  let mountpoint: string | undefined;
  const release = (): void => {
    try {
      if (mountpoint !== undefined) unmountAll(mountpoint);
    } finally {
      detachLoop(device);
      if (mountpoint !== undefined) rmdirSync(mountpoint);
    }
  };
  try {
    mountpoint = mkdtempSync(join(tmpdir(), 'rootcast-mnt-'));
    mountDevice(device, mountpoint);
  } catch (error) {
    release();
    throw error;
  }
  return { device, mountpoint, release };
};

/** Runs `action` with `image` mounted, and always unmounts and detaches afterwards. */
export const withMountedImage = async <T>(image: string, action: (mountpoint: string) => Promise<T> | T): Promise<T> => {
  const mounted = mountImage(image);
  try {
    return await action(mounted.mountpoint);
  } finally {
    mounted.release();
  }
};

/** `e2fsck -fn`: throws unless the file system in `image` is clean (forced check, no changes). */
export const checkExt4Image = (image: string): void => {
  run('e2fsck', ['-f', '-n', image]);
};

/** Reads one file out of an ext4 image without mounting it. */
export const readFileFromImage = (image: string, path: string): string => run('debugfs', ['-R', `cat ${path}`, image]);
