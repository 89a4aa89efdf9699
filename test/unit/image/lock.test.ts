import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../../src/home/paths.js';
import { lockImage } from '../../../src/image/lock.js';

describe('lockImage', () => {
  let home: string;
  let paths: HomePaths;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'rootcast-lock-'));
    paths = resolveHomePaths({ home });
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  test('two lockers racing for a free image: exactly one gets the lock', async () => {
    // The loser must never see a lock file that exists but is still empty and take it for a dead one.
    for (let round = 0; round < 50; round += 1) {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => lockImage(paths, 'web')));
      const won = results.filter((result) => result.status === 'fulfilled');
      expect(won).toHaveLength(1);
      expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.code)).toEqual(Array(7).fill('LOCKED'));
      await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    }
  });

  test('a lock left by a dead process is taken over; releasing removes only our own lock', async () => {
    const file = join(home, 'images/.web.lock');
    mkdirSync(join(home, 'images'), { recursive: true });
    writeFileSync(file, '2147483646\n');
    const lock = await lockImage(paths, 'web');
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^${process.pid}\\b`));
    // Someone else's lock now sits at the path (ours was judged dead and broken meanwhile).
    rmSync(file);
    writeFileSync(file, '1 other\n');
    await lock.release();
    expect(readFileSync(file, 'utf8')).toBe('1 other\n');
  });
});
