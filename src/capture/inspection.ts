import type { DiskEntry, DistroFootprint } from '../image/manifest.js';
import type { MountEntry } from '../sys/mount-table.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { parseLsblk } from './lsblk.js';
import { parseProcMounts } from '../sys/mount-table.js';
import { parseKernelList } from '../image/kernels.js';
import { parseOsRelease } from './os-release.js';

/** What a capture learns about the golden client besides its files. */
export interface Inspection {
  distro?: DistroFootprint;
  kernels: string[];
  mounts: MountEntry[];
  disks: DiskEntry[];
  /** Path of rsync on the golden client, undefined when it has none. */
  rsyncPath?: string;
  /** The golden client's clock (`date +%s.%N`, epoch seconds) as the inspection ran: how settling tells what changed since the pull began. */
  clockSeconds?: number;
  /** Its find lists names by change time (GNU find: -newerct, -ignore_readdir_race, -print0), so settling need not list everything. */
  findsChanges?: boolean;
}

const marker = '@@rootcast:';
const sections = ['os-release', 'mounts', 'lsblk', 'boot', 'rsync', 'clock', 'find'] as const;
type Section = (typeof sections)[number];

const sectionCommands: Record<Section, string> = {
  'os-release': 'cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null',
  mounts: 'cat /proc/mounts 2>/dev/null',
  lsblk: 'command -v lsblk >/dev/null 2>&1 && lsblk -J -b -o NAME,TYPE,SIZE,FSTYPE,MOUNTPOINT,UUID 2>/dev/null',
  boot: 'ls -1 /boot 2>/dev/null',
  rsync: 'command -v rsync 2>/dev/null',
  clock: 'date +%s.%N 2>/dev/null',
  find: 'find / -maxdepth 0 -xdev -ignore_readdir_race -newerct @0 -print0 >/dev/null 2>&1 && echo yes',
};

/**
 * One POSIX sh line printing delimited sections; every piece may be missing (a chroot has no
 * /proc, a container no lsblk), so each command's failure is ignored.
 */
export const inspectionScript = (): string =>
  [...sections.map((section) => `echo '${marker}${section}'; ${sectionCommands[section]}`), `echo '${marker}end'`].join('; ');

/** The inspection as the command sent over the SSH session: sh -c, since the login shell may be anything (tcsh, fish). */
export const planInspection = (): PlannedCommand => ({ program: 'sh', args: ['-c', inspectionScript()], env: [], where: 'ssh', okExitCodes: [0] });

/** Splits the script's output into sections; undefined when the end marker is missing (the script did not run). */
export const splitInspectionOutput = (output: string): Map<string, string> | undefined => {
  const result = new Map<string, string>();
  let current: string | undefined;
  let lines: string[] = [];
  let ended = false;
  for (const line of output.split('\n')) {
    if (line.startsWith(marker)) {
      if (current !== undefined) result.set(current, lines.join('\n'));
      current = line.slice(marker.length).trim();
      lines = [];
      if (current === 'end') ended = true;
    } else if (current !== undefined) {
      lines.push(line);
    }
  }
  return ended ? result : undefined;
};

/** Turns the sections into an Inspection (pure). */
export const parseInspection = (parts: Map<string, string>): Inspection => {
  const distro = parseOsRelease(parts.get('os-release') ?? '');
  const rsyncPath = (parts.get('rsync') ?? '').trim().split('\n')[0] ?? '';
  // A date without %N prints the seconds and something else: the whole seconds are still a lower bound.
  const clock = /^(\d+)(\.\d{9})?/.exec((parts.get('clock') ?? '').trim());
  return {
    ...(distro === undefined ? {} : { distro }),
    kernels: parseKernelList((parts.get('boot') ?? '').split('\n')),
    mounts: parseProcMounts(parts.get('mounts') ?? ''),
    disks: parseLsblk(parts.get('lsblk') ?? ''),
    ...(rsyncPath === '' ? {} : { rsyncPath }),
    ...(clock === null ? {} : { clockSeconds: Number(`${clock[1] ?? ''}${clock[2] ?? ''}`) }),
    ...(parts.has('find') ? { findsChanges: (parts.get('find') ?? '').trim() === 'yes' } : {}),
  };
};
