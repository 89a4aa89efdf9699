import { formatBytes } from '../text/format.js';
import type { SyncTransport } from './torrent-fetch.js';
import type { TorrentOutcome } from './torrent-transport.js';

/** The transport lines of the sync step in --dry-run's plan. */
export const describeTransport = (transport: SyncTransport | undefined): string[] => {
  if (transport === undefined || transport.kind === 'rsync') return [`  transport: rsync (${transport?.reason ?? 'the server offers no payload'})`];
  const { fetch } = transport;
  return [
    `  transport: torrent (${transport.reason}): aria2c fetches ${fetch.file} (${formatBytes(fetch.bytes)}) from ${fetch.torrentUrl} into ${fetch.staging === 'ram' ? 'RAM' : 'the target'} at ${fetch.stagingDir}, through a local proxy (${fetch.origins.join(', ')} only) that adds the token, seeding up to ${fetch.seedSeconds}s after`,
    `  check sha256 ${fetch.sha256}, unpack with tar over the target (kept paths left alone), then the rsync pass as the exact finish; a failed fetch or a wrong digest leaves the whole image to rsync`,
  ];
};

/** The start of the sync step's final message: which transport ran and where the bytes came from. */
export const describeTransportRun = (transport: SyncTransport | undefined, outcome: TorrentOutcome | undefined, seeded: string | undefined): string => {
  if (outcome === undefined) return transport === undefined ? '' : `rsync (${transport.reason}): `;
  if (outcome.kind === 'fallback') return `rsync after the torrent failed (${outcome.reason}): `;
  return `${outcome.summary}; ${seeded ?? 'seeding stopped'}; rsync finish: `;
};
