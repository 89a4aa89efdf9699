import type { RunnerEventStatus, RunnerPhase } from '../protocol/deploy-protocol.js';
import { describeError } from '../errors/format-error.js';
import type { EventDetails } from './events.js';
import { executeCleanup, executeMount, executeRamCopy } from './execute-toolbox.js';
import { executeEnroll } from './execute-enroll.js';
import { executePreflight } from './execute-preflight.js';
import { executeSyncImage } from './execute-sync.js';
import type { StepResult } from './step-result.js';
import type { StepRuntime } from './step-runtime.js';
import type { CleanupStep, Step, StepOf } from './steps.js';

type Executor<K extends Step['kind']> = (step: StepOf<K>, runtime: StepRuntime) => Promise<StepResult>;

/** One executor per step kind (a new kind does not compile without one). */
const executors: { [K in Step['kind']]: Executor<K> } = {
  preflight: executePreflight,
  'ram-copy': executeRamCopy,
  mount: executeMount,
  'sync-image': executeSyncImage,
  overrides: async (step) => ({ status: 'skipped', details: { message: step.reason } }),
  identity: async (step) => ({ status: 'skipped', details: { message: step.reason } }),
  enroll: executeEnroll,
  cleanup: executeCleanup,
};

const executeStep = <K extends Step['kind']>(step: StepOf<K>, runtime: StepRuntime): Promise<StepResult> =>
  (executors[step.kind] as Executor<K>)(step, runtime);

export type ReportPhase = (phase: RunnerPhase, status: RunnerEventStatus, details?: EventDetails) => void;

/**
 * Runs the steps in order, each framed by started/succeeded|skipped|failed events. Whatever fails,
 * cleanup still runs (mounts would vanish with the namespace anyway; this also frees the RAM now).
 */
export const applyPlan = async (steps: readonly Step[], runtime: StepRuntime, report: ReportPhase): Promise<void> => {
  const cleanup = steps.find((step): step is CleanupStep => step.kind === 'cleanup');
  let cleaned = false;
  // Before the toolbox exists there is nothing to clean up.
  let touched = false;
  const runOne = async (step: Step): Promise<void> => {
    report(step.kind, 'started');
    try {
      const result = await executeStep(step, runtime);
      report(step.kind, result.status, result.details);
    } catch (error) {
      const printed = describeError(error);
      report(step.kind, 'failed', { message: `[${printed.code}] ${printed.message}` });
      for (const detail of printed.details) runtime.log(`${step.kind}: ${detail}`);
      throw error;
    }
  };
  try {
    for (const step of steps) {
      if (step.kind === 'cleanup') cleaned = true;
      if (step.kind !== 'preflight') touched = true;
      await runOne(step);
    }
  } finally {
    if (touched && !cleaned && cleanup !== undefined) {
      cleaned = true;
      await runOne(cleanup).catch(() => undefined); // the first failure is the one to report
    }
  }
};
