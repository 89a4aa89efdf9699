import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { Exec } from '../sys/exec.js';
import type { HostOverrides } from './host-overrides.js';
import { applyMaterialise } from './materialise.js';
import { planMaterialise } from './materialise-plan.js';

/** Writes the host's tree into `destination`, an existing empty directory; templates are staged in `staging` (must not exist). */
export const materialiseHostTree = (exec: Exec, overrides: HostOverrides, destination: string, staging: string): Promise<void> =>
  applyMaterialise(exec, planMaterialise(overrides.tree, overrides.layers, overrides.imageRoot, destination, staging));

/** `--out DIR` must be new or an empty directory, in a directory that exists: nothing of the admin's is ever overwritten. */
export const assertUsableOutDir = async (dir: string): Promise<void> => {
  const parent = await lstat(dirname(dir)).catch(() => undefined);
  if (parent?.isDirectory() !== true) {
    throw new RootcastError('USAGE', `--out ${dir}: ${dirname(dir)} is not an existing directory`, { hint: 'create the parent directory first, or choose another --out' });
  }
  const stats = await lstat(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
  if (stats === undefined) return;
  if (!stats.isDirectory() || (await readdir(dir)).length > 0) {
    throw new RootcastError('ALREADY_EXISTS', `--out ${dir} exists and is not an empty directory`, { hint: 'choose a new directory (it is created), or empty this one' });
  }
};

/**
 * Writes the tree next to `dir` and renames it into place (replacing `dir` if it is an empty directory):
 * a failure leaves `dir` as it was. The temporary siblings are private (0700) while they exist.
 */
export const writeHostTreeTo = async (exec: Exec, overrides: HostOverrides, dir: string): Promise<void> => {
  await assertUsableOutDir(dir);
  const suffix = randomBytes(6).toString('hex');
  const temp = join(dirname(dir), `.${basename(dir)}.rootcast-${suffix}`);
  await mkdir(temp, { mode: 0o700 });
  try {
    await materialiseHostTree(exec, overrides, temp, `${temp}.templates`);
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
};
