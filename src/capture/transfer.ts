import { RootcastError } from '../errors/rootcast-error.js';
import type { Exec } from '../sys/exec.js';
import { SubprocessError } from '../sys/exec.js';
import { runRsync, rsyncVanishedExitCode, type RsyncTransfer } from '../sys/rsync.js';
import { describeRsyncFailure } from '../sys/rsync-failure.js';
import { addRsyncStats, emptyRsyncStats, parseRsyncStats, type RsyncStats } from '../sys/rsync-stats.js';

export interface TransferOutcome {
  stats: RsyncStats;
  /** rsync exit 24: files disappeared on the live golden client while it ran. */
  vanished: boolean;
}

export interface TransferOptions {
  exec: Exec;
  sourceLabel: string;
  signal?: AbortSignal | undefined;
  echo: boolean;
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

/** Runs transfers one after another and adds up their --stats. */
export const runTransfers = async (transfers: readonly RsyncTransfer[], options: TransferOptions): Promise<TransferOutcome> => {
  let stats = emptyRsyncStats;
  let vanished = false;
  for (const transfer of transfers) {
    try {
      const result = await runRsync(options.exec, transfer, { echo: options.echo, signal: options.signal });
      stats = addRsyncStats(stats, parseRsyncStats(result.stdout));
      vanished ||= result.exitCode === rsyncVanishedExitCode;
    } catch (error) {
      throw describeTransferError(error, options.sourceLabel);
    }
  }
  return { stats, vanished };
};

export const mergeOutcomes = (a: TransferOutcome, b: TransferOutcome): TransferOutcome => ({
  stats: addRsyncStats(a.stats, b.stats),
  vanished: a.vanished || b.vanished,
});

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
