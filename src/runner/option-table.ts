import { defaultStallSeconds } from '../sys/rsync-pull.js';
import type { OptionSpec } from './option-spec.js';
import { defaultRetryPolicy } from './retry-policy.js';

/** Option values as they arrive from argv (strings, maybe missing); options.ts validates them. */
export interface RawRunnerOptions {
  target?: string | undefined;
  server?: string | undefined;
  host?: string | undefined;
  token?: string | undefined;
  /** Read by readTokenFile (token-file.ts) before parsing; its content becomes `token`. */
  tokenFile?: string | undefined;
  dryRun?: boolean | undefined;
  json?: boolean | undefined;
  workDir?: string | undefined;
  retries?: string | undefined;
  bwlimit?: string | undefined;
  progressInterval?: string | undefined;
  stallTimeout?: string | undefined;
  firmware?: string | undefined;
  bootDisk?: string | undefined;
  noBootloader?: boolean | undefined;
}

/** Defaults of the options that have one, as they would be typed (the one place they are written). */
export const runnerOptionDefaults = {
  workDir: '/run/rootcast',
  retries: String(defaultRetryPolicy.attempts),
  progressInterval: '2',
  stallTimeout: String(defaultStallSeconds),
  firmware: 'auto',
} as const satisfies Partial<Record<keyof RawRunnerOptions, string>>;

/** One runner option, declared once for the bundle's parseArgs and the CLI's commander alike. */
export type RunnerOptionSpec = OptionSpec<keyof RawRunnerOptions>;

/** The runner's options, in the order --help shows them. */
export const runnerOptionTable: readonly RunnerOptionSpec[] = [
  { flag: 'target', key: 'target', value: 'DIR', help: 'the installed root (its mount point, or / when run chrooted into it)' },
  { flag: 'server', key: 'server', value: 'URL', help: 'rootcast serve\'s URL, e.g. http://10.0.0.1:8780' },
  { flag: 'host', key: 'host', value: 'NAME', help: 'this machine\'s name in the inventory' },
  { flag: 'token', key: 'token', value: 'TOKEN', help: 'the install token (default: $ROOTCAST_TOKEN; prefer the environment or --token-file: argv is world-readable in /proc)' },
  { flag: 'token-file', key: 'tokenFile', value: 'FILE', help: 'read the install token from this file' },
  { flag: 'dry-run', key: 'dryRun', help: 'print the plan (every command it would run) and change nothing' },
  { flag: 'json', key: 'json', help: 'with --dry-run: print the plan as JSON', global: true },
  { flag: 'work-dir', key: 'workDir', value: 'DIR', help: 'where the RAM toolbox is mounted', default: runnerOptionDefaults.workDir },
  { flag: 'retries', key: 'retries', value: 'N', help: 'tries for each network operation, backing off up to 30 s with jitter', default: runnerOptionDefaults.retries },
  { flag: 'bwlimit', key: 'bwlimit', value: 'KIBPS', help: 'limit the image pull\'s bandwidth (KiB/s)' },
  { flag: 'progress-interval', key: 'progressInterval', value: 'S', help: 'seconds between progress events', default: runnerOptionDefaults.progressInterval },
  { flag: 'stall-timeout', key: 'stallTimeout', value: 'S', help: 'kill an image or overrides pull that shows no progress for S seconds and retry it (a server that stopped without closing)', default: runnerOptionDefaults.stallTimeout },
  { flag: 'firmware', key: 'firmware', value: 'KIND', help: 'bios, efi or auto (efi when /sys/firmware/efi exists): which boot loader the bootloader phase installs', default: runnerOptionDefaults.firmware },
  { flag: 'boot-disk', key: 'bootDisk', value: 'DEV', help: 'the disk(s) the BIOS boot loader goes on, comma-separated (default: the disks under the target\'s root file system)' },
  { flag: 'no-bootloader', key: 'noBootloader', help: 'leave initramfs and boot loader as the sync made them (the bootloader phase is skipped)' },
];
