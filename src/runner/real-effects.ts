import { execProcess } from '../sys/exec.js';
import { enterPrivateMountNamespace } from '../sys/mount-namespace.js';
import { streamProcess } from '../sys/stream-process.js';
import type { RunnerEffects } from './deploy.js';
import { sleepUnlessAborted } from './retry-policy.js';

/** The effects of a real deploy (the bundle's main and `rootcast runner`); tests pass their own. */
export const realRunnerEffects = (): RunnerEffects => ({
  exec: execProcess,
  stream: streamProcess,
  enterNamespace: (holder) => enterPrivateMountNamespace(holder),
  fetch: globalThis.fetch,
  now: () => new Date(),
  sleep: sleepUnlessAborted,
  stdout: process.stdout,
  stderr: process.stderr,
  pid: process.pid,
});
