import { mkdir, rename, rm } from 'node:fs/promises';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { syncDirectory } from '../sys/atomic-write.js';
import { readVersionHolders } from './host-state.js';
import { imageLayout } from './layout.js';
import { withImageLock } from './lock.js';
import { assertImageName } from './name.js';
import { parseImageRef } from './ref.js';
import { planPrune, planRemoval, type ImageState, type PruneDecision, type RemovalPlan } from './removal-plan.js';
import { imageTrashPath, sweepDeadTrash, versionTrashPath } from './staging.js';
import { writeTags } from './tags-store.js';
import { listVersions, readTags, resolveParsedRef } from './versions.js';

/** Reads everything a removal or prune plan depends on. */
export const readImageState = async (paths: HomePaths, image: string): Promise<ImageState> => ({
  image,
  versions: await listVersions(paths, image),
  tags: await readTags(paths, image),
  holders: await readVersionHolders(paths, image),
});

/**
 * Applies a removal plan (caller holds the image lock). Each version leaves the store in one rename
 * (into .staging, which the next capture cleans if we die), so readers never see half a version.
 */
export const applyRemoval = async (paths: HomePaths, plan: RemovalPlan): Promise<void> => {
  const layout = imageLayout(paths);
  if (plan.whole) {
    const trash = imageTrashPath(paths, plan.image);
    await rename(layout.imageDir(plan.image), trash);
    await syncDirectory(paths.imagesDir);
    await rm(trash, { recursive: true, force: true });
    return;
  }
  if (plan.dropTags.length > 0) {
    const tags = await readTags(paths, plan.image);
    for (const tag of plan.dropTags) delete tags[tag];
    await writeTags(paths, plan.image, tags);
  }
  const staging = layout.stagingDir(plan.image);
  await mkdir(staging, { recursive: true });
  const trashed: string[] = [];
  for (const version of plan.versions) {
    const trash = versionTrashPath(paths, plan.image, version);
    await rename(layout.versionDir(plan.image, version), trash);
    trashed.push(trash);
  }
  await syncDirectory(layout.imageDir(plan.image));
  for (const trash of trashed) await rm(trash, { recursive: true, force: true });
};

export interface RemoveOptions {
  /** Remove the whole image when the reference has no "@". @default false */
  all?: boolean;
  /** Remove tagged or deployed versions too (drops the tags). @default false */
  force?: boolean;
}

/** Reads the store and plans `image rm REF`; every refusal happens here, before any lock or write. */
export const planRemove = async (paths: HomePaths, refText: string, options: RemoveOptions): Promise<RemovalPlan> => {
  const ref = parseImageRef(refText);
  const whole = !refText.includes('@');
  if (whole && options.all !== true) {
    throw new RootcastError('USAGE', `"${refText}" names the whole image "${ref.image}"`, {
      hint: `remove one version with "rootcast image rm ${ref.image}@N", or every version and tag with "rootcast image rm ${ref.image} --all"`,
    });
  }
  if (!whole && options.all === true) {
    throw new RootcastError('USAGE', `--all removes a whole image; "${refText}" names one version`, {
      hint: `run "rootcast image rm ${ref.image} --all" or drop --all`,
    });
  }
  const version = whole ? undefined : (await resolveParsedRef(paths, ref)).version;
  const state = await readImageState(paths, ref.image);
  if (state.versions.length === 0) {
    throw new RootcastError('NOT_FOUND', `image "${ref.image}" does not exist`, { hint: 'run "rootcast image list" to see images' });
  }
  return planRemoval(state, { version, force: options.force === true });
};

/** Parses `--keep N`: a whole number from 0 (0 keeps only the versions in use: tagged, deployed, being deployed). */
export const parseKeepCount = (text: string): number => {
  const keep = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(keep)) {
    throw new RootcastError('USAGE', `--keep "${text}" is not a whole number`, {
      hint: 'e.g. --keep 3 keeps the three newest versions plus tagged and deployed ones; --keep 0 only those in use',
    });
  }
  return keep;
};

export interface PrunePlan {
  image: string;
  keep: number;
  decisions: PruneDecision[];
  removal: RemovalPlan;
}

export const planPruneRun = async (paths: HomePaths, nameText: string, keepText: string): Promise<PrunePlan> => {
  const image = assertImageName(nameText);
  const keep = parseKeepCount(keepText);
  const state = await readImageState(paths, image);
  if (state.versions.length === 0) {
    throw new RootcastError('NOT_FOUND', `image "${image}" does not exist`, { hint: 'run "rootcast image list" to see images' });
  }
  const decisions = planPrune(state, keep);
  const versions = decisions.filter((d) => d.action === 'remove').map((d) => d.version);
  return { image, keep, decisions, removal: { image, whole: false, versions, dropTags: [], orphanedHosts: [] } };
};

/**
 * Applies a removal under the image lock, re-planned from a fresh read so a concurrent tag or deploy is
 * honoured; returns the plan it applied (what to report). Also deletes removed images a dead run left.
 */
export const applyRemovalLocked = async (paths: HomePaths, plan: RemovalPlan, force: boolean): Promise<RemovalPlan> => {
  await sweepDeadTrash(paths);
  if (plan.versions.length === 0 && !plan.whole) return plan;
  return withImageLock(paths, plan.image, async () => {
    const state = await readImageState(paths, plan.image);
    const gone = plan.whole ? (state.versions.length === 0 ? [undefined] : []) : plan.versions.filter((version) => !state.versions.includes(version));
    if (gone.length > 0) {
      // Removed or renamed by another run since planning.
      const what = gone[0] === undefined ? `image "${plan.image}"` : `${plan.image}@${gone[0]}`;
      throw new RootcastError('NOT_FOUND', `${what} does not exist any more`, { hint: 'run "rootcast image list" to see images' });
    }
    const fresh = plan.whole ? planRemoval(state, { version: undefined, force }) : mergePlans(plan, plan.versions.map((version) => planRemoval(state, { version, force })));
    await applyRemoval(paths, fresh);
    return fresh;
  });
};

const mergePlans = (plan: RemovalPlan, parts: RemovalPlan[]): RemovalPlan => ({
  ...plan,
  dropTags: parts.flatMap((p) => p.dropTags),
  orphanedHosts: parts.flatMap((p) => p.orphanedHosts),
});
