import type { TransportMode } from '../protocol/transport-modes.js';

export interface TransportSetting {
  /** @default "rsync" */
  mode: TransportMode;
  /** `auto` uses the torrent when at least this many hosts of the inventory install the same image. @default 20 */
  autoMinHosts: number;
  /** How long a runner keeps seeding after its own download completed, at most. @default 60 */
  seedSeconds: number;
}

export const defaultTransport: TransportSetting = { mode: 'rsync', autoMinHosts: 20, seedSeconds: 60 };

export type TransportChoice = { payload: false; reason: string } | { payload: true; reason: string };

/**
 * Pure: whether a host's deploy carries the BitTorrent payload. `torrent` always; `auto` when the image is
 * installed by at least `autoMinHosts` hosts (below that one server sends N copies quickly enough).
 */
export const chooseTransport = (setting: TransportSetting, image: string, hostsOfImage: number): TransportChoice => {
  switch (setting.mode) {
    case 'rsync':
      return { payload: false, reason: 'install.transport is rsync' };
    case 'torrent':
      return { payload: true, reason: 'install.transport is torrent' };
    case 'auto':
      return hostsOfImage >= setting.autoMinHosts
        ? { payload: true, reason: `install.transport is auto and ${hostsOfImage} hosts install ${image} (at least ${setting.autoMinHosts})` }
        : { payload: false, reason: `install.transport is auto and only ${hostsOfImage} host(s) install ${image} (fewer than ${setting.autoMinHosts})` };
  }
};
