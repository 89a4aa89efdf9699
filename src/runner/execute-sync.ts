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
import type { OverridesStep, SyncImageStep } from './steps.js';
import type { PlannedCommand } from '../sys/planned-command.js';

/** One pull from the daemon (the image pass or the overrides pass), streaming progress; transient failures are retried. */
const executePull = async (phase: 'sync-image' | 'overrides', step: { what: string; pull: PlannedCommand }, runtime: StepRuntime, namespace: MountNamespace): Promise<StepResult> => {
  const result = await retryWithBackoff(
    runtime.retry,
    { ...runtime.hooks, onRetry: (reason, tries, delay) => {
      runtime.log(`${phase}: try ${tries} failed (${reason}); retrying in ${delay} ms`);
      runtime.hooks.onRetry?.(reason, tries, delay);
    } },
    async () => {
      const throttle = createProgressThrottle(runtime.progressIntervalMs, runtime.monotonicMs);
      const finished = await streamPlanned(runtime, step.pull, namespace, {
        onStdoutLine: (line) => {
          const progress = parseProgressLine(line);
          if (progress !== undefined && throttle(progress)) runtime.progress(phase, progress);
        },
      });
      return classifyRsyncExit(finished, step.what, step.pull.okExitCodes);
    },
    (reason) =>
      new RootcastError('UNREACHABLE', `the ${step.what} could not be pulled: the connection kept failing (${reason})`, {
        hint: 'check the network and that rootcast serve is running, then re-run; the sync resumes where it stopped',
      }),
  );
  const stats = parseRsyncStats(result.stdout);
  return {
    status: 'succeeded',
    details: {
      percent: 100,
      bytes: stats.transferredSizeBytes,
      message: `${stats.transferredFiles} of ${stats.regularFiles} files transferred (${formatBytes(stats.transferredSizeBytes)} of ${formatBytes(stats.totalSizeBytes)})${result.exitCode === 24 ? '; some source files vanished during the transfer' : ''}`,
    },
  };
};

/** The image pass, chrooted into the RAM toolbox inside the namespace. */
export const executeSyncImage = (step: SyncImageStep, runtime: StepRuntime, namespace: MountNamespace): Promise<StepResult> =>
  executePull('sync-image', step, runtime, namespace);

/** The overrides pass (same daemon, the host's own module), or nothing when serve has no layers for the host. */
export const executeOverrides = async (step: OverridesStep, runtime: StepRuntime, namespace: MountNamespace): Promise<StepResult> =>
  'pull' in step ? executePull('overrides', step, runtime, namespace) : { status: 'skipped', details: { message: step.skipped } };
