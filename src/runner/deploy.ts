import { randomBytes } from 'node:crypto';
import { mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostCredentialPath, type DeployInstructions, type RunnerEventStatus, type RunnerPhase } from '../protocol/deploy-protocol.js';
import { RootcastError } from '../errors/rootcast-error.js';
import type { Exec } from '../sys/exec.js';
import type { MountNamespace, NamespaceHolderCommand } from '../sys/mount-namespace.js';
import type { StreamRequest, StreamResult } from '../sys/stream-process.js';
import { applyPlan } from './apply-plan.js';
import { createEventReporter } from './event-reporter.js';
import { buildEvent, type EventDetails } from './events.js';
import { lockTarget, removeDeadToolboxes } from './claim-target.js';
import type { FileLock } from '../sys/lock-file.js';
import { gatherLocalFacts, resolveRsyncAddress, type DeployFacts } from './facts.js';
import { startModuleProbe } from './module-probe.js';
import { commandEnvironmentValues } from './command-environment.js';
import { createInstallLog } from './install-log.js';
import type { RunnerOptions } from './options.js';
import { planDeploy, planModuleProbe } from './plan.js';
import { formatDryRun } from './print-plan.js';
import { defaultRetryPolicy } from './retry-policy.js';
import { createServerApi } from './server-api.js';
import type { StepRuntime } from './step-runtime.js';
import type { Step } from './steps.js';

/** The effects a deploy uses; the CLI and the bundle pass real ones, tests may record. */
export interface RunnerEffects {
  exec: Exec;
  stream: (request: StreamRequest) => Promise<StreamResult>;
  enterNamespace: (holder: NamespaceHolderCommand) => Promise<MountNamespace>;
  fetch: typeof fetch;
  now: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  pid: number;
  /** Ends a child we started (an early module probe the deploy no longer needs). @default process.kill */
  kill?: (pid: number) => void;
  /** Jitter for retry delays. @default Math.random */
  random?: () => number;
  /** Names this run in its events and log. @default 8 random hex digits */
  runId?: string;
}

/** Seconds without data before rsync gives up on a dead server. */
const ioTimeoutSeconds = 60;
const eventFlushMs = 10_000;

const checkTargetDirectory = async (target: string): Promise<string> => {
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) {
    throw new RootcastError('NOT_FOUND', `the target ${target} does not exist`, { hint: 'pass the installed root\'s mount point with --target' });
  }
  if (!info.isDirectory()) {
    throw new RootcastError('NOT_FOUND', `the target ${target} is not a directory`, { hint: 'pass the installed root\'s mount point with --target' });
  }
  return realpath(target);
};

const killQuietly = (pid: number): void => {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
};

/** Read (instructions, facts) → plan (pure) → apply (or print for --dry-run). */
export const runDeploy = async (options: RunnerOptions, effects: RunnerEffects): Promise<Step[]> => {
  const target = await checkTargetDirectory(options.target);
  const log = createInstallLog(effects.now);
  const run = effects.runId ?? randomBytes(4).toString('hex');
  const event = (phase: RunnerPhase, status: RunnerEventStatus, details?: EventDetails) => buildEvent(options.host, phase, status, effects.now(), details, run);
  const retry = { ...defaultRetryPolicy, attempts: options.retries, random: effects.random ?? Math.random };
  const hooks = {
    sleep: effects.sleep,
    onRetry: (reason: string, tries: number, delay: number) =>
      effects.stderr.write(`rootcast runner: try ${tries} failed (${reason}); retrying in ${Math.round(delay / 1000)} s\n`),
  };
  const api = createServerApi({ server: options.server, host: options.host, token: options.token, retry, hooks, fetch: effects.fetch });
  const environment = commandEnvironmentValues(options.token);
  const logLine = (line: string): void => log.write(line);
  // The local facts (chiefly the RAM copy's size walk) need nothing from the server: read them while it answers.
  const localFacts = gatherLocalFacts({ target, workDir: options.workDir, runner: { exec: effects.exec, environment, log: logLine }, pid: effects.pid });
  localFacts.catch(() => undefined); // awaited below; its failure must not count as unhandled meanwhile
  let instructions: DeployInstructions;
  let rsyncAddress: string;
  try {
    instructions = await api.fetchInstructions();
    rsyncAddress = await resolveRsyncAddress(instructions.rsync.url);
  } catch (error) {
    await localFacts.catch(() => undefined); // leave no walk running behind a refused deploy
    throw error;
  }
  let reporter: ReturnType<typeof createEventReporter> | undefined;
  // The rsync round trip of the probe overlaps the rest of the local facts; preflight still waits
  // for its verdict before anything is copied. A dry run contacts nothing more.
  const startedProbe = options.dryRun
    ? undefined
    : startModuleProbe(planModuleProbe(instructions, rsyncAddress), { stream: effects.stream, environment, log: logLine, retry, hooks }, effects.kill ?? killQuietly);
  const runtime: StepRuntime = {
    exec: effects.exec,
    stream: effects.stream,
    enterNamespace: effects.enterNamespace,
    environment,
    ...(startedProbe === undefined ? {} : { startedProbe }),
    progress: (phase, details) => reporter?.report(event(phase, 'progress', details)),
    log: logLine,
    enroll: () => api.enroll(),
    fetchText: (url) => api.fetchText(url),
    now: effects.now,
    retry,
    hooks,
    progressIntervalMs: options.progressIntervalSeconds * 1000,
    monotonicMs: () => performance.now(),
  };
  let targetLock: FileLock | undefined;
  try {
    const facts: DeployFacts = { ...(await localFacts), rsyncAddress };
    const steps = planDeploy(instructions, facts, {
      workDir: options.workDir,
      server: options.server,
      ioTimeoutSeconds,
      stallSeconds: options.stallSeconds,
      ...(options.bwlimitKiB === undefined ? {} : { bwlimitKiB: options.bwlimitKiB }),
      boot: {
        enabled: options.bootloader,
        ...(options.firmware === undefined ? {} : { firmware: options.firmware }),
        ...(options.bootDisks === undefined ? {} : { disks: options.bootDisks }),
      },
    });
    if (options.dryRun) {
      effects.stdout.write(options.json
        ? `${JSON.stringify({ instructions, facts, steps }, null, 2)}\n`
        : `${formatDryRun(`deploy ${instructions.ref} onto ${target} (${instructions.host})`, facts, steps)}\n`);
      // A plan that would fail its preflight is reported as that failure, after being shown.
      const failed = steps.flatMap((step) => (step.kind === 'preflight' ? step.checks : [])).find((check) => !check.ok);
      if (failed?.failure !== undefined) throw new RootcastError(failed.failure.code, failed.failure.message, { hint: failed.failure.hint });
      return steps;
    }
    // A usage error the plan found (which disk takes the boot loader) is refused like a bad option: nothing written.
    const usage = steps.flatMap((step) => (step.kind === 'preflight' ? step.checks : [])).find((check) => !check.ok && check.name === 'boot-disk');
    if (usage?.failure !== undefined) throw new RootcastError(usage.failure.code, usage.failure.message, { hint: usage.failure.hint });
    // Only a target that passed the door (server said yes, it is a mount) is claimed and gets the log file.
    if (facts.targetMounted) {
      // Made before the sync (which leaves it alone), so the sync sets /etc's times as the image has them and a re-run changes nothing.
      await mkdir(join(target, dirname(hostCredentialPath)), { recursive: true, mode: 0o755 });
      targetLock = await lockTarget(target);
      log.attach(target);
      await removeDeadToolboxes(options.workDir, effects.pid, (line) => log.write(line));
    }
    log.write(`run ${run}: deploy ${instructions.ref} to ${instructions.host} from ${options.server}`);
    // A failure carries the install log's tail (rsync's stderr, the boot loader's output), not only the events.
    const activeReporter = createEventReporter({ api, log, stderr: effects.stderr, recentLines: () => log.recent() });
    reporter = activeReporter;
    const started = Date.now();
    try {
      await applyPlan(steps, runtime, (phase, status, details) => activeReporter.report(event(phase, status, details)));
      // The last word: serve records the version as deployed and the install token stops working.
      activeReporter.report(event('done', 'succeeded', { message: `${instructions.ref} deployed` }));
      log.write(`deploy of ${instructions.ref} finished in ${Math.round((Date.now() - started) / 1000)} s`);
    } finally {
      await activeReporter.flush(eventFlushMs);
    }
    return steps;
  } finally {
    // Settled by now on success; after an earlier failure it must not keep retrying (or keep node alive).
    startedProbe?.cancel();
    await targetLock?.release();
  }
};
