import { lstat, readFile, readlink } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';

/** Resolves a path inside ROOT, following symlinks as if ROOT were "/" (an absolute link must not reach the host). */
export const resolveInRoot = async (root: string, path: string, depth = 0): Promise<string | undefined> => {
  if (depth > 16) return undefined;
  const info = await lstat(join(root, path)).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isSymbolicLink()) return join(root, path);
  const target = await readlink(join(root, path));
  return resolveInRoot(root, target.startsWith('/') ? posix.normalize(target) : posix.normalize(posix.join(dirname(path), target)), depth + 1);
};

/** A text file of a root tree read through its own symlinks; '' when missing or unreadable. */
export const readInRoot = async (root: string, path: string): Promise<string> => {
  const resolved = await resolveInRoot(root, path);
  return resolved === undefined ? '' : readFile(resolved, 'utf8').catch(() => '');
};
