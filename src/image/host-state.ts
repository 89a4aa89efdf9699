import type { HomePaths } from '../home/paths.js';
import { versionsHeldBy } from '../state/host-record.js';
import { readHostRecords } from '../state/host-record-store.js';

/** Hosts per version of one image that they run or are being given (version → sorted host names). */
export const deployedVersions = async (paths: HomePaths, image: string): Promise<Map<number, string[]>> => {
  const byVersion = new Map<number, string[]>();
  for (const record of await readHostRecords(paths)) {
    for (const held of versionsHeldBy(record)) {
      if (held.image !== image) continue;
      const hosts = byVersion.get(held.version) ?? [];
      if (!hosts.includes(record.host)) byVersion.set(held.version, [...hosts, record.host].sort());
    }
  }
  return byVersion;
};
