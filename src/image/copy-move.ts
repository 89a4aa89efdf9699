import { lstat, rename } from 'node:fs/promises';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { syncDirectory } from '../sys/atomic-write.js';
import type { Exec } from '../sys/exec.js';
import { runRsync } from '../sys/rsync.js';
import { readVersionHolders } from './host-state.js';
import { holderReasons, holdingHosts } from './version-holders.js';
import { imageLayout } from './layout.js';
import { withImageLocks } from './lock.js';
import type { ImageManifest } from './manifest.js';
import { assertImageName } from './name.js';
import { parseImageRef } from './ref.js';
import { abortStaging, beginStaging, commitStaging, removeEmptyImageDir } from './staging.js';
import { listVersions, readManifest, resolveParsedRef, type ResolvedVersion } from './versions.js';

export interface CopyPlan {
  from: string;
  to: string;
  image: string;
}

export interface MovePlan {
  from: string;
  to: string;
  versions: number[];
  /** Hosts whose state still names the old image (only with --force). */
  orphanedHosts: string[];
}

const imageDirExists = (paths: HomePaths, image: string): Promise<boolean> =>
  lstat(imageLayout(paths).imageDir(image)).then(() => true, () => false);

const alreadyExists = (image: string, versions: readonly number[]): RootcastError =>
  new RootcastError('ALREADY_EXISTS', `image "${image}" already exists${versions.length > 0 ? ` (versions ${versions.join(', ')})` : ''}`, {
    hint: `pick another name, or remove it first with "rootcast image rm ${image} --all"`,
  });

const assertFreeName = async (paths: HomePaths, image: string): Promise<void> => {
  const versions = await listVersions(paths, image);
  if (versions.length > 0 || (await imageDirExists(paths, image))) throw alreadyExists(image, versions);
};

const notFound = (image: string): RootcastError =>
  new RootcastError('NOT_FOUND', `image "${image}" does not exist`, { hint: 'run "rootcast image list" to see images' });

/** Reads and checks everything `image cp` needs; throws before anything is written. */
export const planCopy = async (paths: HomePaths, sourceRef: string, newName: string): Promise<{ plan: CopyPlan; source: ResolvedVersion }> => {
  const ref = parseImageRef(sourceRef);
  const image = assertImageName(newName);
  const source = await resolveParsedRef(paths, ref);
  await assertFreeName(paths, image);
  return { plan: { from: source.ref, to: `${image}@1`, image }, source };
};

/** `image cp`: a new image whose version 1 hard-links every file of the source version. */
export const applyCopy = async (paths: HomePaths, exec: Exec, now: () => Date, source: ResolvedVersion, plan: CopyPlan): Promise<ImageManifest> => {
  try {
    return await withImageLocks(paths, [source.image, plan.image], async () => {
      if ((await listVersions(paths, plan.image)).length > 0) await assertFreeName(paths, plan.image);
      const base = await readManifest(paths, source.image, source.version);
      const staging = await beginStaging(paths, plan.image);
      try {
        await runRsync(exec, { sources: [`${source.root}/`], destination: `${staging.root}/`, includes: [], excludes: [], linkDest: [source.root] });
        const { parentVersion: _parent, ...rest } = base;
        return await commitStaging(paths, staging, (version) => ({
          ...rest,
          image: plan.image,
          version,
          createdAt: now().toISOString(),
          source: { kind: 'copy', from: source.ref },
        }));
      } catch (error) {
        await abortStaging(staging);
        throw error;
      }
    });
  } finally {
    await removeEmptyImageDir(paths, plan.image);
  }
};

/** Reads and checks everything `image mv` needs; an image a host runs, is being given or keeps for rollback moves only with --force. */
export const planMove = async (paths: HomePaths, oldName: string, newName: string, force: boolean): Promise<MovePlan> => {
  const from = assertImageName(oldName);
  const to = assertImageName(newName);
  const versions = await listVersions(paths, from);
  if (versions.length === 0) throw notFound(from);
  // The generic "already exists" hint would tell the user to remove the very image they are renaming.
  if (to === from) throw new RootcastError('USAGE', `image "${from}" cannot be renamed to itself`, { hint: 'give the new name as the second argument' });
  await assertFreeName(paths, to);
  const held = [...(await readVersionHolders(paths, from)).entries()].sort(([a], [b]) => a - b);
  const orphanedHosts = [...new Set(held.flatMap(([, holders]) => holdingHosts(holders)))].sort();
  if (orphanedHosts.length > 0 && !force) {
    throw new RootcastError('IN_USE', `image "${from}" is in use: ${held.flatMap(([, holders]) => holderReasons(holders)).join('; ')}`, {
      details: held.map(([version, holders]) => `${from}@${version}: ${holderReasons(holders).join('; ')}`),
      hint: 'those hosts record the old name; pass --force to rename anyway',
    });
  }
  return { from, to, versions, orphanedHosts };
};

/**
 * `image mv`: one rename of the image directory, so readers see the old name or the new one.
 * Both names are locked, so no writer of the new name (a first capture, cp) runs meanwhile.
 */
export const applyMove = async (paths: HomePaths, plan: MovePlan): Promise<void> => {
  const layout = imageLayout(paths);
  await withImageLocks(paths, [plan.from, plan.to], async () => {
    if ((await listVersions(paths, plan.from)).length === 0) throw notFound(plan.from);
    await assertFreeName(paths, plan.to);
    await rename(layout.imageDir(plan.from), layout.imageDir(plan.to)).catch(async (error: NodeJS.ErrnoException) => {
      // The new name appeared anyway (a writer that ignores locks): still the user's error, not an internal one.
      if (error.code === 'EEXIST' || error.code === 'ENOTEMPTY') throw alreadyExists(plan.to, await listVersions(paths, plan.to));
      throw error;
    });
    await syncDirectory(layout.imageDir(plan.to));
    await syncDirectory(paths.imagesDir);
  });
};
