import type { HostBoot } from './host-boots.js';

/** What one MAC boots next over the network. */
export interface PxeStatusRow {
  mac: string;
  host: string;
  next: 'install' | 'local';
  /** The installer when it installs. */
  distro?: string;
  why: string;
  /** Why it boots locally although an install was wanted. */
  problem?: string;
  /** The boot tree holds this decision already (false: run "rootcast pxe sync" or serve --pxe). */
  synced: boolean;
}

/** One row per MAC of every host with one (pure); `synced` tells whether the tree's files say the same. */
export const pxeStatusRows = (hosts: readonly HostBoot[], isSynced: (mac: string) => boolean): PxeStatusRow[] =>
  hosts.flatMap((host) =>
    host.macs.map((mac) => ({
      mac,
      host: host.name,
      next: host.next.kind,
      ...(host.next.kind === 'install' ? { distro: host.next.distro } : {}),
      why: host.why,
      ...(host.problem === undefined ? {} : { problem: host.problem }),
      synced: isSynced(mac),
    })),
  );

/** The one-line summary serve prints per MAC at start and reload. */
export const formatStatusLine = (row: PxeStatusRow): string =>
  `${row.mac} ${row.host}: next PXE boot ${row.next === 'install' ? `installs ${row.distro ?? ''}` : 'boots the local disk'} (${row.problem ?? row.why})`;
