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
  /**
   * Seconds without any output (progress, item lines) before the runner kills the pull and retries: rsync's
   * own --timeout misses a server that stopped mid-transfer (measured: a SIGSTOPped daemon hung the pull for
   * over 10 minutes with --timeout=60). @default 90 (defaultStallSeconds)
   */
  stallSeconds?: number;
  /** Limit bandwidth (KiB/s); unset means unlimited. */
  bwlimitKiB?: number;
  /** rsync filter rules after the protected paths, each one `--filter=RULE` argument, in order. @default [] */
  filters?: readonly string[];
  /** `rootcast update` onto a running root (docs/update.md): item lines besides the progress. @default a deploy's pull */
  live?: LivePull;
}

/** How an update's pull differs from a deploy's. */
export interface LivePull {
  /** Only list what would change (`--dry-run`). */
  dryRun: boolean;
  /** `--no-delete`: only add and change. */
  delete: boolean;
}

/** A pull silent for this long has stalled: generous against rsync's quiet phases (a large file list, the deletions). */
export const defaultStallSeconds = 90;

/** rsync's --delay-updates staging directory name (its default partial dir), beside each changed file's place. */
export const delayedUpdatesDir = '.~tmp~';

/** Item lines carry the sender's size first, so a dry run can show each file's size change. */
export const liveOutFormat = '--out-format=%l %i %n';

/**
 * An update's extra options: item lines, and what makes a live update land together: `--delay-updates` (new files
 * wait in `.~tmp~` beside their place and are renamed in at the end) and `--delete-delay` (deletions found during
 * the transfer, done after the renames).
 */
const liveOptions = (live: LivePull | undefined): string[] =>
  live === undefined ? [] : [liveOutFormat, ...(live.dryRun ? [] : ['--delay-updates', ...(live.delete ? ['--delete-delay'] : [])])];

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
export const buildDaemonPullArgs = (pull: DaemonPull): string[] => buildPullArgs(pull, true);

/**
 * The overrides pass (docs/overrides.md): -aHAX --numeric-ids --delete --checksum (a rendered file keeps
 * its template's mtime, so size and time cannot tell a changed var), the same transport options, and
 * the filter rules serve planned; no sparse scan (small files) and no --delete-excluded.
 */
export const buildOverridesPullArgs = (pull: DaemonPull): string[] => buildPullArgs(pull, false);

const buildPullArgs = (pull: DaemonPull, image: boolean): string[] =>
  withOptions(
    buildRsyncArgs({
      sources: [pull.source],
      destination: pull.destination,
      includes: [],
      excludes: [...pull.protect],
      linkDest: [],
      oneFileSystem: false,
      // An update's too: the stall watchdog's sign of life (its item lines only come as each file ends).
      progress: true,
      sparse: image,
      dryRun: pull.live?.dryRun ?? false,
      delete: pull.live?.delete ?? true,
    }),
    [
      ...liveOptions(pull.live),
      ...(image ? [] : ['--checksum']),
      daemonSocketOptions,
      // A deploy's whole-transfer progress needs the whole list first; an update keeps rsync's pipelining
      // (measured on 20k files over the daemon: see docs/update.md), so its percent counts the list found so far.
      ...(pull.live === undefined ? ['--no-inc-recursive'] : []),
      `--timeout=${pull.ioTimeoutSeconds}`,
      `--contimeout=${pull.ioTimeoutSeconds}`,
      ...(pull.bwlimitKiB === undefined ? [] : [`--bwlimit=${pull.bwlimitKiB}`]),
      // After buildRsyncArgs' excludes (the protected paths come first: rsync's first matching rule wins).
      ...(pull.filters ?? []).map((rule) => `--filter=${rule}`),
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

/** Fetches the NUL-separated paths listed in `listFile` (relative to the module) into `destination`: a dry run's `--text` diffs. */
export const buildFetchListedArgs = (source: string, listFile: string, destination: string, ioTimeoutSeconds: number): string[] => [
  '-a', '--from0', `--files-from=${listFile}`, daemonSocketOptions, `--timeout=${ioTimeoutSeconds}`, `--contimeout=${ioTimeoutSeconds}`, '--', source, destination,
];
