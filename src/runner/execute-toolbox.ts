import { mkdir, rmdir } from 'node:fs/promises';
import { formatBytes } from '../text/format.js';
import { RootcastError } from '../errors/rootcast-error.js';
import { SubprocessError } from '../sys/exec.js';
import { bindMountArgs, tmpfsMountArgs, unmountTreeArgs } from '../sys/mount.js';
import { buildLocalCopyArgs } from '../sys/rsync-pull.js';
import { parseRsyncStats } from '../sys/rsync-stats.js';
import { execInNamespace, type StepRuntime } from './step-runtime.js';
import type { StepResult } from './step-result.js';
import type { CleanupStep, MountStep, RamCopyStep } from './steps.js';

/** Opens the private mount namespace, mounts the size-limited tmpfs and copies the installed root into it. */
export const executeRamCopy = async (step: RamCopyStep, runtime: StepRuntime): Promise<StepResult> => {
  await mkdir(step.toolbox, { recursive: true, mode: 0o700 });
  runtime.namespace = await runtime.enterNamespace();
  await execInNamespace(runtime, 'mount', tmpfsMountArgs(step.toolbox, step.tmpfsBytes));
  try {
    const copied = await execInNamespace(runtime, 'rsync', buildLocalCopyArgs(step.source, `${step.toolbox}/`, step.excludes, false), [0, 24]);
    const stats = parseRsyncStats(copied.stdout);
    return { status: 'succeeded', details: { bytes: stats.totalSizeBytes, message: `${stats.files} files (${formatBytes(stats.totalSizeBytes)}) in a ${formatBytes(step.tmpfsBytes)} tmpfs` } };
  } catch (error) {
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
export const executeMount = async (step: MountStep, runtime: StepRuntime): Promise<StepResult> => {
  for (const mount of step.mounts) {
    await execInNamespace(runtime, 'mkdir', ['-p', mount.target]);
    await execInNamespace(runtime, 'mount', bindMountArgs(mount.source, mount.target, mount.recursive));
  }
  return { status: 'succeeded', details: { message: `${step.mounts.length} mounts` } };
};

/** Unmounts everything, ends the namespace (the kernel frees the tmpfs) and removes the empty mount point. */
export const executeCleanup = async (step: CleanupStep, runtime: StepRuntime): Promise<StepResult> => {
  const namespace = runtime.namespace;
  if (namespace !== undefined) {
    await execInNamespace(runtime, 'umount', unmountTreeArgs(step.toolbox), [0, 1, 32]);
    await namespace.close();
    runtime.namespace = undefined;
  }
  // rmdir, never rm -r: if anything were still mounted here, this must fail rather than delete through it.
  await rmdir(step.toolbox).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') runtime.log(`cleanup: could not remove ${step.toolbox}: ${error.message}`);
  });
  return { status: 'succeeded', details: { message: 'mounts released' } };
};
