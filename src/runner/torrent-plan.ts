import { hostApiPath, type DeployInstructions } from '../protocol/deploy-protocol.js';
import { buildAria2Args } from '../sys/aria2.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { buildTarExtractArgs } from '../sys/tar-archive.js';
import { formatBytes } from '../text/format.js';
import { cleanEnvironmentNames } from './command-environment.js';
import type { PreflightCheck } from './steps.js';
import type { TorrentFacts } from './torrent-facts.js';
import { aria2ProxyName, type SyncTransport, type TorrentCommands } from './torrent-fetch.js';

export interface TorrentPlanInput {
  instructions: DeployInstructions;
  torrent: TorrentFacts | undefined;
  memAvailableBytes: number;
  /** RAM the deploy needs without the payload (toolbox tmpfs + margin). */
  ramNeededBytes: number;
  /** What the installed root holds now (the image replaces it). */
  installedBytes: number;
  server: string;
  /** Where the toolbox is mounted (the torrent's programs run chrooted into it). */
  toolbox: string;
  /** The target as the toolbox chroot sees it. */
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

const inToolbox = (toolbox: string, program: string, args: string[], extraEnv: string[] = [], okExitCodes: number[] = [0]): PlannedCommand => ({
  program, args, env: [...cleanEnvironmentNames, ...extraEnv], where: 'namespace', chroot: toolbox, okExitCodes,
});

interface CommandsInput {
  toolbox: string;
  torrentUrl: string;
  stagingDir: string;
  payload: string;
  chrootTarget: string;
  keep: string[];
  seedSeconds: number;
  onDisk: boolean;
}

/** The exact programs of the fetch; the toolbox's own aria2c, sha256sum and tar (the target's are being replaced). */
const planTorrentCommands = (input: CommandsInput): TorrentCommands => ({
  makeStaging: inToolbox(input.toolbox, 'mkdir', ['-p', '-m', '700', input.stagingDir]),
  fetch: inToolbox(input.toolbox, 'aria2c', buildAria2Args({ torrentUrl: input.torrentUrl, dir: input.stagingDir, seedSeconds: input.seedSeconds }), [aria2ProxyName]),
  digest: inToolbox(input.toolbox, 'sha256sum', [input.payload]),
  // 1 and 2: tar goes on past an entry it cannot write (a directory where the image has a file); the rsync pass puts it right.
  unpack: inToolbox(input.toolbox, 'tar', buildTarExtractArgs(input.payload, input.chrootTarget, input.keep), [], [0, 1, 2]),
  ...(input.onDisk ? { removeStaging: inToolbox(input.toolbox, 'rm', ['-rf', input.stagingDir]) } : {}),
});

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
  const torrentUrl = `${base}${payload.torrentPath}`;
  const stagingDir = staging === 'ram' ? '/run/rootcast-payload' : `${input.chrootTarget}/run/rootcast/payload`;
  return {
    transport: {
      kind: 'torrent',
      reason: transport.reason,
      fetch: {
        torrentUrl,
        origins: [...new Set([new URL(base).origin, payload.trackerOrigin])],
        paths: [payload.torrentPath, hostApiPath(input.instructions.host, `payload/${payload.file}`), hostApiPath(input.instructions.host, 'announce')],
        file: payload.file,
        bytes: payload.bytes,
        sha256: payload.sha256,
        staging,
        stagingDir,
        seedSeconds: payload.seedSeconds,
        commands: planTorrentCommands({
          toolbox: input.toolbox,
          torrentUrl,
          stagingDir,
          payload: `${stagingDir}/${payload.file}`,
          chrootTarget: input.chrootTarget,
          keep: input.keep,
          seedSeconds: payload.seedSeconds,
          onDisk: staging === 'disk',
        }),
      },
    },
    extraTmpfsBytes: staging === 'ram' ? payload.bytes : 0,
    check: { name: 'payload-space', ok: true, detail: `${detail}: staging in ${staging === 'ram' ? 'RAM' : 'the target\'s /run/rootcast'}` },
  };
};
