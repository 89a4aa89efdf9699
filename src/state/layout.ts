import { join } from 'node:path';
import type { HomePaths } from '../home/paths.js';

/** Every path of per-host state: state/hosts/<host>/{record.json, events.jsonl, install/<generation>.json}. */
export interface HostStateLayout {
  hostsDir(): string;
  hostDir(host: string): string;
  /** What the host runs and is installing (HostRecord); written by serve only. */
  recordFile(host: string): string;
  eventLogFile(host: string): string;
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
    eventLogFile: (host) => join(hostDir(host), 'events.jsonl'),
    installDir: (host) => join(hostDir(host), 'install'),
    installFile: (host, generation) => join(hostDir(host), 'install', `${generation}.json`),
  };
};
