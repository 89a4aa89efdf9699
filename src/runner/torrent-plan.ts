import type { DeployInstructions } from '../protocol/deploy-protocol.js';
import { formatBytes } from '../text/format.js';
import type { PreflightCheck } from './steps.js';
import type { TorrentFacts } from './torrent-facts.js';

/** How the sync step fetches the payload before its rsync pass (docs/fanout.md). */
export interface TorrentFetch {
  /** The host's .torrent on serve (absolute URL). */
  torrentUrl: string;
  /** serve's origin and its tracker's: the only ones the runner's proxy forwards to (with the token). */
  origins: string[];
  file: string;
  bytes: number;
  sha256: string;
  /** `ram`: in the toolbox's tmpfs; `disk`: on the target, below a path the sync leaves alone. */
  staging: 'ram' | 'disk';
  /** The staging directory as the toolbox chroot sees it. */
  stagingDir: string;
  /** Paths the unpack leaves alone: the same the rsync pass protects. */
  keep: string[];
  seedSeconds: number;
}

/** The sync step's transport: rsync alone (and why), or the torrent first. */
export type SyncTransport = { kind: 'rsync'; reason: string } | { kind: 'torrent'; reason: string; fetch: TorrentFetch };

export interface TorrentPlanInput {
  instructions: DeployInstructions;
  torrent: TorrentFacts | undefined;
  memAvailableBytes: number;
  /** RAM the deploy needs without the payload (toolbox tmpfs + margin). */
  ramNeededBytes: number;
  /** What the installed root holds now (the image replaces it). */
  installedBytes: number;
  server: string;
  /** Inside the toolbox chroot: where the target is, and its runner-owned directory. */
  chrootTarget: string;
  keep: string[];
}

export interface TorrentPlan {
  transport: SyncTransport;
  /** Added to the toolbox tmpfs when the payload is staged in RAM. */
  extraTmpfsBytes: number;
  /** The space check preflight makes (torrent only). */
  check?: PreflightCheck;
}

/** Headroom on the target besides the image: logs, the package database settling, rounding of file sizes. */
const diskMarginBytes = 256 * 1024 * 1024;

/**
 * Pure: rsync alone, or the payload by BitTorrent into RAM (when it fits beside the toolbox) or onto the
 * target's disk (when that has room for the image and the payload). Neither fitting is a failed preflight
 * (NO_SPACE), before anything is written.
 */
export const planTorrentFetch = (input: TorrentPlanInput): TorrentPlan => {
  const transport = input.instructions.transport;
  const payload = transport?.payload;
  if (transport === undefined || payload === undefined) return { transport: { kind: 'rsync', reason: transport?.reason ?? 'the server offers no payload' }, extraTmpfsBytes: 0 };
  const missing = input.torrent?.missingTools ?? ['aria2c'];
  if (missing.length > 0) {
    return { transport: { kind: 'rsync', reason: `${transport.reason}, but the installed system lacks ${missing.join(', ')} (the answer files install aria2 and zstd for install.transport torrent)` }, extraTmpfsBytes: 0 };
  }
  const freeBytes = input.torrent?.targetFreeBytes ?? 0;
  // The unpack replaces the installed files one by one, so the target needs the image less what it holds now.
  const diskForImage = Math.max(0, payload.imageBytes - input.installedBytes) + diskMarginBytes;
  const inRam = input.memAvailableBytes >= input.ramNeededBytes + payload.bytes;
  const onDisk = freeBytes >= diskForImage + payload.bytes;
  const detail = `payload ${formatBytes(payload.bytes)}, image ${formatBytes(payload.imageBytes)}; RAM ${formatBytes(input.memAvailableBytes)} available (${formatBytes(input.ramNeededBytes)} taken by the toolbox), target ${formatBytes(freeBytes)} free`;
  if ((!inRam && !onDisk) || freeBytes < diskForImage) {
    return {
      transport: { kind: 'rsync', reason: transport.reason },
      extraTmpfsBytes: 0,
      check: {
        name: 'payload-space',
        ok: false,
        detail,
        failure: {
          code: 'NO_SPACE',
          message: freeBytes < diskForImage
            ? `the target's filesystem is too small for ${input.instructions.ref}: ${formatBytes(diskForImage)} needed beside what is installed, ${formatBytes(freeBytes)} free`
            : `neither RAM nor the target's disk can hold the ${formatBytes(payload.bytes)} payload of ${input.instructions.ref} (${detail})`,
          hint: 'give the machine a bigger disk or more RAM, or set install.transport: rsync for it (no payload to stage)',
        },
      },
    };
  }
  const staging = inRam ? 'ram' : 'disk';
  const base = input.server.replace(/\/+$/, '');
  return {
    transport: {
      kind: 'torrent',
      reason: transport.reason,
      fetch: {
        torrentUrl: `${base}${payload.torrentPath}`,
        origins: [...new Set([new URL(base).origin, payload.trackerOrigin])],
        file: payload.file,
        bytes: payload.bytes,
        sha256: payload.sha256,
        staging,
        stagingDir: staging === 'ram' ? '/run/rootcast-payload' : `${input.chrootTarget}/run/rootcast/payload`,
        keep: input.keep,
        seedSeconds: payload.seedSeconds,
      },
    },
    extraTmpfsBytes: staging === 'ram' ? payload.bytes : 0,
    check: { name: 'payload-space', ok: true, detail: `${detail}: staging in ${staging === 'ram' ? 'RAM' : 'the target\'s /run/rootcast'}` },
  };
};
