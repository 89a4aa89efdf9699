import { stat, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The directories from `path`'s parent up to, not including, `root`. */
export const parentsBelow = (root: string, path: string): string[] => {
  const dirs: string[] = [];
  for (let dir = dirname(path); dir !== root && dir.startsWith(`${root === '/' ? '' : root}/`); dir = dirname(dir)) dirs.push(dir);
  return dirs;
};

/**
 * Runs `body` (which adds files) and gives the directories that existed before it their times back: a
 * file the runner adds after the image pass must not change the image's directory times, or the next
 * pass would reset them and a re-run would not leave the tree as it was.
 */
export const withDirTimesKept = async <T>(dirs: readonly string[], body: () => Promise<T>): Promise<T> => {
  const before = await Promise.all([...new Set(dirs)].map(async (dir) => ({ dir, stats: await stat(dir).catch(() => undefined) })));
  try {
    return await body();
  } finally {
    // Only those whose mtime changed: utimes itself changes the ctime, which a re-run must leave alone.
    for (const { dir, stats } of before) {
      if (stats === undefined) continue;
      const now = await stat(dir).catch(() => undefined);
      if (now !== undefined && now.mtimeMs !== stats.mtimeMs) await utimes(dir, stats.atimeMs / 1000, stats.mtimeMs / 1000).catch(() => undefined);
    }
  }
};
