import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { isProcessAlive } from '../sys/pid-alive.js';
import { imageLayout } from './layout.js';

export interface ImageLock {
  release(): Promise<void>;
}

const maxAttempts = 3;

const readLock = (file: string): Promise<string> => readFile(file, 'utf8').catch(() => '');

const holderOf = (text: string): number => Number(text.trim().split(/\s+/)[0]);

const isCode = (error: unknown, code: string): boolean => (error as NodeJS.ErrnoException).code === code;

/**
 * Moves a dead holder's lock aside. If what was moved is no longer the text we judged dead (someone
 * took the lock meanwhile), it is put back and the image counts as locked.
 */
const breakStaleLock = async (file: string, staleText: string): Promise<boolean> => {
  const aside = `${file}.stale-${randomBytes(6).toString('hex')}`;
  const moved = await rename(file, aside).then(() => true, (error: unknown) => (isCode(error, 'ENOENT') ? false : Promise.reject(error)));
  if (!moved) return true;
  const movedText = await readLock(aside);
  if (movedText !== staleText) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });
  return movedText === staleText;
};

/** Serialises writers of one image (capture, shell, rm, tag...); a lock left by a dead process is taken over. */
export const lockImage = async (paths: HomePaths, image: string): Promise<ImageLock> => {
  const file = imageLayout(paths).lockFile(image);
  await mkdir(dirname(file), { recursive: true });
  // The lock appears with its content in one link(): a racing reader never sees an empty, "dead" lock.
  const token = `${process.pid} ${randomBytes(6).toString('hex')}\n`;
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, token, { mode: 0o644, flag: 'wx' });
  try {
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      try {
        await link(temp, file);
        // Only our own lock is removed: the path may hold another run's lock by then (ours was judged dead and broken).
        return { release: async () => ((await readLock(file)) === token ? rm(file, { force: true }) : undefined) };
      } catch (error) {
        if (!isCode(error, 'EEXIST')) throw error;
      }
      const text = await readLock(file);
      const holder = holderOf(text);
      if ((Number.isInteger(holder) && holder > 0 && isProcessAlive(holder)) || !(await breakStaleLock(file, text))) {
        throw new RootcastError('LOCKED', `image "${image}" is being changed by process ${holderOf(await readLock(file)) || holder}`, {
          hint: 'wait for it to finish and re-run',
        });
      }
    }
  } finally {
    await rm(temp, { force: true });
  }
  throw new RootcastError('LOCKED', `could not lock image "${image}" (${file})`, { hint: 're-run the command' });
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
