import { describe, expect, test } from 'vitest';
import { retryDelayMs, retryWithBackoff, type RetryPolicy, type TryOutcome } from '../../../src/runner/retry-policy.js';

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 };

describe('retry policy', () => {
  test('delays double after each failure and stop at the cap', () => {
    expect([1, 2, 3, 4, 5].map((failed) => retryDelayMs(policy, failed))).toEqual([100, 200, 300, 300, 300]);
  });

  test('jitter scales each delay into 50-100 % of its backoff', () => {
    expect(retryDelayMs({ ...policy, random: () => 0 }, 2)).toBe(100);
    expect(retryDelayMs({ ...policy, random: () => 0.999999 }, 2)).toBe(200);
    expect(retryDelayMs({ ...policy, random: () => 0.5 }, 3)).toBe(225);
  });

  test('transient failures are retried until one try succeeds, sleeping the backoff in between', async () => {
    const slept: number[] = [];
    const outcomes: TryOutcome<string>[] = [
      { kind: 'transient', reason: 'rsync exit 10' },
      { kind: 'transient', reason: 'rsync exit 30' },
      { kind: 'done', value: 'synced' },
    ];
    const tries: number[] = [];
    const value = await retryWithBackoff(policy, { sleep: async (ms) => void slept.push(ms) }, async (tryNumber) => {
      tries.push(tryNumber);
      return outcomes[tryNumber - 1] ?? { kind: 'transient', reason: 'unexpected' };
    }, () => new Error('exhausted'));
    expect(value).toBe('synced');
    expect(tries).toEqual([1, 2, 3]);
    expect(slept).toEqual([100, 200]);
  });

  test('the tries are bounded: after the last one the exhausted error carries the last reason', async () => {
    const slept: number[] = [];
    let tries = 0;
    const run = retryWithBackoff(policy, { sleep: async (ms) => void slept.push(ms) }, async () => {
      tries += 1;
      return { kind: 'transient', reason: `refused #${tries}` };
    }, (reason) => new Error(`gave up: ${reason}`));
    await expect(run).rejects.toThrow('gave up: refused #4');
    expect(tries).toBe(4);
    expect(slept).toEqual([100, 200, 300]);
  });

  test('a fatal outcome stops at once without sleeping', async () => {
    const slept: number[] = [];
    let tries = 0;
    const run = retryWithBackoff(policy, { sleep: async (ms) => void slept.push(ms) }, async () => {
      tries += 1;
      return { kind: 'fatal', error: new Error('auth failed') };
    }, () => new Error('exhausted'));
    await expect(run).rejects.toThrow('auth failed');
    expect(tries).toBe(1);
    expect(slept).toEqual([]);
  });
});
