import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isProcessAlive } from './pid-alive.js';

/** A lock file this process holds. */
export interface FileLock {
  release(): Promise<void>;
}

/** The lock, or the process that holds it (undefined when the holder could not be told apart from a race). */
export type LockAttempt = { acquired: true; lock: FileLock } | { acquired: false; holder: number | undefined };

const maxAttempts = 3;

const readLock = (file: string): Promise<string> => readFile(file, 'utf8').catch(() => '');

const holderOf = (text: string): number => Number(text.trim().split(/\s+/)[0]);

const isCode = (error: unknown, code: string): boolean => (error as NodeJS.ErrnoException).code === code;

/**
 * Moves a dead holder's lock aside. If what was moved is no longer the text we judged dead (someone
 * took the lock meanwhile), it is put back and the lock counts as held.
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

/**
 * Takes the lock file `file` (`PID random` inside) without waiting; a lock left by a dead process is
 * taken over. Callers decide whether a held lock is an error or something to wait for.
 */
export const tryLockFile = async (file: string): Promise<LockAttempt> => {
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
        return { acquired: true, lock: { release: async () => ((await readLock(file)) === token ? rm(file, { force: true }) : undefined) } };
      } catch (error) {
        if (!isCode(error, 'EEXIST')) throw error;
      }
      const text = await readLock(file);
      const pid = holderOf(text);
      if ((Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) || !(await breakStaleLock(file, text))) {
        return { acquired: false, holder: holderOf(await readLock(file)) || pid || undefined };
      }
    }
    return { acquired: false, holder: undefined };
  } finally {
    await rm(temp, { force: true });
  }
};


export interface WaitOptions {
  /** How many times to look again before giving up. @default 600 */
  polls?: number;
  /** Pause between looks. @default a backoff from 10 ms to 100 ms */
  pause?: (poll: number) => Promise<void>;
}

const backoff = (poll: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.min(100, 10 * (poll + 1))));

/** Takes the lock, waiting (a bounded number of polls) while a live process holds it. */
export const waitForLockFile = async (file: string, options: WaitOptions = {}): Promise<LockAttempt> => {
  const polls = options.polls ?? 600;
  let attempt = await tryLockFile(file);
  for (let poll = 0; !attempt.acquired && poll < polls; poll += 1) {
    await (options.pause ?? backoff)(poll);
    attempt = await tryLockFile(file);
  }
  return attempt;
};
