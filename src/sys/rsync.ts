import type { Exec, ExecResult } from './exec.js';
import { buildDieWithParentCommand } from './die-with-parent.js';
import { formatRsyncShellCommand } from './ssh-options.js';

/** One rsync run, as plain data (printed by --dry-run, asserted by unit tests). */
export interface RsyncTransfer {
  /** `user@host:/path` or a local path; a trailing "/" copies the directory's contents. */
  sources: string[];
  destination: string;
  /** Patterns re-included before the excludes apply (first matching rule wins in rsync). */
  includes: string[];
  excludes: string[];
  /** Absolute directories whose identical files are hard-linked instead of copied (at most 20). */
  linkDest: string[];
  /** argv of the remote shell (`-e`), for SSH sources. */
  remoteShell?: string[];
  /** Keep source paths below the transfer root (`-R`), used for extra mounted filesystems. @default false */
  relative?: boolean;
  /**
   * Stay on the source's filesystem (-x): capture keeps mount points as empty dirs. A deploy must not set
   * it: on the receiving side -x stops --delete at the target's own filesystems (/boot, /var).
   * @default true
   */
  oneFileSystem?: boolean;
  /** Show --info=progress2 (only on a terminal). @default false */
  progress?: boolean;
  /** List what would change without changing anything. @default false */
  dryRun?: boolean;
  /**
   * Write runs of zeros as holes (-S). Scanning every block costs ~25% of a local copy, so the RAM
   * toolbox, sized by apparent size anyway, does without. @default true
   */
  sparse?: boolean;
}

/** rsync accepts at most this many --link-dest directories. */
export const maxLinkDest = 20;

/**
 * Everything that makes a faithful copy: hard links, ACLs, xattrs, sparse files, numeric owners,
 * devices/specials (-a), never crossing into another filesystem (-x keeps mount points as empty dirs).
 */
export const buildRsyncArgs = (transfer: RsyncTransfer): string[] => [
  transfer.sparse === false ? '-aHAX' : '-aHAXS',
  '--numeric-ids',
  '--delete',
  ...(transfer.oneFileSystem === false ? [] : ['-x']),
  ...(transfer.relative === true ? ['--relative'] : []),
  '--stats',
  ...(transfer.progress === true ? ['--info=progress2'] : []),
  ...(transfer.dryRun === true ? ['--dry-run', '--itemize-changes'] : []),
  ...transfer.linkDest.slice(0, maxLinkDest).map((dir) => `--link-dest=${dir}`),
  ...transfer.includes.map((pattern) => `--include=${pattern}`),
  ...transfer.excludes.map((pattern) => `--exclude=${pattern}`),
  ...(transfer.remoteShell === undefined ? [] : ['-e', formatRsyncShellCommand(transfer.remoteShell)]),
  '--',
  ...transfer.sources,
  transfer.destination,
];

export interface RsyncRunOptions {
  signal?: AbortSignal;
  /** Echo rsync's stdout (progress) to our stderr. @default false */
  echo?: boolean;
}

/** rsync exit 24: files vanished on a live system while it ran; the copy is still consistent enough to keep. */
export const rsyncVanishedExitCode = 24;

/** Runs one transfer; the caller maps failures (SubprocessError) with `describeRsyncFailure`. */
export const runRsync = (exec: Exec, transfer: RsyncTransfer, options: RsyncRunOptions = {}): Promise<ExecResult> =>
  exec({
    ...buildDieWithParentCommand('rsync', buildRsyncArgs(transfer)),
    env: { LC_ALL: 'C' },
    allowedExitCodes: [0, rsyncVanishedExitCode],
    ...(options.echo === true ? { echoStdout: true } : {}),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
