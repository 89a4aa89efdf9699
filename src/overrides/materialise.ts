import { lstat, lutimes, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { Exec } from '../sys/exec.js';
import { runListedCopy, runTopDirectoryCopy } from '../sys/rsync-file-list.js';
import type { MaterialisePlan } from './materialise-plan.js';

/** Seconds with microseconds: what utimes takes (a double cannot hold nanoseconds since 1970). */
const secondsOf = (ns: bigint): number => Number(ns / 1000n) / 1e6;

/** Renames must land in a real directory of the tree, never through a symlink out of it. */
const assertRealDirectory = async (path: string): Promise<void> => {
  const stats = await lstat(path);
  if (!stats.isDirectory()) throw new RootcastError('INTERNAL', `${path} should be a directory of the tree being written, but is not`);
};

/**
 * Runs a materialise plan: the layers' files by rsync (owner, mode, times, ACLs, xattrs, symlinks as
 * symlinks), each template copied the same way and then filled with its rendered text, the image's
 * directory metadata last. The destination must exist; the staging directory is removed in any case.
 */
export const applyMaterialise = async (exec: Exec, plan: MaterialisePlan): Promise<void> => {
  for (const copy of plan.layerCopies) await runListedCopy(exec, copy);
  await mkdir(plan.staging, { mode: 0o700 });
  try {
    for (const copy of plan.templateCopies) await runListedCopy(exec, copy);
    for (const template of plan.templates) {
      // Opened with O_TRUNC, not replaced: the copied inode keeps the template's owner, mode, ACLs and xattrs.
      await writeFile(template.staged, template.text);
      const time = secondsOf(template.mtimeNs);
      await lutimes(template.staged, time, time);
      await assertRealDirectory(dirname(template.target));
      await rename(template.staged, template.target);
    }
  } finally {
    await rm(plan.staging, { recursive: true, force: true });
  }
  if (plan.imageDirs.paths.length > 0) await runListedCopy(exec, plan.imageDirs);
  await runTopDirectoryCopy(exec, plan.imageRoot, plan.destination);
  for (const dir of plan.dirTimes) {
    const time = secondsOf(dir.mtimeNs);
    await lutimes(`${plan.destination}${dir.path}`, time, time);
  }
};
