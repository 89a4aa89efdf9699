import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RootRecipe } from '../../helpers/debootstrap-cache.js';

/**
 * A golden root that boots under QEMU to a serial login prompt: minbase plus a kernel, its
 * initramfs, systemd and the basics (the recipe measured in test-environment.md).
 */
export const bootableRootRecipe: RootRecipe = {
  include: [
    'rsync', 'openssh-server', 'linux-image-amd64', 'systemd-sysv', 'udev', 'kmod', 'ifupdown',
    'iproute2', 'isc-dhcp-client', 'netbase', 'procps', 'initramfs-tools',
  ],
  files: { 'etc/motd': 'rootcast bootable golden image\n' },
};

/** The kernel and initrd a bootable root carries in /boot (the newest pair when several). */
export const findKernel = (root: string): { vmlinuz: string; initrd: string } => {
  const boot = join(root, 'boot');
  const versions = readdirSync(boot)
    .filter((name) => name.startsWith('vmlinuz-'))
    .map((name) => name.slice('vmlinuz-'.length))
    .filter((version) => existsSync(join(boot, `initrd.img-${version}`)))
    .sort();
  const version = versions.at(-1);
  if (version === undefined) throw new Error(`${boot} has no vmlinuz-*/initrd.img-* pair; is linux-image installed?`);
  return { vmlinuz: join(boot, `vmlinuz-${version}`), initrd: join(boot, `initrd.img-${version}`) };
};
