import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { ensurePrivateHome } from '../home/private-home.js';
import { hostStateLayout } from '../state/layout.js';
import { syncDirectory } from '../sys/atomic-write.js';
import { installGenerationSchema, type InstallGeneration } from './install-generation.js';

/** Generations kept on disk besides the current one (older ones can never be valid again). */
const keptHistory = 4;
/** Two issuers racing for one number: each retry takes the next free one. */
const maxIssueAttempts = 50;

const generationsOnDisk = async (dir: string): Promise<number[]> => {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  return names.flatMap((name) => (/^[1-9]\d*\.json$/.test(name) ? [Number(name.slice(0, -5))] : [])).sort((a, b) => a - b);
};

/** The highest issued generation of `host`, or undefined when no answer file was ever issued. */
export const readCurrentGeneration = async (paths: HomePaths, host: string): Promise<InstallGeneration | undefined> => {
  const layout = hostStateLayout(paths);
  const newest = (await generationsOnDisk(layout.installDir(host))).at(-1);
  if (newest === undefined) return undefined;
  const file = layout.installFile(host, newest);
  const parsed = installGenerationSchema.safeParse(JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as unknown);
  if (!parsed.success || parsed.data.generation !== newest) {
    throw new RootcastError('INVALID_DATA', `install generation file ${file} is damaged`, {
      hint: `remove it and issue a new answer file for ${host} (rootcast kickstart/preseed ${host})`,
    });
  }
  return parsed.data;
};

/**
 * Publishes the next generation with link(): it appears complete or not at all, and two issuers
 * (serve and `rootcast kickstart` at once) can never publish the same number.
 */
export const issueGeneration = async (paths: HomePaths, host: string, make: (generation: number) => InstallGeneration): Promise<InstallGeneration> => {
  const layout = hostStateLayout(paths);
  const dir = layout.installDir(host);
  // Every issuer (serve, kickstart, host reinstall) passes here: an older home's state/ gets tightened too.
  await ensurePrivateHome(paths, { create: ['state'] });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < maxIssueAttempts; attempt += 1) {
    const existing = await generationsOnDisk(dir);
    const record = make((existing.at(-1) ?? 0) + 1);
    const temp = join(dir, `.${record.generation}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    try {
      await link(temp, layout.installFile(host, record.generation));
      await syncDirectory(dir);
      await Promise.all(existing.slice(0, -keptHistory).map((old) => rm(layout.installFile(host, old), { force: true })));
      return record;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(temp, { force: true });
    }
  }
  throw new RootcastError('LOCKED', `could not issue an install token for ${host}: too many concurrent issuers`, { hint: 're-run' });
};
