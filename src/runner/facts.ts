import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import { isMountPoint, parseMountinfo } from '../sys/mount-table.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { parseRsyncStats } from '../sys/rsync-stats.js';
import { planRootMeasureCommand } from './plan-commands.js';
import { execPlanned, type PlannedRunner } from './run-planned.js';
import { findTargetSubmounts } from './target-submounts.js';
import { buildToolboxExcludes } from './toolbox-excludes.js';
import { parseFstab, swapFiles, type FstabEntry } from '../sys/fstab.js';
import { readBootFacts, type BootFacts } from './boot-facts.js';

/** What the planner needs to know about this machine; gathered by reading only. */
export interface DeployFacts {
  /** Real path of the target root. */
  target: string;
  targetMounted: boolean;
  /** The target's own filesystems below its root, target-relative ("/boot", "/boot/efi"). */
  submounts: string[];
  memAvailableBytes: number;
  /** What the RAM copy of the installed root will hold (measured with rsync --dry-run --stats). */
  rootCopy: { files: number; bytes: number };
  /** The command that measured it (undefined when the target is not a mount point: nothing to measure). */
  measuredWith?: PlannedCommand;
  /** Where the RAM toolbox is mounted (unique per run, so parallel or stale runs never collide). */
  toolbox: string;
  /** The rsync server's address, resolved here because DNS may not work inside the chroot. */
  rsyncAddress: string;
  /** The installed system's /etc/fstab (the deploy keeps it): its swap files stay out of the RAM copy; the image's mount points are checked against it. */
  installedFstab: FstabEntry[];
  /** Firmware and boot disks, for the bootloader phase. */
  boot: BootFacts;
}

/** The facts about this machine alone: read while the server is asked for the instructions. */
export type LocalFacts = Omit<DeployFacts, 'rsyncAddress'>;

export interface GatherFactsInput {
  target: string;
  workDir: string;
  /** Runs the measuring rsync (a planned command, like every other). */
  runner: Pick<PlannedRunner, 'exec' | 'environment' | 'log'>;
  pid: number;
}

export const parseMemAvailable = (meminfo: string): number => {
  const kib = /^MemAvailable:\s+(\d+)\s+kB/m.exec(meminfo)?.[1];
  return kib === undefined ? 0 : Number(kib) * 1024;
};

/** The rsync server's address, resolved here because DNS may not work inside the chroot. */
export const resolveRsyncAddress = async (rsyncUrl: string): Promise<string> => {
  const hostname = new URL(rsyncUrl).hostname.replace(/^\[|\]$/g, '');
  try {
    return (await lookup(hostname)).address;
  } catch (error) {
    throw new RootcastError('UNREACHABLE', `cannot resolve the image server name ${hostname}`, {
      hint: 'use an IP address in the server URL or fix name resolution on the installing machine',
      cause: error,
    });
  }
};

export const gatherLocalFacts = async (input: GatherFactsInput): Promise<LocalFacts> => {
  const mounts = parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8'));
  const targetMounted = isMountPoint(mounts, input.target);
  const toolbox = join(input.workDir, `toolbox.${input.pid}`);
  const installedFstab = parseFstab(await readFile(join(input.target, 'etc/fstab'), 'utf8').catch(() => ''));
  let rootCopy = { files: 0, bytes: 0 };
  let measuredWith: PlannedCommand | undefined;
  // Measuring an arbitrary unmounted directory is pointless: preflight refuses it anyway.
  if (targetMounted) {
    measuredWith = planRootMeasureCommand(withSlash(input.target), join(input.workDir, 'size-probe.nonexistent/'), buildToolboxExcludes(input.target, input.workDir, swapFiles(installedFstab)));
    const stats = parseRsyncStats((await execPlanned(input.runner, measuredWith)).stdout);
    rootCopy = { files: stats.files, bytes: stats.totalSizeBytes };
  }
  return {
    target: input.target,
    targetMounted,
    submounts: findTargetSubmounts(mounts, input.target),
    memAvailableBytes: parseMemAvailable(await readFile('/proc/meminfo', 'utf8')),
    rootCopy,
    ...(measuredWith === undefined ? {} : { measuredWith }),
    toolbox,
    installedFstab,
    boot: await readBootFacts(input.target),
  };
};

export const withSlash = (path: string): string => (path.endsWith('/') ? path : `${path}/`);
