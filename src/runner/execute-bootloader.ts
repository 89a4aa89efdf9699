import { RootcastError } from '../errors/rootcast-error.js';
import { SubprocessError } from '../sys/exec.js';
import type { MountNamespace } from '../sys/mount-namespace.js';
import { formatPlannedCommand } from '../sys/planned-command.js';
import { execPlanned } from './run-planned.js';
import type { StepResult } from './step-result.js';
import type { StepRuntime } from './step-runtime.js';
import type { BootloaderStep } from './steps.js';

/** Lines of a failing command's output the failed event carries (its message; the whole output is in the log). */
const outputTailLines = 20;

/** Runs initramfs, boot loader and relabel commands chrooted into the target; the first failure fails the deploy with its output. */
export const executeBootloader = async (step: BootloaderStep, runtime: StepRuntime, namespace: MountNamespace): Promise<StepResult> => {
  if (!('commands' in step)) return { status: 'skipped', details: { message: step.skipped } };
  for (const command of step.commands) {
    try {
      await execPlanned(runtime, command, namespace);
    } catch (error) {
      if (!(error instanceof SubprocessError)) throw error;
      const output = error.stderr.trimEnd().split('\n').filter(Boolean);
      for (const line of output) runtime.log(`bootloader: ${line}`);
      const tail = output.slice(-outputTailLines);
      throw new RootcastError('SUBPROCESS_FAILED', `${formatPlannedCommand(command)} failed in the target with exit code ${error.exitCode}${tail.length === 0 ? '' : `:\n${tail.join('\n')}`}`, {
        hint: 'the target has the image but may not boot: fix the cause (the output above) and re-run the runner, or install the boot loader by hand',
      });
    }
  }
  const where = step.firmware === 'efi' ? 'UEFI' : `BIOS on ${step.disks.join(', ')}`;
  return { status: 'succeeded', details: { message: `initramfs and boot loader (${where}): ${step.commands.length} commands` } };
};
