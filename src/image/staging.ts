import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HomePaths } from '../home/paths.js';
import { writeFileAtomic, syncDirectory } from '../sys/atomic-write.js';
import { isProcessAlive } from '../sys/pid-alive.js';
import { imageLayout } from './layout.js';
import type { ImageManifest } from './manifest.js';
import { listVersions } from './versions.js';

/** A version being built; invisible to every reader until `commitStaging` renames it into place. */
export interface Staging {
  image: string;
  dir: string;
  root: string;
  /** Roots left by interrupted runs: safe extra --link-dest bases, so a re-run resumes cheaply. */
  leftoverRoots: string[];
  leftoverDirs: string[];
}

const ownerPid = (entryName: string): number => Number(entryName.split('-')[0]);

/** Creates a fresh staging directory (caller holds the image lock). */
export const beginStaging = async (paths: HomePaths, image: string): Promise<Staging> => {
  const stagingParent = imageLayout(paths).stagingDir(image);
  await mkdir(stagingParent, { recursive: true });
  const leftovers = (await readdir(stagingParent)).filter((name) => !isProcessAlive(ownerPid(name)));
  const dir = join(stagingParent, `${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(join(dir, 'root'), { recursive: true, mode: 0o755 });
  const leftoverDirs = leftovers.map((name) => join(stagingParent, name));
  return { image, dir, root: join(dir, 'root'), leftoverDirs, leftoverRoots: leftoverDirs.map((d) => join(d, 'root')) };
};

/** Writes the manifest, renames staging to the next version number and clears leftovers; returns the version. */
export const commitStaging = async (
  paths: HomePaths,
  staging: Staging,
  buildManifest: (version: number) => ImageManifest,
): Promise<ImageManifest> => {
  const layout = imageLayout(paths);
  const versions = await listVersions(paths, staging.image);
  const version = (versions[versions.length - 1] ?? 0) + 1;
  const manifest = buildManifest(version);
  await writeFileAtomic(join(staging.dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(staging.dir, layout.versionDir(staging.image, version));
  await syncDirectory(layout.imageDir(staging.image));
  await discardLeftovers(staging);
  return manifest;
};

export const discardLeftovers = async (staging: Staging): Promise<void> => {
  await Promise.all(staging.leftoverDirs.map((dir) => rm(dir, { recursive: true, force: true })));
};

/** Drops a staging directory after a failure; committed versions are untouched. */
export const abortStaging = async (staging: Staging): Promise<void> => {
  await rm(staging.dir, { recursive: true, force: true });
};

/** After a failed first capture, leaves no trace of an image that never got a version. */
export const removeEmptyImageDir = async (paths: HomePaths, image: string): Promise<void> => {
  const layout = imageLayout(paths);
  if ((await listVersions(paths, image)).length > 0) return;
  for (const dir of [layout.stagingDir(image), layout.imageDir(image)]) {
    await rmdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT' && error.code !== 'ENOTEMPTY') throw error;
    });
  }
};
