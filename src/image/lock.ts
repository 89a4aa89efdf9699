import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { isProcessAlive } from '../sys/pid-alive.js';
import { imageLayout } from './layout.js';

export interface ImageLock {
  release(): Promise<void>;
}

const maxAttempts = 3;

/** Serialises writers of one image (capture, shell, rm, tag...); a lock left by a dead process is taken over. */
export const lockImage = async (paths: HomePaths, image: string): Promise<ImageLock> => {
  const file = imageLayout(paths).lockFile(image);
  await mkdir(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    try {
      const handle = await open(file, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && isProcessAlive(holder)) {
        throw new RootcastError('LOCKED', `image "${image}" is being changed by process ${holder}`, {
          hint: 'wait for it to finish and re-run',
        });
      }
      await rm(file, { force: true });
    }
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
