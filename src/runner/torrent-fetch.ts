import type { PlannedCommand } from '../sys/planned-command.js';

/** The programs of a BitTorrent fetch, exactly as they run: chrooted into the toolbox, in the private namespace. */
export interface TorrentCommands {
  /** `mkdir -p -m 700` of the staging directory. */
  makeStaging: PlannedCommand;
  /** aria2c: downloads and seeds; the local proxy that adds the token reaches it as `http_proxy`. */
  fetch: PlannedCommand;
  /** sha256sum of the payload, compared with the server's digest before anything is unpacked. */
  digest: PlannedCommand;
  /** tar over the target, the kept paths left alone. */
  unpack: PlannedCommand;
  /** Removes a staging directory on the target's disk (a RAM one goes with the tmpfs). */
  removeStaging?: PlannedCommand;
}

/** How the sync step fetches the payload before its rsync pass (docs/fanout.md). */
export interface TorrentFetch {
  /** The host's .torrent on serve (absolute URL). */
  torrentUrl: string;
  /** serve's origin and its tracker's: the only ones the runner's proxy forwards to (with the token). */
  origins: string[];
  /** The only paths the proxy forwards (GET): the host's torrent, its web seed and its announce. */
  paths: string[];
  file: string;
  bytes: number;
  sha256: string;
  /** `ram`: in the toolbox's tmpfs; `disk`: on the target, below a path the sync leaves alone. */
  staging: 'ram' | 'disk';
  /** The staging directory as the toolbox chroot sees it. */
  stagingDir: string;
  seedSeconds: number;
  commands: TorrentCommands;
}

/** The sync step's transport: rsync alone (and why), or the torrent first. */
export type SyncTransport = { kind: 'rsync'; reason: string } | { kind: 'torrent'; reason: string; fetch: TorrentFetch };

/** The environment name aria2c reads its HTTP proxy from: the proxy's port is known only once it listens. */
export const aria2ProxyName = 'http_proxy';

/** The torrent's commands in the order they run (the rsync pass runs between unpack and removeStaging). */
export const torrentCommandsInOrder = (transport: SyncTransport | undefined): { before: PlannedCommand[]; after: PlannedCommand[] } => {
  if (transport?.kind !== 'torrent') return { before: [], after: [] };
  const { makeStaging, fetch, digest, unpack, removeStaging } = transport.fetch.commands;
  return { before: [makeStaging, fetch, digest, unpack], after: removeStaging === undefined ? [] : [removeStaging] };
};
