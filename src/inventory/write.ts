import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import { writeFileAtomic } from '../sys/atomic-write.js';
import { waitForLockFile, type WaitOptions } from '../sys/lock-file.js';
import { readInventoryText } from './load.js';

/** A new inventory is root's alone: it may come to hold a root password hash. An existing file keeps its mode and owner. */
export const inventoryFileMode = 0o600;

/** The file as a writer read it: its text, or undefined when it did not exist. */
export type ReadState = string | undefined;

/** Beside the file, so every writer of that file finds it whatever --home says. */
export const inventoryLockFile = (file: string): string => join(dirname(file), `.${basename(file)}.lock`);

const digestOf = (text: ReadState): string => (text === undefined ? 'missing' : createHash('sha256').update(text).digest('hex'));

/** Runs `work` holding the inventory's lock; waits (bounded) while another rootcast edit holds it. */
export const withInventoryLock = async <T>(file: string, work: () => Promise<T>, wait: WaitOptions = {}): Promise<T> => {
  await mkdir(dirname(file), { recursive: true });
  const attempt = await waitForLockFile(inventoryLockFile(file), wait);
  if (!attempt.acquired) {
    throw new RootcastError('LOCKED', `the inventory ${file} is being edited by ${attempt.holder === undefined ? 'another process' : `process ${attempt.holder}`}`, {
      hint: 'nothing was written; wait for that edit to finish and re-run',
    });
  }
  try {
    return await work();
  } finally {
    await attempt.lock.release();
  }
};

class ChangedSinceRead extends Error {}

/**
 * Replaces the file with `text` unless it changed since it was read (compared by digest right before
 * the rename). Returns false, writing nothing, when it changed. Call it holding the inventory lock.
 */
export const writeInventoryIfUnchanged = async (file: string, read: ReadState, text: string): Promise<boolean> => {
  const expected = digestOf(read);
  try {
    await writeFileAtomic(file, text, {
      createMode: inventoryFileMode,
      beforeRename: async () => {
        if (digestOf(await readInventoryText(file)) !== expected) throw new ChangedSinceRead();
      },
    });
    return true;
  } catch (error) {
    if (error instanceof ChangedSinceRead) return false;
    throw error;
  }
};
