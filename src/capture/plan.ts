import type { MountEntry } from '../image/manifest.js';
import type { RsyncTransfer } from '../sys/rsync.js';
import { maxLinkDest } from '../sys/rsync.js';
import { buildSshArgs } from '../sys/ssh-options.js';
import { defaultExcludes, type ExcludeRule } from './default-excludes.js';
import { planMounts, type MountSkip } from './mounts.js';
import { secretScanPlaces } from './secrets.js';
import { describeSource, type CaptureSource } from './source-spec.js';

export interface CapturePlanInput {
  image: string;
  source: CaptureSource;
  /** --exclude and --exclude-file patterns, in that order. */
  userExcludes: readonly string[];
  /** --include patterns: re-include something a default exclude would drop. */
  includes: readonly string[];
  /** @default true */
  useDefaultExcludes: boolean;
  /** The golden client's mounts, once inspected; unknown while inspection runs alongside rsync. */
  mounts?: readonly MountEntry[] | undefined;
  latest?: { version: number; root: string } | undefined;
  leftoverRoots: readonly string[];
  stagingRoot: string;
  ssh?: { knownHostsFile: string; identityFile?: string | undefined } | undefined;
  progress: boolean;
  /** Re-pulls allowed while settling after the pull (--settle; 0: no settling). @default 1 */
  settleRepulls: number;
  /** The store keeps nanosecond mtimes, so rsync may compare them (see RsyncTransfer.nanosecondMtimes). */
  nanosecondMtimes: boolean;
}

/** Everything a capture will do, as data: --dry-run prints it, the applier runs it. */
export interface CapturePlan {
  image: string;
  source: CaptureSource;
  sourceLabel: string;
  stagingRoot: string;
  parentVersion?: number;
  linkDest: string[];
  includes: string[];
  excludes: ExcludeRule[];
  /** Pseudo and network mounts: rsync -x keeps their mount points as empty directories. */
  mountSkips: MountSkip[];
  /** Extra local filesystems copied by a second pass (undefined until the mounts are known). */
  localMounts: string[] | undefined;
  /** The root pass first, then (when there are extra local filesystems) one --relative pass for them. */
  transfers: RsyncTransfer[];
  /**
   * After the pull, up to `repulls` rounds of: `list` (the pull's transfers with --dry-run, itemized,
   * without --link-dest, which would make rsync check every file against the old version too) names the
   * stored files changed since they were read; `repull` copies just those (paths on stdin). A listing
   * that finds none ends settling; what the listing after the last re-pull still finds is unstable.
   */
  settle: { repulls: number; list: RsyncTransfer[]; repull: RsyncTransfer };
  /** Where the likely-secrets scan looks, inside the new version. */
  secretScanPlaces: string[];
}

const rsyncSource = (source: CaptureSource, path: string): string => {
  if (source.kind === 'dir') return path === '/' ? `${source.path.replace(/\/+$/, '')}/` : `${source.path.replace(/\/+$/, '')}/.${path}`;
  const host = source.host.includes(':') ? `[${source.host}]` : source.host;
  return `${source.user}@${host}:${path}`;
};

/** Pure: builds the capture plan from what was read (store state, options, inspection). */
export const planCapture = (input: CapturePlanInput): CapturePlan => {
  const excludes: ExcludeRule[] = [
    ...(input.useDefaultExcludes ? defaultExcludes : []),
    ...input.userExcludes.map((pattern) => ({ pattern, reason: 'requested (--exclude / --exclude-file)' })),
  ];
  // The newest version first: most unchanged files are found there; interrupted runs fill gaps.
  const linkDest = [...(input.latest === undefined ? [] : [input.latest.root]), ...input.leftoverRoots].slice(0, maxLinkDest);
  const remoteShell =
    input.source.kind === 'ssh' && input.ssh !== undefined
      ? buildSshArgs({ port: input.source.port, knownHostsFile: input.ssh.knownHostsFile, identityFile: input.ssh.identityFile })
      : undefined;
  const base = {
    destination: `${input.stagingRoot}/`,
    includes: [...input.includes],
    excludes: excludes.map((rule) => rule.pattern),
    linkDest,
    progress: input.progress,
    ...(input.nanosecondMtimes ? { nanosecondMtimes: true } : {}),
    ...(remoteShell === undefined ? {} : { remoteShell }),
  };
  const mounts = input.mounts === undefined ? undefined : planMounts(input.mounts);
  const transfers: RsyncTransfer[] = [{ ...base, sources: [rsyncSource(input.source, '/')] }];
  if (mounts !== undefined && mounts.localMountPoints.length > 0) {
    transfers.push({ ...base, relative: true, sources: mounts.localMountPoints.map((point) => rsyncSource(input.source, point)) });
  }
  return {
    image: input.image,
    source: input.source,
    sourceLabel: describeSource(input.source),
    stagingRoot: input.stagingRoot,
    ...(input.latest === undefined ? {} : { parentVersion: input.latest.version }),
    linkDest,
    includes: [...input.includes],
    excludes,
    mountSkips: mounts?.skipped ?? [],
    localMounts: mounts?.localMountPoints,
    transfers,
    settle: {
      repulls: input.settleRepulls,
      list: transfers.map((transfer) => ({ ...transfer, linkDest: [], progress: false, dryRun: true })),
      // No --delete: a list of files is no directory listing; the tree stays the pull's snapshot apart from these files.
      repull: { ...base, progress: false, itemize: true, delete: false, filesFromStdin: true, sources: [rsyncSource(input.source, '/')] },
    },
    secretScanPlaces: [...secretScanPlaces],
  };
};
