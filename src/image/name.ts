import { RootcastError } from '../errors/rootcast-error.js';

const imageNamePattern = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
const tagPattern = /^[a-z][a-z0-9_.-]{0,62}$/;

/** Why a name cannot be an image name, or undefined when it can (also used by inventory validation). */
export const imageNameProblem = (name: string): string | undefined => {
  if (name === '') return 'is empty';
  if (name.includes('/')) return 'contains "/"';
  if (name.includes('@')) return 'contains "@" (that separates a version: web@3)';
  if (name.includes('..')) return 'contains ".."';
  if (!imageNamePattern.test(name)) {
    return 'must be 1-63 characters of a-z, 0-9, ".", "_", "-", starting with a letter or digit';
  }
  return undefined;
};

export const assertImageName = (name: string): string => {
  const problem = imageNameProblem(name);
  if (problem !== undefined) {
    throw new RootcastError('USAGE', `image name "${name}" ${problem}`, {
      hint: 'use a name like "web" or "hpc-node"',
    });
  }
  return name;
};

/** "latest" means the newest version, so it cannot also name a tag. */
export const reservedTags: ReadonlySet<string> = new Set(['latest']);

export const assertTagName = (tag: string): string => {
  if (!tagPattern.test(tag) || reservedTags.has(tag)) {
    throw new RootcastError('USAGE', `tag "${tag}" is not a valid tag name`, {
      hint: 'tags start with a letter, use a-z 0-9 . _ -, and cannot be "latest" (web@3 is a version, web@stable a tag)',
    });
  }
  return tag;
};
