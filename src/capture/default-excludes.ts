/** An rsync exclude pattern and why it is there (printed by --dry-run, kept in the manifest). */
export interface ExcludeRule {
  pattern: string;
  reason: string;
}

/**
 * Clone hygiene and noise: what every deployed machine must regenerate for itself, or what is
 * never worth copying. Patterns are anchored at the golden client's "/" (rsync filter syntax).
 */
export const defaultExcludes: readonly ExcludeRule[] = [
  { pattern: '/tmp/*', reason: 'temporary files (the directory itself is kept)' },
  { pattern: '/var/tmp/*', reason: 'temporary files (the directory itself is kept)' },
  { pattern: '/run/*', reason: 'runtime state, recreated at boot' },
  { pattern: '/etc/ssh/ssh_host_*', reason: 'SSH host keys: each machine generates its own' },
  { pattern: '/etc/machine-id', reason: 'machine identity: an empty file is written instead (systemd first boot)' },
  { pattern: '/var/lib/dbus/machine-id', reason: 'machine identity (D-Bus copy)' },
  { pattern: '/var/lib/systemd/random-seed', reason: 'random seed: two clones must not share it' },
  { pattern: '/etc/hostname', reason: 'host name: set per host at deploy' },
  { pattern: '/etc/rootcast/host.key', reason: 'a deployed host\'s own rootcast credential' },
  { pattern: '/etc/rootcast/client.json', reason: 'a deployed host\'s own rootcast enrolment' },
  { pattern: '/etc/rootcast/runner.lock', reason: 'held only while a runner deploys that host' },
  { pattern: '/etc/rootcast/deployed.json', reason: 'what rootcast deployed on that host (image, layers, digests)' },
  { pattern: '/var/log/rootcast/', reason: 'the logs of rootcast deploying that host' },
  { pattern: '/usr/local/lib/rootcast/', reason: 'the first-boot report rootcast installs on a deployed host' },
  { pattern: '/etc/systemd/system/rootcast-firstboot.service', reason: 'the first-boot report rootcast installs on a deployed host' },
  { pattern: '/etc/systemd/system/*/rootcast-firstboot.service', reason: 'the first-boot report enabled (a .wants link)' },
  { pattern: '/etc/udev/rules.d/70-persistent-*.rules', reason: 'udev persistent net/cd rules name the golden client\'s NICs' },
  { pattern: '/var/cache/apt/archives/*.deb', reason: 'package cache (apt)' },
  { pattern: '/var/cache/apt/*.bin', reason: 'package cache (apt)' },
  { pattern: '/var/cache/dnf/*', reason: 'package cache (dnf)' },
  { pattern: '/var/cache/yum/*', reason: 'package cache (yum)' },
  { pattern: '/var/cache/zypp/packages/*', reason: 'package cache (zypper)' },
  { pattern: '/var/cache/pacman/pkg/*', reason: 'package cache (pacman)' },
  { pattern: '/swapfile', reason: 'swap file' },
  { pattern: '/swap.img', reason: 'swap file' },
  { pattern: '/swap/swapfile', reason: 'swap file' },
];
