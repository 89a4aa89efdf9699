import type { InstallGeneration } from '../credentials/install-generation.js';
import { readCurrentGeneration } from '../credentials/install-generation-store.js';
import { issueInstallToken, type IssuedInstallToken } from '../credentials/issue-token.js';
import type { HomePaths } from '../home/paths.js';
import type { HostRecord } from '../state/host-record.js';
import { readHostRecord, writeHostRecord } from '../state/host-record-store.js';

/** serve's view of per-host state: read fresh on every request (the CLI issues tokens too), written one change at a time. */
export interface HostStateAccess {
  currentGeneration(host: string): Promise<InstallGeneration | undefined>;
  record(host: string): Promise<HostRecord>;
  /** Read, change, write atomically; changes to one host run one after another. */
  updateRecord(host: string, change: (record: HostRecord) => HostRecord): Promise<HostRecord>;
  issueInstallToken(host: string, issuedBy: string, lifetimeMs: number): Promise<IssuedInstallToken>;
}

export const openHostState = (paths: HomePaths, secret: Buffer, now: () => Date): HostStateAccess => {
  const queues = new Map<string, Promise<unknown>>();
  return {
    currentGeneration: (host) => readCurrentGeneration(paths, host),
    record: (host) => readHostRecord(paths, host),
    updateRecord: (host, change) => {
      const run = (queues.get(host) ?? Promise.resolve())
        .catch(() => undefined)
        .then(async () => {
          const next = change(await readHostRecord(paths, host));
          await writeHostRecord(paths, next);
          return next;
        });
      queues.set(host, run);
      return run;
    },
    issueInstallToken: (host, issuedBy, lifetimeMs) => issueInstallToken(paths, host, { now: now(), lifetimeMs, issuedBy }, secret),
  };
};
