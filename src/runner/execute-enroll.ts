import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { symlinkAtomic, writeFileAtomic } from '../sys/atomic-write.js';
import { formatDeployedState, nextDeployedState } from './plan-deployed-state.js';
import type { StepRuntime } from './step-runtime.js';
import type { StepResult } from './step-result.js';
import type { EnrollStep } from './steps.js';

/**
 * Fetches the host credential (same one on a retry) and writes it, root-only, where `rootcast update` will
 * look; installs and enables the first-boot report; then records the delivery in deployed.json, last.
 */
export const executeEnroll = async (step: EnrollStep, runtime: StepRuntime): Promise<StepResult> => {
  const enrolment = await runtime.enroll();
  await mkdir(dirname(step.credentialFile), { recursive: true, mode: 0o755 });
  await writeFileAtomic(step.credentialFile, `${enrolment.credential}\n`, { mode: 0o600 });
  await writeFileAtomic(step.clientFile, `${JSON.stringify({ server: step.server, host: enrolment.host, rsyncUser: enrolment.rsyncUser }, null, 2)}\n`, { mode: 0o644 });
  // Both files first, then the link that enables them: a half-installed report never runs.
  const files = await Promise.all(step.firstBoot.files.map(async (file) => ({ ...file, content: await runtime.fetchText(file.url) })));
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true, mode: 0o755 });
    await writeFileAtomic(file.path, file.content, { mode: file.mode });
  }
  await mkdir(dirname(step.firstBoot.link.path), { recursive: true, mode: 0o755 });
  await symlinkAtomic(step.firstBoot.link.target, step.firstBoot.link.path);
  const previous = await readFile(step.deployedStateFile, 'utf8').catch(() => undefined);
  const next = nextDeployedState(previous, step.host, step.server, { ...step.delivery, at: runtime.now().toISOString() });
  if (next.note !== undefined) runtime.log(`enroll: ${next.note}`);
  await writeFileAtomic(step.deployedStateFile, formatDeployedState(next.state), { mode: 0o644 });
  return { status: 'succeeded', details: { message: `host credential written to ${step.credentialFile}; first-boot report enabled; ${step.delivery.ref} recorded in ${step.deployedStateFile}` } };
};
