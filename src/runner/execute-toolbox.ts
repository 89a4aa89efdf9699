import { mkdir, rmdir } from 'node:fs/promises';
import { formatBytes } from '../text/format.js';
import { RootcastError } from '../errors/rootcast-error.js';
import { SubprocessError } from '../sys/exec.js';
import type { MountNamespace } from '../sys/mount-namespace.js';
import { formatPlannedCommand } from '../sys/planned-command.js';
import { parseRsyncStats } from '../sys/rsync-stats.js';
import { execPlanned } from './run-planned.js';
import type { StepRuntime } from './step-runtime.js';
import type { StepResult } from './step-result.js';
import type { CleanupStep, MountStep, RamCopyStep } from './steps.js';

/**
 * Opens the private mount namespace (the step's holder command), mounts the size-limited tmpfs and copies the installed root
 * into it. Hands the namespace on to the steps that run in it; if this step fails, it ends the
 * namespace itself (the kernel drops its mounts), as no later step will get it.
 */
export const executeRamCopy = async (step: RamCopyStep, runtime: StepRuntime): Promise<{ result: StepResult; namespace: MountNamespace }> => {
  await mkdir(step.toolbox, { recursive: true, mode: 0o700 });
  runtime.log(`run: ${formatPlannedCommand(step.namespace)}`);
  const namespace = await runtime.enterNamespace(step.namespace);
  try {
    await execPlanned(runtime, step.mountTmpfs, namespace);
    const copied = await execPlanned(runtime, step.copy, namespace);
    const stats = parseRsyncStats(copied.stdout);
    return { namespace, result: { status: 'succeeded', details: { bytes: stats.totalSizeBytes, message: `${stats.files} files (${formatBytes(stats.totalSizeBytes)}) in a ${formatBytes(step.tmpfsBytes)} tmpfs` } } };
  } catch (error) {
    await namespace.close();
    if (error instanceof SubprocessError && /No space left on device|\(28\)/.test(error.stderr)) {
      throw new RootcastError('NO_SPACE', `the installed root did not fit the ${formatBytes(step.tmpfsBytes)} RAM toolbox`, {
        hint: 'the root grew between measuring and copying; re-run (the runner measures again)',
        details: error.details,
      });
    }
    throw error;
  }
};

/** Binds /proc, /sys, /dev recursively and the target's own filesystems one by one under the toolbox. */
export const executeMount = async (step: MountStep, runtime: StepRuntime, namespace: MountNamespace): Promise<StepResult> => {
  for (const command of step.commands) await execPlanned(runtime, command, namespace);
  return { status: 'succeeded', details: { message: `${step.commands.filter((command) => command.program === 'mount').length} mounts` } };
};

/** Unmounts everything, ends the namespace (the kernel frees the tmpfs) and removes the empty mount point. */
export const executeCleanup = async (step: CleanupStep, runtime: StepRuntime, namespace: MountNamespace | undefined): Promise<StepResult> => {
  if (namespace !== undefined) {
    try {
      await execPlanned(runtime, step.unmount, namespace);
    } finally {
      await namespace.close();
    }
  }
  // rmdir, never rm -r: if anything were still mounted here, this must fail rather than delete through it.
  await rmdir(step.toolbox).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') runtime.log(`cleanup: could not remove ${step.toolbox}: ${error.message}`);
  });
  return { status: 'succeeded', details: { message: 'mounts released' } };
};
