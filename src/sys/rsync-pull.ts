import { buildRsyncArgs } from './rsync.js';

/** One pull from an rsync daemon module onto a target tree, as plain data. */
export interface DaemonPull {
  /** rsync://user@address:port/module/ */
  source: string;
  destination: string;
  /** rsync-anchored paths the pull must neither write nor delete ("/etc/fstab"). */
  protect: readonly string[];
  /** Seconds without data before rsync gives up (so a dead server cannot hang the deploy). */
  ioTimeoutSeconds: number;
  /** Limit bandwidth (KiB/s); unset means unlimited. */
  bwlimitKiB?: number;
}

/**
 * Client-side TCP_NODELAY: rsync's handshakes are small request/answer writes that Nagle's algorithm
 * holds until the peer's delayed ACK (~40 ms each); measured on loopback, a module listing went from
 * ~175 ms to ~125 ms and a small pull ~35 ms faster. Bulk data fills whole segments either way.
 */
const daemonSocketOptions = '--sockopts=TCP_NODELAY';

/** Inserts options before capture's "--" so the flag set for a faithful copy stays defined once (sys/rsync.ts). */
const withOptions = (base: string[], extra: readonly string[]): string[] => {
  const dashes = base.indexOf('--');
  return [...base.slice(0, dashes), ...extra, ...base.slice(dashes)];
};

/**
 * -aHAXS --numeric-ids --delete (from sys/rsync.ts, without -x) plus: whole-transfer progress (needs the full file
 * list up front, hence --no-inc-recursive: measured, it costs no time here and saves rsync 3.2.7 CPU), timeouts,
 * and protected paths as excludes (rsync never deletes excluded receiver files unless --delete-excluded). Not
 * --whole-file: over a daemon rsync uses its delta algorithm, and -W measured no faster onto a fresh target.
 */
export const buildDaemonPullArgs = (pull: DaemonPull): string[] =>
  withOptions(
    buildRsyncArgs({
      sources: [pull.source],
      destination: pull.destination,
      includes: [],
      excludes: [...pull.protect],
      linkDest: [],
      oneFileSystem: false,
      progress: true,
    }),
    [
      daemonSocketOptions,
      '--no-inc-recursive',
      `--timeout=${pull.ioTimeoutSeconds}`,
      `--contimeout=${pull.ioTimeoutSeconds}`,
      ...(pull.bwlimitKiB === undefined ? [] : [`--bwlimit=${pull.bwlimitKiB}`]),
    ],
  );

/** Lists the module's top directory: proves the daemon is up, the token works and the image exists. */
export const buildModuleProbeArgs = (source: string, ioTimeoutSeconds: number): string[] => [
  '--list-only', daemonSocketOptions, `--timeout=${ioTimeoutSeconds}`, `--contimeout=${ioTimeoutSeconds}`, '--', source,
];

/** A local one-filesystem copy (the RAM toolbox, not sparse: see RsyncTransfer.sparse); `measure` only counts what would be copied. */
export const buildLocalCopyArgs = (source: string, destination: string, excludes: readonly string[], measure: boolean): string[] => {
  const args = buildRsyncArgs({ sources: [source], destination, includes: [], excludes: [...excludes], linkDest: [], sparse: false });
  return measure ? withOptions(args, ['--dry-run']) : args;
};

/** The server's rsync:// URL (its daemon user already in it) with the host replaced by an address resolved outside the chroot. */
export const withDaemonAddress = (url: string, address: string): string => {
  const parsed = new URL(url);
  parsed.hostname = address.includes(':') ? `[${address}]` : address;
  return parsed.toString();
};

/** One pass of `rootcast update` from a daemon module onto a live root (docs/update.md). */
export interface UpdatePass {
  source: string;
  destination: string;
  /** rsync exclude patterns, before the filters (kept paths, built-in and admin excludes, foreign mounts). */
  excludes: readonly string[];
  /** `--filter=RULE` arguments, in order (the instructions' image or overrides filters). */
  filters: readonly string[];
  /** The overrides pass compares by checksum (a rendered file keeps its template's mtime). */
  checksum: boolean;
  /** -S for the image pass; the overrides pass copies as the install's does (-aHAX). */
  sparse: boolean;
  dryRun: boolean;
  /** --no-delete: only add and change. */
  delete: boolean;
  ioTimeoutSeconds: number;
  /** Limit bandwidth (KiB/s); unset means unlimited. */
  bwlimitKiB?: number | undefined;
}

/** Item lines carry the sender's size first, so a dry run can show each file's size change. */
export const updateOutFormat = '--out-format=%l %i %n';

/**
 * The deploy pull's flags plus what makes a live update land together: `--delay-updates` (new files wait in
 * `.~tmp~` beside their place and are renamed in at the end) and `--delete-delay` (deletions after the renames).
 * Both need the whole file list first, which `--no-inc-recursive` already gives.
 */
export const buildUpdatePassArgs = (pass: UpdatePass): string[] =>
  withOptions(
    buildRsyncArgs({
      sources: [pass.source],
      destination: pass.destination,
      includes: [],
      excludes: [...pass.excludes],
      linkDest: [],
      oneFileSystem: false,
      sparse: pass.sparse,
      delete: pass.delete,
      dryRun: pass.dryRun,
    }).filter((arg) => !arg.startsWith('--out-format=')),
    [
      updateOutFormat,
      ...(pass.checksum ? ['--checksum'] : []),
      ...(pass.dryRun ? [] : ['--delay-updates', ...(pass.delete ? ['--delete-delay'] : [])]),
      ...pass.filters.map((rule) => `--filter=${rule}`),
      daemonSocketOptions,
      '--no-inc-recursive',
      `--timeout=${pass.ioTimeoutSeconds}`,
      `--contimeout=${pass.ioTimeoutSeconds}`,
      ...(pass.bwlimitKiB === undefined ? [] : [`--bwlimit=${pass.bwlimitKiB}`]),
    ],
  );
