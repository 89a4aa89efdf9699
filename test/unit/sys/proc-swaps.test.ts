import { describe, expect, test } from 'vitest';
import { activeSwapFiles } from '../../../src/sys/proc-swaps.js';

describe('/proc/swaps', () => {
  test('active swap files, not partitions; escaped spaces undone', () => {
    const text = [
      'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority',
      '/dev/vda3                               partition\t2097148\t\t0\t\t-2',
      '/swapfile                               file\t\t1048572\t\t0\t\t-3',
      '/var/swap\\040space                      file\t\t1024\t\t0\t\t-4',
      '',
    ].join('\n');
    expect(activeSwapFiles(text)).toEqual(['/swapfile', '/var/swap space']);
    expect(activeSwapFiles('')).toEqual([]);
  });
});
