import { RootcastError } from '../errors/rootcast-error.js';
import type { Exec } from '../sys/exec.js';
import { SubprocessError } from '../sys/exec.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { isVanishedExit, rsyncVanishedExitCode, runPlannedRsync } from '../sys/rsync.js';
import { describeRsyncFailure } from '../sys/rsync-failure.js';
import { parseItemizedChanges, parseMissingListedPaths, parseVanishedPaths, type ItemizedChange } from '../sys/rsync-output.js';
import { addRsyncStats, emptyRsyncStats, parseRsyncStats, type RsyncStats } from '../sys/rsync-stats.js';
import { imagePathOf } from './capture-warnings.js';

export interface TransferOutcome {
  stats: RsyncStats;
  /** Image paths (raw) rsync reported as vanished: listed, then gone on the live golden client before it read them. */
  vanished: Buffer[];
  /** rsync exited 24 (or 23 for vanished files only): files disappeared while it ran, even if no line named one. */
  vanishedExit: boolean;
  /** Image paths it was given on stdin that were gone when it looked them up. */
  missing: Buffer[];
  /** What an itemized transfer changed (or, in a dry run, would change), names as image paths. */
  changes: ItemizedChange[];
}

export interface TransferOptions {
  exec: Exec;
  sourceLabel: string;
  /** The source's root as rsync's sender names it (the --from-dir path, or "/"): stripped from reported paths. */
  sourceRoot: string;
  /** stdin of commands that read their path list from it (`--files-from=-`). */
  filesFrom?: Buffer | undefined;
  signal?: AbortSignal | undefined;
  /** Show the progress of commands that print it (--info=progress2). */
  echo: boolean;
  /** Parse the itemized lines (`--out-format=%i %n`): listings and re-pulls. @default false */
  itemized?: boolean;
}

/** Maps anything a transfer throws to an error a user can act on. */
export const describeTransferError = (error: unknown, sourceLabel: string): unknown => {
  if (error instanceof SubprocessError) return describeRsyncFailure(error, sourceLabel);
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC') {
    return new RootcastError('NO_SPACE', 'the image store ran out of disk space during the capture', {
      hint: 'free space where --home lives (or move --home to a larger disk), then re-run',
      cause: error,
    });
  }
  return error;
};

export const emptyTransferOutcome: TransferOutcome = { stats: emptyRsyncStats, vanished: [], vanishedExit: false, missing: [], changes: [] };

export const mergeOutcomes = (a: TransferOutcome, b: TransferOutcome): TransferOutcome => ({
  stats: addRsyncStats(a.stats, b.stats),
  vanished: [...a.vanished, ...b.vanished],
  vanishedExit: a.vanishedExit || b.vanishedExit,
  missing: [...a.missing, ...b.missing],
  changes: [...a.changes, ...b.changes],
});

/** Runs planned rsync commands one after another, adding up their --stats and the paths they report. */
export const runTransfers = async (commands: readonly PlannedCommand[], options: TransferOptions): Promise<TransferOutcome> => {
  let outcome = emptyTransferOutcome;
  for (const command of commands) {
    try {
      const input = command.stdin === undefined ? undefined : (options.filesFrom ?? Buffer.alloc(0));
      const result = await runPlannedRsync(options.exec, command, { echo: options.echo && command.args.includes('--info=progress2'), signal: options.signal, input });
      // Itemized names are relative to the destination, which mirrors the source root ("etc/x" → "/etc/x").
      const itemized = options.itemized === true ? parseItemizedChanges(result.stdout) : [];
      const senderPaths = (paths: Buffer[]): Buffer[] => paths.map((path) => imagePathOf(options.sourceRoot, path));
      const vanished = senderPaths(parseVanishedPaths(result.stderr));
      const missing = input === undefined ? [] : senderPaths(parseMissingListedPaths(result.stderr));
      // An exit 23 for listed paths alone says nothing more than `missing` does.
      const onlyMissing = result.exitCode !== rsyncVanishedExitCode && vanished.length === 0 && missing.length > 0;
      outcome = mergeOutcomes(outcome, {
        stats: parseRsyncStats(result.stdout),
        vanished,
        vanishedExit: isVanishedExit(result.exitCode) && !onlyMissing,
        missing,
        changes: itemized.map((change) => ({ ...change, name: imagePathOf('', change.name) })),
      });
    } catch (error) {
      throw describeTransferError(error, options.sourceLabel);
    }
  }
  return outcome;
};

/**
 * Runs the inspection beside the root pass. A failed inspection stops rsync and is the error
 * reported (it names the known_hosts line, the missing tool...); a failed rsync lets the short
 * inspection finish, so a host-key or auth problem is still reported by the more precise side.
 */
export const runBesideInspection = async <A, B>(
  outer: AbortSignal | undefined,
  inspect: (signal: AbortSignal | undefined) => Promise<A>,
  transfer: (signal: AbortSignal) => Promise<B>,
): Promise<[A, B]> => {
  const inner = new AbortController();
  const onOuterAbort = (): void => inner.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const inspected = inspect(outer).catch((error: unknown) => {
      inner.abort();
      throw error;
    });
    const [inspection, copy] = await Promise.allSettled([inspected, transfer(inner.signal)]);
    if (inspection.status === 'rejected') throw inspection.reason;
    if (copy.status === 'rejected') throw copy.reason;
    return [inspection.value, copy.value];
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
  }
};
