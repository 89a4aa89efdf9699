import { formatBytes } from '../text/format.js';
import { RootcastError } from '../errors/rootcast-error.js';
import type { MountNamespace } from '../sys/mount-namespace.js';
import { parseRsyncStats } from '../sys/rsync-stats.js';
import { createProgressThrottle, parseProgressLine } from './progress.js';
import { classifyRsyncExit } from './rsync-exit.js';
import { retryWithBackoff } from './retry-policy.js';
import { streamPlanned } from './run-planned.js';
import type { StepRuntime } from './step-runtime.js';
import type { StepResult } from './step-result.js';
import type { SyncImageStep } from './steps.js';
import { describeTransportRun } from './torrent-print.js';
import { fetchByTorrent } from './torrent-transport.js';

/** Runs the planned pull (chrooted into the RAM toolbox, inside the namespace); transient failures are retried. */
export const executeSyncImage = async (step: SyncImageStep, runtime: StepRuntime, namespace: MountNamespace): Promise<StepResult> => {
  // BitTorrent first when planned; the rsync pass below is the exact finish either way.
  const torrent = step.transport?.kind === 'torrent' ? await fetchByTorrent(step.transport.fetch, runtime, namespace) : undefined;
  if (torrent?.kind === 'fallback') runtime.progress('sync-image', { message: `torrent transport not used: ${torrent.reason}; the rsync pass moves the whole image` });
  // A failed pass must not wait for the seeding: stop aria2c and the proxy at once.
  const pulled = retryWithBackoff(
    runtime.retry,
    { ...runtime.hooks, onRetry: (reason, tries, delay) => {
      runtime.log(`sync-image: try ${tries} failed (${reason}); retrying in ${delay} ms`);
      runtime.hooks.onRetry?.(reason, tries, delay);
    } },
    async () => {
      const throttle = createProgressThrottle(runtime.progressIntervalMs, runtime.monotonicMs);
      const finished = await streamPlanned(runtime, step.pull, namespace, {
        onStdoutLine: (line) => {
          const progress = parseProgressLine(line);
          if (progress !== undefined && throttle(progress)) runtime.progress('sync-image', progress);
        },
      });
      return classifyRsyncExit(finished, step.what, step.pull.okExitCodes);
    },
    (reason) =>
      new RootcastError('UNREACHABLE', `the ${step.what} could not be pulled: the connection kept failing (${reason})`, {
        hint: 'check the network and that rootcast serve is running, then re-run; the sync resumes where it stopped',
      }),
  );
  const result = await pulled.catch(async (error: unknown) => {
    if (torrent?.kind === 'unpacked') await torrent.finish(true);
    throw error;
  });
  const stats = parseRsyncStats(result.stdout);
  const seeded = torrent?.kind === 'unpacked' ? await torrent.finish(false) : undefined;
  return {
    status: 'succeeded',
    details: {
      percent: 100,
      bytes: stats.transferredSizeBytes,
      message: `${describeTransportRun(step.transport, torrent, seeded)}${stats.transferredFiles} of ${stats.regularFiles} files transferred (${formatBytes(stats.transferredSizeBytes)} of ${formatBytes(stats.totalSizeBytes)})${result.exitCode === 24 ? '; some source files vanished during the transfer' : ''}`,
    },
  };
};
