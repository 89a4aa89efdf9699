import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { ensurePrivateHome } from '../home/private-home.js';
import { tryLockFile, type FileLock } from '../sys/lock-file.js';
import { imageLayout } from './layout.js';

export type ImageLock = FileLock;

/** Serialises writers of one image (capture, shell, rm, tag...); a lock left by a dead process is taken over. */
export const lockImage = async (paths: HomePaths, image: string): Promise<ImageLock> => {
  // Every writer of the store passes here: images/ is created (or tightened) root's 0700 before anything goes in.
  await ensurePrivateHome(paths, { create: ['images'] });
  const file = imageLayout(paths).lockFile(image);
  const attempt = await tryLockFile(file);
  if (attempt.acquired) return attempt.lock;
  if (attempt.holder === undefined) throw new RootcastError('LOCKED', `could not lock image "${image}" (${file})`, { hint: 're-run the command' });
  throw new RootcastError('LOCKED', `image "${image}" is being changed by process ${attempt.holder}`, { hint: 'wait for it to finish and re-run' });
};

/** Runs `work` while holding the image's lock. */
export const withImageLock = async <T>(paths: HomePaths, image: string, work: () => Promise<T>): Promise<T> => {
  const lock = await lockImage(paths, image);
  try {
    return await work();
  } finally {
    await lock.release();
  }
};

/** Runs `work` holding the locks of several images, taken in name order so two such runs never hold one each. */
export const withImageLocks = <T>(paths: HomePaths, images: readonly string[], work: () => Promise<T>): Promise<T> =>
  [...new Set(images)]
    .sort()
    .reduceRight<() => Promise<T>>((inner, image) => () => withImageLock(paths, image, inner), work)();
