import { RootcastError } from '../errors/rootcast-error.js';
import type { ModuleProbe } from './plan.js';
import { classifyRsyncExit } from './rsync-exit.js';
import { retryWithBackoff, type RetryHooks, type RetryPolicy } from './retry-policy.js';
import { streamPlanned, type PlannedRunner } from './run-planned.js';

/** What the probe uses: a slice of the step runtime, so preflight and the early start share one code path. */
export interface ProbeRuntime extends Pick<PlannedRunner, 'stream' | 'environment' | 'log'> {
  retry: RetryPolicy;
  hooks: RetryHooks;
}

/** A probe started before its preflight step, so the rsync round trip overlaps the local fact gathering. */
export interface StartedProbe {
  probe: ModuleProbe;
  /** Settles when the probe has succeeded or failed for good; preflight awaits it before anything is copied. */
  settled: Promise<void>;
  /** Stops retrying and ends a running probe (the deploy failed before preflight needed the answer). */
  cancel(): void;
}

/** Lists the image module over rsync with our token: proves the daemon, the token and the version (retried). */
export const probeModule = (probe: ModuleProbe, runtime: ProbeRuntime, hooks: RetryHooks = runtime.hooks, onSpawn?: (pid: number) => void): Promise<void> =>
  retryWithBackoff(
    runtime.retry,
    hooks,
    async () => classifyRsyncExit(await streamPlanned(runtime, probe.command, undefined, onSpawn === undefined ? {} : { onSpawn }), probe.what, probe.command.okExitCodes),
    (reason) =>
      new RootcastError('UNREACHABLE', `cannot reach the rsync daemon serving the ${probe.what} (${reason})`, {
        hint: 'check that rootcast serve runs and its rsync port is reachable from this machine',
      }),
  ).then(() => undefined);

/** Starts `probeModule` now; `kill` ends a running rsync (only src/sys spawns, but anyone may signal). */
export const startModuleProbe = (probe: ModuleProbe, runtime: ProbeRuntime, kill: (pid: number) => void): StartedProbe => {
  let cancelled = false;
  let running: number | undefined;
  const abort = new AbortController();
  const hooks: RetryHooks = {
    sleep: (ms) => runtime.hooks.sleep(ms, abort.signal),
    onRetry: (...args) => {
      if (!cancelled) runtime.hooks.onRetry?.(...args);
    },
  };
  const guarded: ProbeRuntime = {
    ...runtime,
    stream: async (request) => {
      if (cancelled) throw new RootcastError('INTERRUPTED', `the probe of the ${probe.what} was cancelled`);
      try {
        return await runtime.stream(request);
      } finally {
        running = undefined;
      }
    },
  };
  const settled = probeModule(probe, guarded, hooks, (pid) => (running = pid));
  // Awaited by preflight; a failure that nobody awaits (the deploy failed first) must not crash node.
  settled.catch(() => undefined);
  return {
    probe,
    settled,
    cancel: () => {
      cancelled = true;
      abort.abort();
      if (running !== undefined) kill(running);
    },
  };
};
