import { sha256OfFile } from '../payload/hash-payload.js';
import { pushHost, type PushHostDeps } from './push-host.js';
import type { PushHost, PushSettings, RunnerFiles } from './push-plan.js';
import type { HostPushResult } from './push-result.js';

/** sha256 of a file as push records it (node is ~100 MiB: streamed). */
const fileDigest = async (path: string): Promise<string> => `sha256:${await sha256OfFile(path)}`;

/** serve's node and dist/runner.cjs with their digests, taken once for every host (and for --dry-run's record line). */
export const readRunnerFiles = async (nodePath: string, runnerPath: string): Promise<RunnerFiles> => {
  const [nodeDigest, runnerDigest] = await Promise.all([fileDigest(nodePath), fileDigest(runnerPath)]);
  return { node: { path: nodePath, digest: nodeDigest }, runner: { path: runnerPath, digest: runnerDigest } };
};

/** What each host's push gets, but the runner files as paths: their digests are taken once here. */
export interface PushRunDeps extends Omit<PushHostDeps, 'files'> {
  /** serve's node and dist/runner.cjs, as this machine has them. */
  nodePath: string;
  runnerPath: string;
  onResult: (result: HostPushResult) => void;
}

/** Every host, at most `settings.concurrency` at a time; one host's failure never stops another's push. */
export const runPush = async (hosts: readonly PushHost[], settings: PushSettings, deps: PushRunDeps): Promise<HostPushResult[]> => {
  const files = await readRunnerFiles(deps.nodePath, deps.runnerPath);
  const results: HostPushResult[] = new Array<HostPushResult>(hosts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < hosts.length) {
      const index = next;
      next += 1;
      const host = hosts[index] as PushHost;
      const result = await pushHost(host, settings, { ...deps, files });
      results[index] = result;
      deps.onResult(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, hosts.length) }, worker));
  return results;
};
