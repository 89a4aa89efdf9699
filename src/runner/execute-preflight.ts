import { RootcastError } from '../errors/rootcast-error.js';
import { buildModuleProbeArgs } from '../sys/rsync-pull.js';
import { classifyRsyncExit } from './rsync-exit.js';
import { retryWithBackoff } from './retry-policy.js';
import { cleanEnvironment, type StepRuntime } from './step-runtime.js';
import type { PreflightStep } from './steps.js';
import type { StepResult } from './step-result.js';

/** Fails on the first failed local check, then proves the image is served to us with our token. */
export const executePreflight = async (step: PreflightStep, runtime: StepRuntime): Promise<StepResult> => {
  for (const check of step.checks) {
    runtime.log(`preflight: ${check.ok ? 'ok' : 'FAIL'} ${check.name}: ${check.detail}`);
    if (!check.ok && check.failure !== undefined) {
      throw new RootcastError(check.failure.code, check.failure.message, { hint: check.failure.hint });
    }
  }
  await retryWithBackoff(
    runtime.retry,
    runtime.hooks,
    async () =>
      classifyRsyncExit(
        await runtime.stream({
          command: 'rsync',
          args: buildModuleProbeArgs(step.probe.source, 30),
          env: cleanEnvironment({ RSYNC_PASSWORD: runtime.token }),
        }),
        step.probe.what,
      ),
    (reason) =>
      new RootcastError('UNREACHABLE', `cannot reach the rsync daemon serving the ${step.probe.what} (${reason})`, {
        hint: 'check that rootcast serve runs and its rsync port is reachable from this machine',
      }),
  );
  return { status: 'succeeded', details: { message: step.checks.map((check) => `${check.name}: ${check.detail}`).join('; ') } };
};
