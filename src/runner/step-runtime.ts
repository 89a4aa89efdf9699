import type { HostEnrolment, RunnerPhase } from '../protocol/deploy-protocol.js';
import type { Exec } from '../sys/exec.js';
import type { MountNamespace, NamespaceHolderCommand } from '../sys/mount-namespace.js';
import type { StreamRequest, StreamResult } from '../sys/stream-process.js';
import type { EventDetails } from './events.js';
import type { StartedProbe } from './module-probe.js';
import type { RetryHooks, RetryPolicy } from './retry-policy.js';

/** Everything an executor may use; effects are passed in, never imported, and nothing here changes while steps run. */
export interface StepRuntime {
  exec: Exec;
  stream: (request: StreamRequest) => Promise<StreamResult>;
  /** Starts the namespace holder the plan names (a ram-copy step's `namespace`). */
  enterNamespace: (holder: NamespaceHolderCommand) => Promise<MountNamespace>;
  /** Values for the environment names planned commands ask for (the token among them). */
  environment: Readonly<Record<string, string>>;
  /** The module probe, when it was started before preflight (see runDeploy). */
  startedProbe?: StartedProbe;
  progress: (phase: RunnerPhase, details: EventDetails) => void;
  log: (line: string) => void;
  /** The server's enrolment call (retried inside). */
  enroll: () => Promise<HostEnrolment>;
  /** GET a file from serve (retried inside). */
  fetchText: (url: string) => Promise<string>;
  now: () => Date;
  retry: RetryPolicy;
  hooks: RetryHooks;
  /** Minimum time between two progress events. */
  progressIntervalMs: number;
  monotonicMs: () => number;
}
