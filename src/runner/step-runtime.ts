import type { HostEnrolment, RunnerPhase } from '../protocol/deploy-protocol.js';
import type { Exec, ExecResult } from '../sys/exec.js';
import type { MountNamespace } from '../sys/mount-namespace.js';
import type { StreamRequest, StreamResult } from '../sys/stream-process.js';
import type { EventDetails } from './events.js';
import type { StartedProbe } from './module-probe.js';
import type { RetryHooks, RetryPolicy } from './retry-policy.js';

/** Everything an executor may use; effects are passed in, never imported. */
export interface StepRuntime {
  exec: Exec;
  stream: (request: StreamRequest) => Promise<StreamResult>;
  enterNamespace: () => Promise<MountNamespace>;
  /** The namespace the ram-copy step opened (cleanup closes it). */
  namespace?: MountNamespace;
  /** The module probe, when it was started before preflight (see runDeploy). */
  startedProbe?: StartedProbe;
  progress: (phase: RunnerPhase, details: EventDetails) => void;
  log: (line: string) => void;
  token: string;
  /** The server's enrolment call (retried inside). */
  enroll: () => Promise<HostEnrolment>;
  retry: RetryPolicy;
  hooks: RetryHooks;
  /** Minimum time between two progress events. */
  progressIntervalMs: number;
  monotonicMs: () => number;
}

/** The environment chrooted programs get: nothing of ours leaks in (NODE_OPTIONS, proxies, CA paths). */
export const cleanEnvironment = (extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
  HOME: '/root',
  ...extra,
});

/** Runs a command inside the private mount namespace. */
export const execInNamespace = (runtime: StepRuntime, command: string, args: readonly string[], allowedExitCodes: readonly number[] = [0]): Promise<ExecResult> => {
  const namespace = runtime.namespace;
  if (namespace === undefined) throw new Error(`no mount namespace is open for ${command}`);
  const wrapped = namespace.wrap(command, args);
  runtime.log(`run: ${command} ${args.join(' ')}`);
  return runtime.exec({ command: wrapped.command, args: wrapped.args, env: cleanEnvironment(), cleanEnv: true, allowedExitCodes });
};
