import type { HomePaths } from '../home/paths.js';
import { writeFileAtomic } from '../sys/atomic-write.js';
import { imageLayout } from './layout.js';
import type { Tags } from './versions.js';

/** Tags pointing at one version, sorted. */
export const tagsOf = (tags: Tags, version: number): string[] =>
  Object.entries(tags)
    .filter(([, tagged]) => tagged === version)
    .map(([tag]) => tag)
    .sort();

/** Replaces tags.json atomically, keys sorted so the file diffs cleanly. */
export const writeTags = async (paths: HomePaths, image: string, tags: Tags): Promise<void> => {
  const sorted = Object.fromEntries(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));
  await writeFileAtomic(imageLayout(paths).tagsFile(image), `${JSON.stringify(sorted, null, 2)}\n`);
};
