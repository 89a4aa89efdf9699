import { RootcastError } from '../errors/rootcast-error.js';
import { formatPlannedCommand } from '../sys/planned-command.js';
import { probeModule } from './module-probe.js';
import type { StepRuntime } from './step-runtime.js';
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
  // The probe may already be under way (started with the fact gathering); either way nothing is copied before it succeeds.
  const early = runtime.startedProbe;
  if (early !== undefined && formatPlannedCommand(early.probe.command) === formatPlannedCommand(step.probe)) await early.settled;
  else await probeModule({ command: step.probe, what: step.what }, runtime);
  return { status: 'succeeded', details: { message: step.checks.map((check) => `${check.name}: ${check.detail}`).join('; ') } };
};
