import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { liveLockHolder, tryLockFile } from '../../../src/sys/lock-file.js';

describe('a lock file, read without taking it', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rootcast-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('names a live holder; a missing, dead or garbled lock has none, and looking writes nothing', async () => {
    const file = join(dir, 'update.lock');
    expect(await liveLockHolder(file)).toBeUndefined();
    const attempt = await tryLockFile(file);
    expect(attempt.acquired).toBe(true);
    expect(await liveLockHolder(file)).toBe(process.pid);
    if (attempt.acquired) await attempt.lock.release();
    expect(await liveLockHolder(file)).toBeUndefined();
    // PID 2^22 + 1 is above Linux's pid_max ceiling: no process can hold it.
    await writeFile(join(dir, 'dead.lock'), `${2 ** 22 + 1} abc\n`);
    expect(await liveLockHolder(join(dir, 'dead.lock'))).toBeUndefined();
    await writeFile(join(dir, 'garbled.lock'), 'not a pid\n');
    expect(await liveLockHolder(join(dir, 'garbled.lock'))).toBeUndefined();
  });
});
