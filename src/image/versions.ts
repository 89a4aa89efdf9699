import { readdir, readFile } from 'node:fs/promises';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { imageLayout } from './layout.js';
import type { ImageManifest } from './manifest.js';
import { formatImageRef, parseImageRef, type ImageRef } from './ref.js';

export type Tags = Record<string, number>;

/** The version a tag points at; own keys only, so "constructor" or "__proto__" is never found on Object.prototype. */
export const taggedVersion = (tags: Tags, tag: string): number | undefined => (Object.hasOwn(tags, tag) ? tags[tag] : undefined);

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Images with at least one committed version, sorted (a crashed first capture's staging is not an image). */
export const listImages = async (paths: HomePaths): Promise<string[]> => {
  try {
    const entries = await readdir(paths.imagesDir, { withFileTypes: true });
    const names = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name);
    const withVersions = await Promise.all(names.map(async (name) => ((await listVersions(paths, name)).length > 0 ? name : undefined)));
    return withVersions.filter((name): name is string => name !== undefined).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
};

/** Committed versions of an image, ascending; staging directories are never listed. */
export const listVersions = async (paths: HomePaths, image: string): Promise<number[]> => {
  try {
    const entries = await readdir(imageLayout(paths).imageDir(image), { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && /^[1-9]\d*$/.test(entry.name))
      .map((entry) => Number(entry.name))
      .sort((a, b) => a - b);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
};

export const readManifest = async (paths: HomePaths, image: string, version: number): Promise<ImageManifest> => {
  const file = imageLayout(paths).manifestFile(image, version);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ImageManifest;
  } catch (error) {
    if (isMissing(error)) {
      throw new RootcastError('NOT_FOUND', `${formatImageRef(image, version)} has no manifest (${file})`);
    }
    throw new RootcastError('INVALID_DATA', `${formatImageRef(image, version)}'s manifest is not valid JSON (${file}): ${(error as Error).message}`, {
      hint: 'the store is written only by rootcast: restore the file from a backup, or capture the image again',
    });
  }
};

/**
 * The distro a version's manifest records (its os-release): undefined when the capture could not tell or
 * the version has no manifest (an image made by hand); conventions then fall back to the neutral choice.
 */
export const readImageDistro = async (paths: HomePaths, version: ResolvedVersion): Promise<ImageManifest['distro']> => {
  try {
    return (await readManifest(paths, version.image, version.version)).distro;
  } catch (error) {
    if (error instanceof RootcastError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
};

export const readTags = async (paths: HomePaths, image: string): Promise<Tags> => {
  const file = imageLayout(paths).tagsFile(image);
  try {
    // Null prototype: assigning or deleting any tag name (even "__proto__") touches an own key only.
    return Object.assign(Object.create(null) as Tags, JSON.parse(await readFile(file, 'utf8')) as Tags);
  } catch (error) {
    if (isMissing(error)) return Object.create(null) as Tags;
    throw new RootcastError('INVALID_DATA', `the tags of image "${image}" are not valid JSON (${file}): ${(error as Error).message}`, {
      hint: 'fix the file, or remove it and set the tags again (rootcast image tag REF TAG)',
    });
  }
};

/** A reference resolved to one committed version on disk. */
export interface ResolvedVersion {
  image: string;
  version: number;
  ref: string;
  dir: string;
  root: string;
}

export const resolveParsedRef = async (paths: HomePaths, ref: ImageRef): Promise<ResolvedVersion> => {
  const versions = await listVersions(paths, ref.image);
  if (versions.length === 0) {
    throw new RootcastError('NOT_FOUND', `image "${ref.image}" does not exist`, {
      hint: 'run "rootcast image list" to see images, or "rootcast capture" to create one',
    });
  }
  let version: number;
  switch (ref.selector.kind) {
    case 'latest':
      version = versions[versions.length - 1] as number;
      break;
    case 'version':
      version = ref.selector.version;
      if (!versions.includes(version)) {
        throw new RootcastError('NOT_FOUND', `${formatImageRef(ref.image, version)} does not exist`, {
          hint: `versions of ${ref.image}: ${versions.join(', ')}`,
        });
      }
      break;
    case 'tag': {
      const tags = await readTags(paths, ref.image);
      const tagged = taggedVersion(tags, ref.selector.tag);
      if (tagged === undefined || !versions.includes(tagged)) {
        throw new RootcastError('NOT_FOUND', `image "${ref.image}" has no tag "${ref.selector.tag}"`, {
          hint: `tags of ${ref.image}: ${Object.keys(tags).join(', ') || 'none'}`,
        });
      }
      version = tagged;
      break;
    }
  }
  const layout = imageLayout(paths);
  return {
    image: ref.image,
    version,
    ref: formatImageRef(ref.image, version),
    dir: layout.versionDir(ref.image, version),
    root: layout.versionRoot(ref.image, version),
  };
};

/** Resolves `web`, `web@3` or `web@stable` to a committed version. */
export const resolveImageRef = (paths: HomePaths, text: string): Promise<ResolvedVersion> =>
  resolveParsedRef(paths, parseImageRef(text));
