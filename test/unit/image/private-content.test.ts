import { describe, expect, test } from 'vitest';
import { ancestorsOf, privateModeReason } from '../../../src/image/private-content.js';

describe('which content a text diff may show', () => {
  test('a file is private when either side is not world-readable; the reason names both modes when they differ', () => {
    const file = 0o100000n;
    expect(privateModeReason(file | 0o644n, file | 0o644n)).toBeUndefined();
    expect(privateModeReason(file | 0o604n, file | 0o444n)).toBeUndefined();
    expect(privateModeReason(file | 0o640n, file | 0o640n)).toBe('not shown: readable by its owner/group only (mode 0640)');
    expect(privateModeReason(file | 0o644n, file | 0o600n)).toBe('not shown: readable by its owner/group only (mode 0644→0600)');
    expect(privateModeReason(file | 0o000n, file | 0o644n)).toBe('not shown: readable by its owner/group only (mode 0000→0644)');
    // Execute or write for others does not make a file readable.
    expect(privateModeReason(file | 0o4753n, file | 0o4753n)).toBe('not shown: readable by its owner/group only (mode 4753)');
  });

  test('the directories above a path, outermost first, as raw bytes', () => {
    expect(ancestorsOf(Buffer.from('/etc/ssl/private/site.key')).map(String)).toEqual(['/etc', '/etc/ssl', '/etc/ssl/private']);
    expect(ancestorsOf(Buffer.from('/etc/shadow')).map(String)).toEqual(['/etc']);
    expect(ancestorsOf(Buffer.from('/swapfile'))).toEqual([]);
    expect(ancestorsOf(Buffer.from([0x2f, 0x78, 0xff, 0x2f, 0x79]))).toEqual([Buffer.from([0x2f, 0x78, 0xff])]);
  });
});
