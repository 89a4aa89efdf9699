import type { RunnerEventStatus, RunnerPhase } from '../protocol/deploy-protocol.js';
import { describeError } from '../errors/format-error.js';
import { RootcastError } from '../errors/rootcast-error.js';
import type { MountNamespace } from '../sys/mount-namespace.js';
import type { EventDetails } from './events.js';
import { executeCleanup, executeMount, executeRamCopy } from './execute-toolbox.js';
import { executeEnroll } from './execute-enroll.js';
import { executePreflight } from './execute-preflight.js';
import { executeOverrides, executeSyncImage } from './execute-sync.js';
import { executeIdentity } from './execute-identity.js';
import { executeBootloader } from './execute-bootloader.js';
import type { StepResult } from './step-result.js';
import type { StepRuntime } from './step-runtime.js';
import type { CleanupStep, Step, StepOf } from './steps.js';

/**
 * How a step relates to the private namespace, the one value steps hand on: ram-copy opens it,
 * the steps that run commands in it receive it, cleanup ends it, the rest never see it.
 */
type Executor<K extends Step['kind']> =
  | { opens: (step: StepOf<K>, runtime: StepRuntime) => Promise<{ result: StepResult; namespace: MountNamespace }> }
  | { inside: (step: StepOf<K>, runtime: StepRuntime, namespace: MountNamespace) => Promise<StepResult> }
  | { closes: (step: StepOf<K>, runtime: StepRuntime, namespace: MountNamespace | undefined) => Promise<StepResult> }
  | { outside: (step: StepOf<K>, runtime: StepRuntime) => Promise<StepResult> };

/** One executor per step kind (a new kind does not compile without one). */
const executors: { [K in Step['kind']]: Executor<K> } = {
  preflight: { outside: executePreflight },
  'ram-copy': { opens: executeRamCopy },
  mount: { inside: executeMount },
  'sync-image': { inside: executeSyncImage },
  overrides: { inside: executeOverrides },
  identity: { inside: executeIdentity },
  bootloader: { inside: executeBootloader },
  enroll: { outside: executeEnroll },
  cleanup: { closes: executeCleanup },
};

export type ReportPhase = (phase: RunnerPhase, status: RunnerEventStatus, details?: EventDetails) => void;

/**
 * Runs the steps in order, each framed by started/succeeded|skipped|failed events, threading the
 * namespace from the step that opens it to those that use it. Whatever fails, cleanup still runs
 * (mounts would vanish with the namespace anyway; this also frees the RAM now).
 */
export const applyPlan = async (steps: readonly Step[], runtime: StepRuntime, report: ReportPhase): Promise<void> => {
  const cleanup = steps.find((step): step is CleanupStep => step.kind === 'cleanup');
  let namespace: MountNamespace | undefined;
  let cleaned = false;
  // Before the toolbox exists there is nothing to clean up.
  let touched = false;
  const execute = async <K extends Step['kind']>(step: StepOf<K>): Promise<StepResult> => {
    const executor = executors[step.kind] as Executor<K>;
    if ('opens' in executor) {
      const opened = await executor.opens(step, runtime);
      namespace = opened.namespace;
      return opened.result;
    }
    if ('inside' in executor) {
      if (namespace === undefined) throw new RootcastError('INTERNAL', `the ${step.kind} step runs in the private namespace, which no earlier step opened`);
      return executor.inside(step, runtime, namespace);
    }
    if ('closes' in executor) {
      const open = namespace;
      namespace = undefined;
      return executor.closes(step, runtime, open);
    }
    return executor.outside(step, runtime);
  };
  const runOne = async (step: Step): Promise<void> => {
    report(step.kind, 'started');
    try {
      const result = await execute(step);
      report(step.kind, result.status, result.details);
    } catch (error) {
      const printed = describeError(error);
      // Logged first, so the failed event's log lines (the install log's tail) include them.
      for (const detail of printed.details) runtime.log(`${step.kind}: ${detail}`);
      report(step.kind, 'failed', { message: `[${printed.code}] ${printed.message}` });
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
