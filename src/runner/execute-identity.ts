import { randomBytes } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { newMachineId } from '../identity/machine-id.js';
import { writeFileAtomic } from '../sys/atomic-write.js';
import { withDirTimesKept } from '../sys/dir-times.js';
import { dirname } from 'node:path';
import type { MountNamespace } from '../sys/mount-namespace.js';
import { needsMachineId } from './plan-identity.js';
import { execPlanned } from './run-planned.js';
import type { StepResult } from './step-result.js';
import type { StepRuntime } from './step-runtime.js';
import type { IdentityStep } from './steps.js';

const exists = (path: string): Promise<boolean> => lstat(path).then(() => true, () => false);

/**
 * Binds /proc /sys /dev into the target, gives it a machine id if the installer left none (random, UUID v4
 * bits, written atomically: no program of the target's is needed for it) and host keys if it runs sshd.
 */
export const executeIdentity = async (step: IdentityStep, runtime: StepRuntime, namespace: MountNamespace): Promise<StepResult> => {
  for (const warning of step.warnings) runtime.progress('identity', { message: warning });
  for (const command of step.targetMounts) await execPlanned(runtime, command, namespace);
  const done: string[] = [];
  // A symlink (to a file elsewhere) is the image's business: only a missing or empty file is ours to fill.
  const link = await lstat(step.machineIdFile).then((stats) => stats.isSymbolicLink(), () => false);
  const current = link ? 'symlink' : await readFile(step.machineIdFile, 'utf8').catch(() => undefined);
  if (needsMachineId(current)) {
    await withDirTimesKept([dirname(step.machineIdFile)], () => writeFileAtomic(step.machineIdFile, `${newMachineId((size) => randomBytes(size))}\n`, { mode: 0o444 }));
    done.push('machine id written');
  } else done.push('machine id kept from the installer');
  if (await exists(step.hostKeys.when)) {
    await execPlanned(runtime, step.hostKeys.command, namespace);
    done.push('missing SSH host keys generated');
  } else {
    runtime.log(`identity: ${step.hostKeys.when} does not exist: no SSH host keys needed, not running ssh-keygen -A`);
    done.push('no sshd: no host keys');
  }
  // Progress events may be dropped under load; the phase's last event keeps the warnings too.
  return { status: 'succeeded', details: { message: [...done, ...step.warnings].join('; ') } };
};
