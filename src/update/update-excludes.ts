import type { ExcludeRule } from '../capture/default-excludes.js';
import { runnerOwnedPaths } from '../runner/plan.js';
import { identityKeptPaths } from '../runner/plan-identity.js';
import { swapFilePatterns } from '../runner/swap-files.js';
import { firstBootTargetPaths } from '../protocol/deploy-protocol.js';
import { dataTrees, hostRunnerDir, imageOwnedVarLib, statefulVarLib } from '../protocol/update-protocol.js';
import { exactPattern } from '../overrides/sync-filters.js';

/**
 * What grub-install and grub-mkconfig write per disk: an update runs no grub-install, so the modules the core
 * image in the boot sector loads stay (an image never carries them: without this, the updated guest
 * never reached grub's menu) and grub.cfg stays the host's (it names the host's root UUID; update-grub rewrites it after a kernel change).
 */
export const grubInstalledPaths: readonly string[] = [
  '/boot/grub/i386-pc/', '/boot/grub/x86_64-efi/', '/boot/grub/fonts/', '/boot/grub/locale/', '/boot/grub/grubenv', '/boot/grub/grub.cfg',
  '/boot/grub2/i386-pc/', '/boot/grub2/x86_64-efi/', '/boot/grub2/fonts/', '/boot/grub2/locale/', '/boot/grub2/grubenv', '/boot/grub2/grub.cfg',
];

/**
 * What an update leaves alone on a running host (rsync-anchored; `dir/*` keeps the directory, skips its
 * contents; without --delete-excluded rsync neither writes nor deletes what an exclude matches). Package
 * databases (/var/lib/dpkg, /var/lib/rpm) are deliberately not here: they follow the image with its files.
 */
export const builtinUpdateExcludes: readonly ExcludeRule[] = [
  ...runnerOwnedPaths.map((pattern) => ({ pattern, reason: 'rootcast\'s own state on the host (credential, deployed.json, logs)' })),
  { pattern: `${hostRunnerDir}/`, reason: 'the runner bundle, node and first-boot script rootcast keeps on the host' },
  { pattern: firstBootTargetPaths.unit, reason: 'the first-boot unit rootcast installed' },
  { pattern: '/etc/systemd/system/*/rootcast-firstboot.service', reason: 'the first-boot unit enabled (a .wants link)' },
  { pattern: '/etc/fstab', reason: 'the host\'s own filesystems' },
  { pattern: '/etc/crypttab', reason: 'the host\'s own encrypted volumes' },
  ...grubInstalledPaths.map((pattern) => ({ pattern, reason: 'the boot loader the install put on this disk: grub-install\'s modules match the core image in the boot sector' })),
  ...identityKeptPaths.map((pattern) => ({ pattern, reason: 'the machine id and SSH host keys the install made for this host' })),
  { pattern: '/etc/hostname', reason: 'host name, managed by identity (its layer is applied by the overrides pass)' },
  { pattern: '/etc/hosts', reason: 'managed by identity' },
  { pattern: '/etc/resolv.conf', reason: 'managed by identity or the network stack' },
  { pattern: '/etc/network/interfaces', reason: 'network configuration, managed by identity' },
  { pattern: '/etc/netplan', reason: 'network configuration, managed by identity' },
  { pattern: '/etc/systemd/network', reason: 'network configuration, managed by identity' },
  { pattern: '/etc/NetworkManager/system-connections', reason: 'network configuration, managed by identity' },
  { pattern: '/etc/sysconfig/network-scripts', reason: 'network configuration, managed by identity' },
  { pattern: '/etc/udev/rules.d/70-persistent-*.rules', reason: 'names the host\'s own NICs' },
  { pattern: '/home/*', reason: 'users\' data' },
  { pattern: '/root/*', reason: 'root\'s data' },
  { pattern: '/var/log/*', reason: 'logs' },
  { pattern: '/var/spool/*', reason: 'queued mail, jobs and print' },
  { pattern: '/var/mail/*', reason: 'users\' mailboxes' },
  { pattern: '/var/tmp/*', reason: 'temporary files' },
  { pattern: '/var/cache/*', reason: 'caches' },
  // No trailing "/": a service's data directory is often a symlink to a data disk, which "dir/" would not match.
  ...statefulVarLib.map((name) => ({ pattern: `/var/lib/${name}`, reason: 'a stateful service\'s data' })),
  { pattern: '/var/lib/systemd/random-seed', reason: 'the host\'s random seed' },
  { pattern: '/tmp/*', reason: 'temporary files' },
  { pattern: '/proc/*', reason: 'pseudo filesystem' },
  { pattern: '/sys/*', reason: 'pseudo filesystem' },
  { pattern: '/dev/*', reason: 'device nodes' },
  { pattern: '/run/*', reason: 'runtime state' },
  { pattern: '/mnt/*', reason: 'mounted by hand' },
  { pattern: '/media/*', reason: 'removable media' },
  { pattern: 'lost+found/', reason: 'fsck\'s directory on every filesystem' },
  ...swapFilePatterns([]).map((pattern) => ({ pattern, reason: 'swap file' })),
];

/** `/etc/rootcast/update.exclude`: one rsync pattern a line; blank lines and `#` comments skipped. */
export const parseUpdateExcludeFile = (text: string): string[] =>
  text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));

/** What an update's excludes are made of, besides the built-in list. */
export interface UpdateExcludeSources {
  /** The install's kept paths (instructions.keepPaths). */
  keepPaths: readonly string[];
  /** The capture's excludes (the version's manifest): the image lacks them on purpose, so the host's stay. */
  captureExcludes: readonly string[];
  /** /etc/rootcast/update.exclude. */
  adminPatterns: readonly string[];
  foreignMounts: readonly string[];
  /** Swap files the host's fstab names, and on the running system the active ones (/proc/swaps). */
  swapFiles: readonly string[];
  /** Data directories that are symlinks on the host: the link stays, nothing is written through it. */
  linkedDataDirs: readonly string[];
  runningKernel?: string | undefined;
}

/** Pure: every exclude of an update's passes, each once, in a stable order. */
export const planUpdateExcludes = (sources: UpdateExcludeSources): string[] => [
  ...new Set([
    ...sources.keepPaths,
    ...builtinUpdateExcludes.map((rule) => rule.pattern),
    ...sources.captureExcludes,
    ...swapFilePatterns(sources.swapFiles),
    // No trailing "/": the pattern must match the link itself.
    ...sources.linkedDataDirs.map(exactPattern),
    // modprobe keeps working until the reboot; the next update after it removes them (the kernel no longer runs).
    ...(sources.runningKernel === undefined ? [] : [`/usr/lib/modules/${sources.runningKernel}/`, `/lib/modules/${sources.runningKernel}/`]),
    ...sources.adminPatterns,
    ...sources.foreignMounts.map((mount) => `${exactPattern(mount)}/`),
  ]),
];

/** Whether an anchored pattern lies in a data tree (where only an explicit removal may still delete). */
const inDataTree = (pattern: string): boolean => dataTrees.some((tree) => pattern === tree || pattern.startsWith(`${tree}/`));

/**
 * Pure: receiver rules put before a pass's own filters (rsync's first match wins): what a layer removes on
 * purpose (`deletable`: a whiteout, an opaque directory) may still delete (`R`), and in the image pass the
 * package databases too; then the data trees are protected (`P`). Never the package databases' `R` in the
 * overrides pass: there they would come before its own `P *` and delete /var/lib/dpkg, which the layers lack.
 */
export const planDataProtection = (deletable: readonly string[], pass: 'image' | 'overrides'): string[] => [
  ...deletable.filter(inDataTree).flatMap((pattern) => [`R ${pattern}`, `R ${pattern}/**`]),
  ...(pass === 'image' ? imageOwnedVarLib.flatMap((name) => [`R /var/lib/${name}`, `R /var/lib/${name}/**`]) : []),
  ...dataTrees.map((tree) => `P ${tree}/**`),
];
