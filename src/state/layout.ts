import { join } from 'node:path';
import type { HomePaths } from '../home/paths.js';

/** Every path of per-host state: state/hosts/<host>/{record.json, status.json, events/<install>.jsonl, install/<generation>.json}. */
export interface HostStateLayout {
  hostsDir(): string;
  hostDir(host: string): string;
  /** What the host runs and is installing (HostRecord); written by serve only. */
  recordFile(host: string): string;
  /** The host's current state as its events tell it (HostStatus), a checkpoint of its event log; written by serve only. */
  statusFile(host: string): string;
  /** One append-only event log per install (the newest few are kept). */
  eventsDir(host: string): string;
  eventSegmentFile(host: string, install: number): string;
  /** One file per issued install token generation, created exclusively (the highest is the current one). */
  installDir(host: string): string;
  installFile(host: string, generation: number): string;
}

export const hostStateLayout = (paths: HomePaths): HostStateLayout => {
  const hostsDir = join(paths.stateDir, 'hosts');
  const hostDir = (host: string): string => join(hostsDir, host);
  return {
    hostsDir: () => hostsDir,
    hostDir,
    recordFile: (host) => join(hostDir(host), 'record.json'),
    statusFile: (host) => join(hostDir(host), 'status.json'),
    eventsDir: (host) => join(hostDir(host), 'events'),
    eventSegmentFile: (host, install) => join(hostDir(host), 'events', `${install}.jsonl`),
    installDir: (host) => join(hostDir(host), 'install'),
    installFile: (host, generation) => join(hostDir(host), 'install', `${generation}.json`),
  };
};
