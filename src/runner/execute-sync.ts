import { formatBytes } from '../text/format.js';
import type { ImageTransfer } from '../protocol/host-event.js';
import { RootcastError } from '../errors/rootcast-error.js';
import type { MountNamespace } from '../sys/mount-namespace.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { parseRsyncStats } from '../sys/rsync-stats.js';
import type { StreamResult } from '../sys/stream-process.js';
import { progressReporter } from './progress.js';
import { chrootTargetDir } from './plan.js';
import { classifyRsyncExit } from './rsync-exit.js';
import { retryWithBackoff } from './retry-policy.js';
import { streamPlanned } from './run-planned.js';
import type { StepRuntime } from './step-runtime.js';
import type { StepResult } from './step-result.js';
import type { OverridesStep, SyncImageStep } from './steps.js';
import { describeTransportRun } from './torrent-print.js';
import { fetchByTorrent } from './torrent-transport.js';

type PullPhase = 'sync-image' | 'overrides';

/** One pull from the daemon (the image pass or the overrides pass), streaming progress; transient failures are retried. */
const pullWithRetries = (phase: PullPhase, step: { what: string; pull: PlannedCommand }, runtime: StepRuntime, namespace: MountNamespace) =>
  retryWithBackoff(
    runtime.retry,
    { ...runtime.hooks, onRetry: (reason, tries, delay) => {
      runtime.log(`${phase}: try ${tries} failed (${reason}); retrying in ${delay} ms`);
      runtime.hooks.onRetry?.(reason, tries, delay);
    } },
    async () => {
      const finished = await streamPlanned(runtime, step.pull, namespace, {
        onStdoutLine: progressReporter(runtime.progressIntervalMs, runtime.monotonicMs, (progress) => runtime.progress(phase, progress)),
      });
      return classifyRsyncExit(finished, step.what, step.pull.okExitCodes, { destination: chrootTargetDir });
    },
    (reason) =>
      new RootcastError('UNREACHABLE', `the ${step.what} could not be pulled: the connection kept failing (${reason})`, {
        hint: 'check the network and that rootcast serve is running, then re-run; the sync resumes where it stopped',
      }),
  );

/** The succeeded result of a pull: what rsync moved, after `prefix` (how the image travelled). */
const pulledResult = (result: Pick<StreamResult, 'stdout' | 'exitCode'>, prefix = ''): StepResult => {
  const stats = parseRsyncStats(result.stdout);
  return {
    status: 'succeeded',
    details: {
      percent: 100,
      bytes: stats.transferredSizeBytes,
      message: `${prefix}${stats.transferredFiles} of ${stats.regularFiles} files transferred (${formatBytes(stats.transferredSizeBytes)} of ${formatBytes(stats.totalSizeBytes)})${result.exitCode === 24 ? '; some source files vanished during the transfer' : ''}`,
    },
  };
};

/** The image pass, chrooted into the RAM toolbox inside the namespace; BitTorrent first when planned. */
export const executeSyncImage = async (step: SyncImageStep, runtime: StepRuntime, namespace: MountNamespace): Promise<StepResult> => {
  // The rsync pass below is the exact finish either way.
  const torrent = step.transport?.kind === 'torrent' ? await fetchByTorrent(step.transport.fetch, runtime, namespace) : undefined;
  if (torrent?.kind === 'fallback') runtime.progress('sync-image', { message: `torrent transport not used: ${torrent.reason}; the rsync pass moves the whole image` });
  const result = await pullWithRetries('sync-image', step, runtime, namespace).catch(async (error: unknown) => {
    // A failed pass must not wait for the seeding: stop aria2c and the proxy at once.
    if (torrent?.kind === 'unpacked') await torrent.finish(true);
    throw error;
  });
  const seeded = torrent?.kind === 'unpacked' ? await torrent.finish(false) : undefined;
  const pulled = pulledResult(result, describeTransportRun(step.transport, torrent, seeded));
  const rsyncBytes = pulled.details.bytes ?? 0;
  const transfer: ImageTransfer = torrent?.kind === 'unpacked'
    ? { transport: 'torrent', serverBytes: torrent.serverBytes + rsyncBytes, peerBytes: torrent.peerBytes }
    : { transport: 'rsync', serverBytes: rsyncBytes, peerBytes: 0 };
  return { ...pulled, details: { ...pulled.details, transfer } };
};

/** The overrides pass (same daemon, the host's own module), or nothing when serve has no layers for the host. */
export const executeOverrides = async (step: OverridesStep, runtime: StepRuntime, namespace: MountNamespace): Promise<StepResult> =>
  'pull' in step ? pulledResult(await pullWithRetries('overrides', step, runtime, namespace)) : { status: 'skipped', details: { message: step.skipped } };
