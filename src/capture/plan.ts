import type { MountEntry } from '../sys/mount-table.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { maxLinkDest, planRsyncCommand, type RsyncTransfer } from '../sys/rsync.js';
import { buildSshArgs } from '../sys/ssh-options.js';
import { defaultExcludes, type ExcludeRule } from './default-excludes.js';
import { planInspection } from './inspection.js';
import { planMounts, type MountSkip } from './mounts.js';
import { secretScanPlaces } from './secrets.js';
import { planChangeListing } from './settle-window.js';
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
  /** The source can list names by change time (GNU find; over SSH also a clock): settling lists only those. */
  findsChanges: boolean;
}

/**
 * After the pull, up to `repulls` rounds of: a listing names the stored files changed since they were read;
 * `repull` copies just those (paths on stdin). A listing that finds none ends settling; what the listing after
 * the last re-pull still finds is unstable. A listing is `changed` (find: names whose inode changed since the
 * pull began) then `check` over those names (rsync's itemized dry run, listed directories whole); without
 * `changed`, or when it cannot run, it is `list`: the pull's passes as itemized dry runs over everything. None
 * has --link-dest, which would make rsync check every file against the old version too.
 */
export interface SettlePlan {
  repulls: number;
  changed?: PlannedCommand;
  check: PlannedCommand;
  list: PlannedCommand[];
  repull: PlannedCommand;
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
  /** rsync's progress of the pull goes to stderr (a terminal). */
  progress: boolean;
  /** The inspection sent over ssh2 (before or beside the pull); --from-dir reads the tree itself. */
  inspection?: PlannedCommand;
  /** The root pass first, then (when there are extra local filesystems) one --relative pass for them. */
  pull: PlannedCommand[];
  settle: SettlePlan;
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
  const root = rsyncSource(input.source, '/');
  const transfers: RsyncTransfer[] = [{ ...base, sources: [root] }];
  if (mounts !== undefined && mounts.localMountPoints.length > 0) {
    transfers.push({ ...base, relative: true, sources: mounts.localMountPoints.map((point) => rsyncSource(input.source, point)) });
  }
  const listing = { linkDest: [], progress: false, dryRun: true };
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
    progress: input.progress,
    ...(input.source.kind === 'ssh' ? { inspection: planInspection() } : {}),
    pull: transfers.map((transfer) => planRsyncCommand(transfer)),
    settle: {
      repulls: input.settleRepulls,
      ...(input.findsChanges && mounts !== undefined ? { changed: planChangeListing(input.source, mounts.localMountPoints) } : {}),
      // No --delete: a list of names is no directory listing; -r: a listed directory is compared whole.
      check: planRsyncCommand({ ...base, ...listing, delete: false, filesFromStdin: true, recursive: true, sources: [root] }, 'the names the change listing found, NUL-separated'),
      list: transfers.map((transfer) => planRsyncCommand({ ...transfer, ...listing })),
      // No --delete: the tree stays the pull's snapshot apart from these files.
      repull: planRsyncCommand({ ...base, progress: false, itemize: true, delete: false, filesFromStdin: true, sources: [root] }, 'the paths the listing found changed, NUL-separated'),
    },
    secretScanPlaces: [...secretScanPlaces],
  };
};
