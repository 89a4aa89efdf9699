import { mkdir, readdir, readFile } from 'node:fs/promises';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { writeFileAtomic } from '../sys/atomic-write.js';
import { emptyHostRecord, hostRecordSchema, type HostRecord } from './host-record.js';
import { hostStateLayout } from './layout.js';

const damaged = (file: string, why: string): RootcastError =>
  new RootcastError('INVALID_DATA', `host record ${file} is damaged: ${why}`, {
    hint: 'fix or remove it; rootcast cannot tell what that host runs (removing it forgets the deployed version and the host credential)',
  });

/** The host's record, or an empty one when it was never deployed. */
export const readHostRecord = async (paths: HomePaths, host: string): Promise<HostRecord> => {
  const file = hostStateLayout(paths).recordFile(host);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyHostRecord(host);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw damaged(file, (error as Error).message);
  }
  const parsed = hostRecordSchema.safeParse(value);
  if (!parsed.success) throw damaged(file, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  if (parsed.data.host !== host) throw damaged(file, `it names host "${parsed.data.host}"`);
  return parsed.data;
};

export const writeHostRecord = async (paths: HomePaths, record: HostRecord): Promise<void> => {
  const layout = hostStateLayout(paths);
  await mkdir(layout.hostDir(record.host), { recursive: true, mode: 0o700 });
  await writeFileAtomic(layout.recordFile(record.host), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
};

/** Every host that has state, sorted (a host may have events or install tokens and no deployment yet). */
export const listHostsWithState = async (paths: HomePaths): Promise<string[]> => {
  const names = await readdir(hostStateLayout(paths).hostsDir(), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) =>
    error.code === 'ENOENT' ? [] : Promise.reject(error),
  );
  return names.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
};

/** Every host's record (hosts with state but no record get an empty one). */
export const readHostRecords = async (paths: HomePaths): Promise<HostRecord[]> =>
  Promise.all((await listHostsWithState(paths)).map((host) => readHostRecord(paths, host)));
