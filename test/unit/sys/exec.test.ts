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

describe('execProcess with stdout kept as bytes', () => {
  test('keeps any bytes (a name from find -print0 need not be UTF-8) up to the limit, and nothing past it', async () => {
    const result = await execProcess({ command: 'sh', args: ['-c', "printf 'a\\377\\000b\\n\\000'"], stdoutBytesLimit: 16 });
    expect(result.stdoutBytes).toEqual(Buffer.from([0x61, 0xff, 0x00, 0x62, 0x0a, 0x00]));
    expect(result.stdout).toBe('');
    const over = await execProcess({ command: 'sh', args: ['-c', 'head -c 100 /dev/zero'], stdoutBytesLimit: 99 });
    expect(over.exitCode).toBe(0);
    expect(over.stdoutBytes).toBeUndefined();
  });
});
