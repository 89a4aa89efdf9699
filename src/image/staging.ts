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

/** Scratch entries are named "<pid>-..." by the process that made them, so a dead owner's leftovers can be told apart. */
const ownedName = (label: string): string => `${process.pid}-${label}${label === '' ? '' : '-'}${randomBytes(4).toString('hex')}`;

const ownerPid = (entryName: string): number => Number(entryName.split('-')[0]);

/** Paths of the entries of `dir` (named `prefix<pid>-...`) whose owner process is gone; creates nothing. */
const findDeadOwnerEntries = async (dir: string, prefix = ''): Promise<string[]> => {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => name.startsWith(prefix) && !isProcessAlive(ownerPid(name.slice(prefix.length)))).map((name) => join(dir, name));
};

/** Staging directories of interrupted runs of `image` (also read by --dry-run, so it creates nothing). */
export const findLeftoverDirs = (paths: HomePaths, image: string): Promise<string[]> => findDeadOwnerEntries(imageLayout(paths).stagingDir(image));

/** Creates a fresh staging directory (caller holds the image lock). */
export const beginStaging = async (paths: HomePaths, image: string): Promise<Staging> => {
  const stagingParent = imageLayout(paths).stagingDir(image);
  await mkdir(stagingParent, { recursive: true });
  const leftoverDirs = await findLeftoverDirs(paths, image);
  const dir = join(stagingParent, ownedName(''));
  await mkdir(join(dir, 'root'), { recursive: true, mode: 0o755 });
  return { image, dir, root: join(dir, 'root'), leftoverDirs, leftoverRoots: leftoverDirs.map((d) => join(d, 'root')) };
};

/** Where one removed version waits for deletion: in staging, so the next writer cleans it if we die. */
export const versionTrashPath = (paths: HomePaths, image: string, version: number): string =>
  join(imageLayout(paths).stagingDir(image), ownedName(`removed-${version}`));

const trashPrefix = '.trash-';

/** Where a whole removed image waits for deletion; dot-named, so never listed as an image. */
export const imageTrashPath = (paths: HomePaths, image: string): string => join(paths.imagesDir, `${trashPrefix}${ownedName(image)}`);

/** Deletes removed images whose remover died between the rename and the delete. */
export const sweepDeadTrash = async (paths: HomePaths): Promise<void> => {
  for (const dir of await findDeadOwnerEntries(paths.imagesDir, trashPrefix)) await rm(dir, { recursive: true, force: true });
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
  await sweepDeadTrash(paths);
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
