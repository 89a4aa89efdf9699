import { formatBytes } from '../text/format.js';
import { RootcastError } from '../errors/rootcast-error.js';
import { buildDaemonPullArgs } from '../sys/rsync-pull.js';
import { parseRsyncStats } from '../sys/rsync-stats.js';
import { createProgressThrottle, parseProgressLine } from './progress.js';
import { classifyRsyncExit } from './rsync-exit.js';
import { retryWithBackoff } from './retry-policy.js';
import { cleanEnvironment, type StepRuntime } from './step-runtime.js';
import type { StepResult } from './step-result.js';
import type { SyncImageStep } from './steps.js';
import { describeTransportRun } from './torrent-print.js';
import { fetchByTorrent } from './torrent-transport.js';

/** Chroots into the RAM toolbox and pulls the image onto /target; transient failures are retried. */
export const executeSyncImage = async (step: SyncImageStep, runtime: StepRuntime): Promise<StepResult> => {
  const namespace = runtime.namespace;
  if (namespace === undefined) throw new Error('sync-image needs the mount namespace of ram-copy');
  const args = buildDaemonPullArgs({
    source: step.source,
    destination: step.destination,
    protect: step.protect,
    ioTimeoutSeconds: step.ioTimeoutSeconds,
    ...(step.bwlimitKiB === undefined ? {} : { bwlimitKiB: step.bwlimitKiB }),
  });
  // BitTorrent first when planned; the rsync pass below is the exact finish either way.
  const torrent = step.transport?.kind === 'torrent' ? await fetchByTorrent(step.transport.fetch, step.toolbox, runtime) : undefined;
  if (torrent?.kind === 'fallback') runtime.progress('sync-image', { message: `torrent transport not used: ${torrent.reason}; the rsync pass moves the whole image` });
  const wrapped = namespace.wrap('chroot', [step.toolbox, 'rsync', ...args]);
  runtime.log(`run: chroot ${step.toolbox} rsync ${args.join(' ')}`);
  // A failed pass must not wait for the seeding: stop aria2c and the proxy at once.
  const pulled = retryWithBackoff(
    runtime.retry,
    { ...runtime.hooks, onRetry: (reason, tries, delay) => {
      runtime.log(`sync-image: try ${tries} failed (${reason}); retrying in ${delay} ms`);
      runtime.hooks.onRetry?.(reason, tries, delay);
    } },
    async () => {
      const throttle = createProgressThrottle(runtime.progressIntervalMs, runtime.monotonicMs);
      const finished = await runtime.stream({
        command: wrapped.command,
        args: wrapped.args,
        env: cleanEnvironment({ RSYNC_PASSWORD: runtime.token }),
        onStdoutLine: (line) => {
          const progress = parseProgressLine(line);
          if (progress !== undefined && throttle(progress)) runtime.progress('sync-image', progress);
        },
      });
      return classifyRsyncExit(finished, step.what);
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
