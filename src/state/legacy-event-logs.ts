import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HomePaths } from '../home/paths.js';
import { hostStateLayout } from './layout.js';

/** The one event log per host an older rootcast kept (`state/hosts/<host>/events.jsonl`), before logs per install. */
const legacyName = 'events.jsonl';
/** Files named in the warning; the rest are counted. */
const namedFiles = 3;

/** Every legacy event log under the home, sorted. */
export const findLegacyEventLogs = async (paths: HomePaths): Promise<string[]> => {
  const hostsDir = hostStateLayout(paths).hostsDir();
  const hosts = await readdir(hostsDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const found = await Promise.all(hosts.map(async (host) => {
    const file = join(hostsDir, host, legacyName);
    return (await stat(file).catch(() => undefined))?.isFile() === true ? [file] : [];
  }));
  return found.flat().sort();
};

/** What serve says once at start about legacy logs: they are not read, so their events are shown nowhere. */
export const legacyEventLogWarnings = async (paths: HomePaths): Promise<string[]> => {
  const files = await findLegacyEventLogs(paths);
  if (files.length === 0) return [];
  const named = files.slice(0, namedFiles).join(', ');
  const more = files.length > namedFiles ? ` and ${files.length - namedFiles} more` : '';
  return [
    `${files.length === 1 ? 'an event log' : `${files.length} event logs`} of an older rootcast ${files.length === 1 ? 'is' : 'are'} not read: ${named}${more}; ` +
      `their events are not shown by rootcast status, logs or the dashboard (events now go to events/<install>.jsonl beside them); ` +
      `keep a copy if you need the history, then delete them: rm ${join(hostStateLayout(paths).hostsDir(), '*', legacyName)}`,
  ];
};
