import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { streamProcess } from '../../../src/sys/stream-process.js';

const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

/** Running, not gone and not a zombie waiting for its (new) parent to reap it. */
const isRunning = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('streamProcess stall watchdog', () => {
  test('a child silent past stallMs is killed with everything below it, and the result says it stalled', async () => {
    // sh waits on a background sleep: the sleep is a grandchild that a kill of sh alone would leave running.
    const lines: string[] = [];
    const result = await streamProcess({ command: 'sh', args: ['-c', 'sleep 300 & echo $!; wait'], env, stallMs: 1000, onStdoutLine: (line) => lines.push(line) });
    expect(result.stalledMs).toBe(1000);
    expect(result.signal).toBe('SIGKILL');
    const grandchild = Number(lines[0]);
    expect(grandchild).toBeGreaterThan(0);
    for (let wait = 0; wait < 50 && isRunning(grandchild); wait += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isRunning(grandchild)).toBe(false);
  });

  test('output on stdout or stderr keeps it alive; without stallMs there is no watchdog', async () => {
    const talker = 'for i in 1 2 3 4 5; do echo out $i; sleep 0.25; echo err $i >&2; sleep 0.25; done';
    const talking = await streamProcess({ command: 'sh', args: ['-c', talker], env, stallMs: 1500 });
    expect([talking.exitCode, talking.stalledMs]).toEqual([0, undefined]);
    expect(talking.stderr).toContain('err 5');
    const quiet = await streamProcess({ command: 'sh', args: ['-c', 'sleep 1.5; echo done'], env });
    expect([quiet.exitCode, quiet.stdout, quiet.stalledMs]).toEqual([0, 'done\n', undefined]);
  });
});

describe('streamProcess output', () => {
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
