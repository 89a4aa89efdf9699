import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../sys/atomic-write.js';
import type { StepRuntime } from './step-runtime.js';
import type { StepResult } from './step-result.js';
import type { EnrollStep } from './steps.js';

/** Fetches the host credential (same one on a retry) and writes it, root-only, where `rootcast update` will look. */
export const executeEnroll = async (step: EnrollStep, runtime: StepRuntime): Promise<StepResult> => {
  const enrolment = await runtime.enroll();
  await mkdir(dirname(step.credentialFile), { recursive: true, mode: 0o755 });
  await writeFileAtomic(step.credentialFile, `${enrolment.credential}\n`, { mode: 0o600 });
  await writeFileAtomic(step.clientFile, `${JSON.stringify({ server: step.server, host: enrolment.host, rsyncUser: enrolment.rsyncUser }, null, 2)}\n`, { mode: 0o644 });
  return { status: 'succeeded', details: { message: `host credential written to ${step.credentialFile}` } };
};
