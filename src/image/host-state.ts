import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { imageLayout } from './layout.js';

/** What a host runs, as recorded in state/hosts/<host>.json by deploy/update (only these fields matter here). */
export interface HostDeployment {
  host: string;
  image: string;
  version: number;
}

const isDeployment = (value: unknown): value is HostDeployment => {
  const record = value as Partial<HostDeployment> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.host === 'string' &&
    typeof record.image === 'string' &&
    Number.isSafeInteger(record.version)
  );
};

/** Every host state file; a missing state dir means nothing is deployed. */
export const readHostDeployments = async (paths: HomePaths): Promise<HostDeployment[]> => {
  const dir = imageLayout(paths).hostStateDir();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const deployments: HostDeployment[] = [];
  // Dot files are temp files of atomic writes in progress.
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    const file = join(dir, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new RootcastError('INVALID_DATA', `host state file ${file} is not valid JSON: ${(error as Error).message}`, {
        hint: 'fix or remove it; rootcast cannot tell which image that host runs',
      });
    }
    // A state file of a host that has not been deployed yet carries no image.
    if ((parsed as { image?: unknown } | null)?.image === undefined) continue;
    if (!isDeployment(parsed)) {
      throw new RootcastError('INVALID_DATA', `host state file ${file} lacks host/image/version`, {
        hint: 'fix or remove it; rootcast cannot tell which image that host runs',
      });
    }
    deployments.push(parsed);
  }
  return deployments;
};

/** Hosts per deployed version of one image (version → sorted host names). */
export const deployedVersions = async (paths: HomePaths, image: string): Promise<Map<number, string[]>> => {
  const byVersion = new Map<number, string[]>();
  for (const deployment of await readHostDeployments(paths)) {
    if (deployment.image !== image) continue;
    byVersion.set(deployment.version, [...(byVersion.get(deployment.version) ?? []), deployment.host].sort());
  }
  return byVersion;
};
