import { describe, expect, test } from 'vitest';
import { createProgressThrottle, parseProgressLine } from '../../../src/runner/progress.js';

describe('rsync --info=progress2 parsing', () => {
  test('reads bytes, whole-transfer percent and the rate in binary units', () => {
    expect(parseProgressLine('    123,456,789  45%   12.50MB/s    0:00:10 (xfr#12, to-chk=100/200)')).toEqual({
      bytes: 123_456_789,
      percent: 45,
      rate: Math.round(12.5 * 1024 * 1024),
    });
    expect(parseProgressLine('         32,768   0%    0.00kB/s    0:00:00')).toEqual({ bytes: 32_768, percent: 0, rate: 0 });
    expect(parseProgressLine('  1,073,741,824 100%  980.31GB/s    0:00:01 (xfr#7000, to-chk=0/7123)')?.rate).toBe(Math.round(980.31 * 1024 ** 3));
    expect(parseProgressLine('        512 100%  500.00B/s    0:00:01')).toEqual({ bytes: 512, percent: 100, rate: 500 });
  });

  test('ignores the other lines rsync prints (stats, file names, warnings)', () => {
    for (const line of ['Number of files: 6,812 (reg: 5,301, dir: 1,105)', 'etc/motd', '', 'rsync: [receiver] write failed', 'sent 1,234 bytes  received 5,678 bytes  1,000.00 bytes/sec']) {
      expect(parseProgressLine(line)).toBeUndefined();
    }
  });

  test('the throttle lets one reading through per interval', () => {
    let clock = 0;
    const allow = createProgressThrottle(3000, () => clock);
    const reading = { bytes: 1, percent: 1, rate: 1 };
    const allowed: number[] = [];
    for (clock = 0; clock <= 10_000; clock += 500) if (allow(reading)) allowed.push(clock);
    expect(allowed).toEqual([0, 3000, 6000, 9000]);
  });
});
