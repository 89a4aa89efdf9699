import type { RootRecipe } from '../../helpers/debootstrap-cache.js';

/** root's password in both roots below: the serial console helper logs in with it. */
export const cloneRootPassword = 'rootcast';
/** The host name the installed system got from its installer. */
export const installedHostname = 'fresh-install';

// grub-pc asks where to install itself; as with debian-installer, the disk is chosen later (grub-install).
const grubDebconf = ['grub-pc grub-pc/install_devices multiselect ', 'grub-pc grub-pc/install_devices_empty boolean true'];

/** A machine reachable over its serial console, grub's menu included (what d-i writes when installing over a serial console). */
const serialGrubDefaults = `GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR=\`lsb_release -i -s 2> /dev/null || echo Debian\`
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=ttyS0,115200"
GRUB_TERMINAL="serial console"
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
`;

/**
 * What debian-installer leaves on a disk: bookworm with bookworm's kernel, grub-pc (plus the
 * x86_64-efi modules, so one cached root serves BIOS and UEFI disks), ifupdown with DHCP, sshd
 * with its own host keys, a machine id and a host name. The disk helper adds fstab and the boot loader.
 */
export const installedSystemRecipe: RootRecipe = {
  include: [
    'rsync', 'openssh-server', 'linux-image-amd64', 'systemd-sysv', 'udev', 'kmod', 'initramfs-tools',
    'ifupdown', 'isc-dhcp-client', 'iproute2', 'netbase', 'procps',
  ],
  debconf: grubDebconf,
  install: ['grub-pc', 'grub-efi-amd64-bin'],
  files: {
    'etc/default/grub': serialGrubDefaults,
    'etc/hostname': `${installedHostname}\n`,
    'etc/hosts': `127.0.0.1\tlocalhost\n127.0.1.1\t${installedHostname}\n::1\t\tlocalhost ip6-localhost ip6-loopback\n`,
    // d-i's interfaces for the first card of a QEMU pc machine.
    'etc/network/interfaces': 'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n\nallow-hotplug enp0s3\niface enp0s3 inet dhcp\n',
  },
  chroot: [`echo 'root:${cloneRootPassword}' | chpasswd`],
};

/** The golden image's kernel comes from here, so it differs from the installed system's. */
export const goldenKernelSuite = 'bookworm-backports';

/**
 * A golden image that differs from the installed system where a deploy must notice: another
 * kernel (bookworm-backports' linux-image-amd64), systemd-networkd instead of ifupdown, more
 * packages (curl for the first-boot report). Scrubbed like a captured image: no SSH host keys,
 * an empty /etc/machine-id, no /etc/hostname.
 */
export const goldenImageRecipe: RootRecipe = {
  include: [
    'rsync', 'openssh-server', 'systemd-sysv', 'udev', 'kmod', 'initramfs-tools', 'iproute2', 'netbase', 'procps',
    'less', 'curl', 'wget', 'ca-certificates',
  ],
  extraSuites: [goldenKernelSuite],
  debconf: grubDebconf,
  install: [`linux-image-amd64/${goldenKernelSuite}`, 'grub-pc', 'grub-efi-amd64-bin'],
  files: {
    'etc/default/grub': serialGrubDefaults,
    'etc/systemd/network/20-wired.network': '[Match]\nType=ether\n\n[Network]\nDHCP=yes\n',
    'etc/motd': 'rootcast golden image\n',
  },
  chroot: ['systemctl enable systemd-networkd.service', `echo 'root:${cloneRootPassword}' | chpasswd`],
  commands: ['rm -f etc/ssh/ssh_host_* etc/hostname var/lib/dbus/machine-id', ': >etc/machine-id'],
};
