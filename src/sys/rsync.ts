import { maxKeptChars } from './bounded-text.js';
import { SubprocessError, type Exec, type ExecResult } from './exec.js';
import { buildSpawnRequest, type PlannedCommand } from './planned-command.js';
import { reportsOnlyVanishedFiles } from './rsync-output.js';
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
   * Print one line per changed item on stdout, `--itemize-changes` without the ` -> target` / ` => name`
   * suffix (`--out-format=%i %n`), so a name is never ambiguous; implied by dryRun. @default false
   */
  itemize?: boolean;
  /** Delete destination files the source does not have. @default true */
  delete?: boolean;
  /** Copy only the NUL-separated paths (relative to the one source) given on stdin: `--files-from=- --from0`. @default false */
  filesFromStdin?: boolean;
  /** With filesFromStdin: descend into listed directories (-r, which -a does not imply there). @default false */
  recursive?: boolean;
  /**
   * Compare mtimes to the nanosecond (`--modify-window=-1`), so a same-size rewrite within the same second
   * is not taken for unchanged. Only where the destination keeps nanoseconds, else every file differs. @default false
   */
  nanosecondMtimes?: boolean;
  /**
   * Write runs of zeros as holes (-S). Scanning every block costs ~25% of a local copy, so the RAM
   * toolbox, sized by apparent size anyway, does without. @default true
   */
  sparse?: boolean;
}

/** What --itemize-changes prints, minus the link target: see parseItemizedChanges. */
const itemizeFormat = '%i %n';

/** rsync accepts at most this many --link-dest directories. */
export const maxLinkDest = 20;

/**
 * Everything that makes a faithful copy: hard links, ACLs, xattrs, sparse files, numeric owners,
 * devices/specials (-a), never crossing into another filesystem (-x keeps mount points as empty dirs).
 */
export const buildRsyncArgs = (transfer: RsyncTransfer): string[] => [
  transfer.sparse === false ? '-aHAX' : '-aHAXS',
  '--numeric-ids',
  ...(transfer.delete === false ? [] : ['--delete']),
  ...(transfer.oneFileSystem === false ? [] : ['-x']),
  ...(transfer.relative === true ? ['--relative'] : []),
  '--stats',
  ...(transfer.progress === true ? ['--info=progress2'] : []),
  ...(transfer.nanosecondMtimes === true ? ['--modify-window=-1'] : []),
  ...(transfer.dryRun === true ? ['--dry-run'] : []),
  ...(transfer.dryRun === true || transfer.itemize === true ? [`--out-format=${itemizeFormat}`] : []),
  ...(transfer.filesFromStdin === true ? ['--files-from=-', '--from0', ...(transfer.recursive === true ? ['-r'] : [])] : []),
  ...transfer.linkDest.slice(0, maxLinkDest).map((dir) => `--link-dest=${dir}`),
  ...transfer.includes.map((pattern) => `--include=${pattern}`),
  ...transfer.excludes.map((pattern) => `--exclude=${pattern}`),
  ...(transfer.remoteShell === undefined ? [] : ['-e', formatRsyncShellCommand(transfer.remoteShell)]),
  '--',
  ...transfer.sources,
  transfer.destination,
];

export interface RsyncRunOptions {
  signal?: AbortSignal | undefined;
  /** rsync's stdin: the path list of a `filesFromStdin` transfer (a listed path gone by now counts as vanished). */
  input?: Buffer | undefined;
  /** Echo rsync's stdout (progress) to our stderr. @default false */
  echo?: boolean;
}

/** rsync exit 24: files vanished on a live system while it ran; the copy is still consistent enough to keep. */
export const rsyncVanishedExitCode = 24;

/** rsync exit 23 ("some files/attrs were not transferred"): also what a file vanishing between its listing and its ACL read gives. */
export const rsyncPartialExitCode = 23;

/** After runRsync, an exit that means files vanished: 24, or 23 when every error was a vanished file. */
export const isVanishedExit = (exitCode: number): boolean => exitCode === rsyncVanishedExitCode || exitCode === rsyncPartialExitCode;

/** rsync's messages are parsed (vanished files, stats, failures): they must be the C locale's. */
export const rsyncEnvironment: Readonly<Record<string, string>> = { LC_ALL: 'C' };

/**
 * One transfer as the command that runs it, here: with our own environment (its ssh needs the agent socket
 * and what ssh_config names) plus LC_ALL. Exit 23 counts only when every error is a vanished file (runPlannedRsync).
 */
export const planRsyncCommand = (transfer: RsyncTransfer, stdin?: string): PlannedCommand => ({
  program: 'rsync',
  args: buildRsyncArgs(transfer),
  env: Object.keys(rsyncEnvironment),
  inheritEnv: true,
  where: 'here',
  okExitCodes: [0, rsyncVanishedExitCode, rsyncPartialExitCode],
  ...(transfer.filesFromStdin === true ? { stdin: stdin ?? 'the paths to copy, NUL-separated' } : {}),
});

/**
 * Runs one planned rsync; the caller maps failures (SubprocessError) with `describeRsyncFailure`. Exit 23 is a
 * failure unless every stderr line is about a vanished file (and none was dropped from the kept tail).
 */
export const runPlannedRsync = async (exec: Exec, command: PlannedCommand, options: RsyncRunOptions = {}): Promise<ExecResult> => {
  const result = await exec({
    ...buildSpawnRequest(command, { values: rsyncEnvironment }),
    allowedExitCodes: command.okExitCodes,
    ...(options.echo === true ? { echoStdout: true } : {}),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  const onlyVanished = result.stderr.length < maxKeptChars && reportsOnlyVanishedFiles(result.stderr, { listedPaths: options.input !== undefined });
  if (result.exitCode === rsyncPartialExitCode && !onlyVanished) throw new SubprocessError(result);
  return result;
};

/** Plans and runs one transfer (image cp and other one-shot copies). */
export const runRsync = (exec: Exec, transfer: RsyncTransfer, options: RsyncRunOptions = {}): Promise<ExecResult> =>
  runPlannedRsync(exec, planRsyncCommand(transfer), options);
