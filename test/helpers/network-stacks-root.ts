import type { RootRecipe } from './debootstrap-cache.js';

/**
 * A bookworm root holding every network stack rootcast writes for, so each tool can re-read what
 * the identity planner wrote (installing them in a chroot starts no service on this machine).
 */
export const networkStacksRootRecipe: RootRecipe = {
  include: [
    'rsync', 'systemd', 'udev', 'dbus', 'iproute2', 'ifupdown', 'isc-dhcp-client', 'netplan.io', 'network-manager',
    // debootstrap does not resolve virtual packages: polkitd (for network-manager) needs a logind.
    'libpam-systemd',
  ],
};
