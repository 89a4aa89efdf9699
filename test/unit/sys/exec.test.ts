import { describe, expect, test } from 'vitest';
import { maxKeptChars } from '../../../src/sys/bounded-text.js';
import { execProcess } from '../../../src/sys/exec.js';

describe('execProcess', () => {
  test('keeps only the last 4 MiB of a chatty child\'s stdout and stderr (a long capture redraws progress for hours)', async () => {
    const flood = (fd: string): string => `head -c ${maxKeptChars + 1024 * 1024} /dev/zero | tr '\\0' x >&${fd}; echo END >&${fd}`;
    const result = await execProcess({ command: 'sh', args: ['-c', `${flood('1')}; ${flood('2')}`] });
    expect(maxKeptChars).toBe(4 * 1024 * 1024);
    expect(result.stdout.length).toBe(maxKeptChars);
    expect(result.stdout.endsWith('xxEND\n')).toBe(true);
    expect(result.stderr.length).toBe(maxKeptChars);
    expect(result.stderr.endsWith('xxEND\n')).toBe(true);
  });
});
