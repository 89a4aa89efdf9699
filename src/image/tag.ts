import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { withImageLock } from './lock.js';
import { assertImageName, assertTagName } from './name.js';
import { parseImageRef } from './ref.js';
import { writeTags } from './tags-store.js';
import { listVersions, readTags, resolveParsedRef, taggedVersion } from './versions.js';

/** One tag move: `from` undefined = a new tag, `to` undefined = a deletion. */
export interface TagPlan {
  image: string;
  tag: string;
  from: number | undefined;
  to: number | undefined;
}

/** `image tag REF TAG`: checks the tag name and the reference before anything is locked or written. */
export const planTagSet = async (paths: HomePaths, refText: string, tagText: string): Promise<TagPlan> => {
  const ref = parseImageRef(refText);
  const tag = assertTagName(tagText);
  const target = await resolveParsedRef(paths, ref);
  const tags = await readTags(paths, target.image);
  return { image: target.image, tag, from: taggedVersion(tags, tag), to: target.version };
};

/** `image tag --delete NAME TAG`. */
export const planTagDelete = async (paths: HomePaths, nameText: string, tagText: string): Promise<TagPlan> => {
  if (nameText.includes('@')) {
    throw new RootcastError('USAGE', `"${nameText}": --delete takes an image name, not a version`, {
      hint: `run "rootcast image tag --delete ${nameText.split('@')[0] ?? ''} ${tagText}"`,
    });
  }
  const image = assertImageName(nameText);
  if ((await listVersions(paths, image)).length === 0) {
    throw new RootcastError('NOT_FOUND', `image "${image}" does not exist`, { hint: 'run "rootcast image list" to see images' });
  }
  const tags = await readTags(paths, image);
  const from = taggedVersion(tags, tagText);
  if (from === undefined) {
    throw new RootcastError('NOT_FOUND', `image "${image}" has no tag "${tagText}"`, {
      hint: `tags of ${image}: ${Object.keys(tags).sort().join(', ') || 'none'}`,
    });
  }
  return { image, tag: tagText, from, to: undefined };
};

/** Applies a tag plan under the image lock; tags.json is replaced atomically. */
export const applyTag = async (paths: HomePaths, plan: TagPlan): Promise<void> => {
  await withImageLock(paths, plan.image, async () => {
    // The image (or version) may have been removed or renamed since planning: never write tags.json into a new, empty image directory.
    const selector = plan.to === undefined ? { kind: 'latest' as const } : { kind: 'version' as const, version: plan.to };
    await resolveParsedRef(paths, { image: plan.image, selector });
    const tags = await readTags(paths, plan.image);
    if (plan.to === undefined) delete tags[plan.tag];
    else tags[plan.tag] = plan.to;
    await writeTags(paths, plan.image, tags);
  });
};
