import { describe, expect, test } from 'vitest';
import { streamProcess } from '../../../src/sys/stream-process.js';

describe('streamProcess', () => {
  test('every stdout line reaches the callback; progress redraws are not kept, item and stats lines are', async () => {
    // What rsync --out-format='%l %i %n' --info=progress2 writes: item lines, "\r"-redrawn progress, the stats.
    const output = '300000 >f+++++++++ d/f1\n\r         32,768   3%    0.00kB/s    0:00:00  \r        300,000  33%  208.44kB/s    0:00:01 (xfr#1, to-chk=2/5)\n300000 >f+++++++++ d/f2\nTotal bytes sent: 12\n';
    const seen: string[] = [];
    const result = await streamProcess({ command: '/bin/sh', args: ['-c', 'printf "%s" "$0"', output], env: {}, onStdoutLine: (line) => seen.push(line) });
    expect(result.exitCode).toBe(0);
    expect(seen.filter((line) => line.includes('%'))).toHaveLength(2);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual(['300000 >f+++++++++ d/f1', '300000 >f+++++++++ d/f2', 'Total bytes sent: 12']);
  });
});
