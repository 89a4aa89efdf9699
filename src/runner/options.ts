import { RootcastError } from '../errors/rootcast-error.js';
import { hostNameProblem } from '../inventory/names.js';
import { checkBwlimit, checkRetries, checkServerUrl, checkWholeNumber } from './option-checks.js';
import { runnerOptionDefaults, type RawRunnerOptions } from './option-table.js';
import type { Firmware } from './plan-boot.js';

/** Everything one runner invocation needs, validated. */
export interface RunnerOptions {
  /** The installed system's root: its mount point, or "/" when running chrooted into it. */
  target: string;
  /** Base URL of rootcast serve, e.g. http://10.0.0.1:8780 */
  server: string;
  host: string;
  token: string;
  /** Print the plan and change nothing. @default false */
  dryRun: boolean;
  /** Print the plan as JSON (with dryRun). @default false */
  json: boolean;
  /** Where the RAM toolbox is mounted. @default '/run/rootcast' */
  workDir: string;
  /** Tries for every network operation (instructions, module probe, image pull), 1 to 1000. @default 20 */
  retries: number;
  /** Bandwidth limit for the image pull in KiB/s; unset means unlimited. */
  bwlimitKiB?: number;
  /** Minimum seconds between two progress events (serve hears from a running phase at least every 2 s). @default 2 */
  progressIntervalSeconds: number;
  /** Seconds a pull may show no progress before it is killed and retried. @default 90 */
  stallSeconds: number;
  /** Which boot loader to install; undefined: what /sys/firmware/efi says. @default undefined (auto) */
  firmware?: Firmware;
  /** Disks for the BIOS boot loader; undefined: the disks under the target's root. */
  bootDisks?: string[];
  /** Run the bootloader phase. @default true */
  bootloader: boolean;
}

/** Validates every option at once (usage error, exit 64); the token may come from ROOTCAST_TOKEN. */
export const parseRunnerOptions = (raw: RawRunnerOptions, env: NodeJS.ProcessEnv): RunnerOptions => {
  const errors: string[] = [];
  if (raw.target === undefined || raw.target === '') errors.push('--target: required (the installed root, e.g. /mnt/sysroot)');
  else if (!raw.target.startsWith('/')) errors.push(`--target: "${raw.target}" must be an absolute path`);
  const given = raw.server ?? '';
  if (given === '') errors.push('--server: required (the URL of rootcast serve, e.g. http://10.0.0.1:8780)');
  const server = given === '' ? given : checkServerUrl('--server', given, errors);
  const host = raw.host ?? '';
  // The inventory's rule, so a name the server could never know is refused before any request.
  const hostProblem = host === '' ? undefined : hostNameProblem(host);
  if (host === '') errors.push('--host: required (this machine\'s name in the inventory)');
  else if (hostProblem !== undefined) errors.push(`--host: ${hostProblem}`);
  const token = raw.token ?? env['ROOTCAST_TOKEN'] ?? '';
  if (token === '') errors.push('--token: required (or set ROOTCAST_TOKEN, or --token-file); the answer file carries it');
  const retries = checkRetries(raw.retries ?? runnerOptionDefaults.retries, errors);
  const bwlimitKiB = raw.bwlimit === undefined ? undefined : checkBwlimit(raw.bwlimit, errors);
  const progressIntervalSeconds = checkWholeNumber('--progress-interval', raw.progressInterval ?? runnerOptionDefaults.progressInterval, { min: 1 }, errors);
  const stallSeconds = checkWholeNumber('--stall-timeout', raw.stallTimeout ?? runnerOptionDefaults.stallTimeout, { min: 1 }, errors);
  const workDir = raw.workDir ?? runnerOptionDefaults.workDir;
  if (!workDir.startsWith('/')) errors.push(`--work-dir: "${workDir}" must be an absolute path`);
  const firmware = raw.firmware ?? runnerOptionDefaults.firmware;
  if (firmware !== 'auto' && firmware !== 'bios' && firmware !== 'efi') errors.push(`--firmware: "${firmware}" is not bios, efi or auto`);
  const bootDisks = raw.bootDisk === undefined ? undefined : raw.bootDisk.split(',').filter((disk) => disk !== '');
  // A disk name becomes an argument of the boot loader's command: a device path, nothing a shell would read.
  for (const disk of bootDisks ?? []) if (!/^\/dev\/[A-Za-z0-9_./:+-]+$/.test(disk)) errors.push(`--boot-disk: "${disk}" is not a device path such as /dev/sda`);
  if (bootDisks?.length === 0) errors.push('--boot-disk: name at least one disk, e.g. /dev/sda');
  if (raw.noBootloader === true && (raw.bootDisk !== undefined || raw.firmware !== undefined)) errors.push('--no-bootloader: cannot be combined with --boot-disk or --firmware');
  if (errors.length > 0) {
    throw new RootcastError('USAGE', errors.length === 1 ? `invalid runner option ${errors[0] ?? ''}` : 'invalid runner options', {
      details: errors.length === 1 ? [] : errors,
    });
  }
  return {
    target: raw.target ?? '/',
    server,
    host,
    token,
    dryRun: raw.dryRun === true,
    json: raw.json === true,
    workDir: workDir.replace(/(.)\/+$/, '$1'),
    retries,
    ...(bwlimitKiB === undefined ? {} : { bwlimitKiB }),
    progressIntervalSeconds,
    stallSeconds,
    ...(firmware === 'bios' || firmware === 'efi' ? { firmware } : {}),
    ...(bootDisks === undefined ? {} : { bootDisks }),
    bootloader: raw.noBootloader !== true,
  };
};
