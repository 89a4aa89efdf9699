/** The exact commands of a deploy, pure: the planner calls these once; executors run only what they return. */
import { bindMountArgs, tmpfsMountArgs, unmountTreeArgs } from '../sys/mount.js';
import { namespaceHolderCommand } from '../sys/mount-namespace.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { buildDaemonPullArgs, buildLocalCopyArgs, buildModuleProbeArgs, buildOverridesPullArgs, defaultStallSeconds, type DaemonPull } from '../sys/rsync-pull.js';
import { rsyncVanishedExitCode } from '../sys/rsync.js';
import { cleanEnvironmentNames, rsyncPasswordName } from './command-environment.js';

/** rsync against the daemon or into the toolbox: 24 (a file vanished on the sender while it ran) still counts as done. */
export const rsyncOkExitCodes: readonly number[] = [0, rsyncVanishedExitCode];

const inNamespace = (program: string, args: string[], okExitCodes: number[] = [0]): PlannedCommand => ({
  program, args, env: [...cleanEnvironmentNames], where: 'namespace', okExitCodes,
});

/** Seconds the module probe waits for the daemon (connect and I/O). */
const probeTimeoutSeconds = 30;

/** Lists the image module with the token: the daemon is up, the token works, the version is served. */
export const planModuleProbeCommand = (source: string): PlannedCommand => ({
  program: 'rsync',
  args: buildModuleProbeArgs(source, probeTimeoutSeconds),
  env: [...cleanEnvironmentNames, rsyncPasswordName],
  where: 'here',
  okExitCodes: [...rsyncOkExitCodes],
});

/** What copying `source` into the toolbox would copy, counted without copying (rsync --dry-run --stats). */
export const planRootMeasureCommand = (source: string, nowhere: string, excludes: readonly string[]): PlannedCommand => ({
  program: 'rsync',
  args: buildLocalCopyArgs(source, nowhere, excludes, true),
  env: [...cleanEnvironmentNames],
  where: 'here',
  // 23: a file it could not read (the copy itself will say which); the count is still good enough for sizing.
  okExitCodes: [0, 23, rsyncVanishedExitCode],
});

/**
 * The holder of the private mount+PID namespace every `ns$` command enters (src/sys/mount-namespace.ts): spawned
 * as it is, in our environment, dying with us because its stdin is our pipe (no setpriv).
 */
export const planNamespaceHolder = (): PlannedCommand => ({
  program: namespaceHolderCommand.program,
  args: [...namespaceHolderCommand.args],
  env: [],
  inheritEnv: true,
  where: 'here',
  okExitCodes: [0],
  diesWithUs: false,
});

export const planTmpfsMount = (toolbox: string, sizeBytes: number): PlannedCommand => inNamespace('mount', tmpfsMountArgs(toolbox, sizeBytes));

/** The installed root into the RAM toolbox; 24: a file vanished on the live root, which the toolbox can do without. */
export const planToolboxCopy = (source: string, toolbox: string, excludes: readonly string[]): PlannedCommand =>
  inNamespace('rsync', buildLocalCopyArgs(source, `${toolbox}/`, excludes, false), [...rsyncOkExitCodes]);

/** Mount points that may not exist yet (in the toolbox, or on the target below its bind mount). */
export const planMountPoints = (directories: readonly string[]): PlannedCommand => inNamespace('mkdir', ['-p', ...directories]);

export const planBindMount = (source: string, target: string, recursive: boolean): PlannedCommand =>
  inNamespace('mount', bindMountArgs(source, target, recursive));

/**
 * Where a pull's rsync runs: the deploy chroots into the RAM toolbox inside its namespace (so it runs the
 * toolbox's rsync, not the target's, being replaced); an update on a live host may run its own rsync here.
 */
export interface PullPlace {
  where: PlannedCommand['where'];
  /** The directory whose rsync runs (as `where` sees it); none: the rsync on PATH. */
  chroot?: string;
}

/** The deploy's place: the toolbox, inside the private namespace. */
export const inToolbox = (toolbox: string): PullPlace => ({ where: 'namespace', chroot: toolbox });

const planPull = (place: PullPlace, pull: DaemonPull, args: string[]): PlannedCommand => ({
  program: 'rsync',
  args,
  env: [...cleanEnvironmentNames, rsyncPasswordName],
  where: place.where,
  ...(place.chroot === undefined ? {} : { chroot: place.chroot }),
  okExitCodes: [...rsyncOkExitCodes],
  stallSeconds: pull.stallSeconds ?? defaultStallSeconds,
});

/** The image pass (the instructions' imageFilters in `pull.filters`); transient failures (a stall among them) are the executor's to retry. */
export const planImagePull = (place: PullPlace, pull: DaemonPull): PlannedCommand => planPull(place, pull, buildDaemonPullArgs(pull));

/** The overrides pass from the host's own module (the instructions' overridesFilters in `pull.filters`), same user and password. */
export const planOverridesPull = (place: PullPlace, pull: DaemonPull): PlannedCommand => planPull(place, pull, buildOverridesPullArgs(pull));

/** 32: nothing was mounted there any more; 1: some part was already gone. Either way nothing is left. */
export const planToolboxUnmount = (toolbox: string): PlannedCommand => inNamespace('umount', unmountTreeArgs(toolbox), [0, 1, 32]);
