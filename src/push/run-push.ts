import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { OpenSsh, SshCredentials } from '../sys/ssh-session.js';
import { pushHost } from './push-host.js';
import type { PushHost, PushSettings, RunnerFiles } from './push-plan.js';
import type { HostPushResult, PushStage } from './push-result.js';

/** sha256 of a file, streamed (node is ~100 MiB). */
export const fileDigest = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (chunk) => hash.update(chunk)).on('error', reject).on('end', () => resolve(`sha256:${hash.digest('hex')}`));
  });

export interface PushRunDeps {
  openSsh: OpenSsh;
  credentials: SshCredentials;
  knownHostsFile: string;
  /** serve's node and dist/runner.cjs, as this machine has them. */
  nodePath: string;
  runnerPath: string;
  monotonicMs: () => number;
  onStage: (host: string, stage: PushStage) => void;
  onResult: (result: HostPushResult) => void;
}

/** Every host, at most `settings.concurrency` at a time; one host's failure never stops another's push. */
export const runPush = async (hosts: readonly PushHost[], settings: PushSettings, deps: PushRunDeps): Promise<HostPushResult[]> => {
  const [nodeDigest, runnerDigest] = await Promise.all([fileDigest(deps.nodePath), fileDigest(deps.runnerPath)]);
  const files: RunnerFiles = { node: { path: deps.nodePath, digest: nodeDigest }, runner: { path: deps.runnerPath, digest: runnerDigest } };
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
