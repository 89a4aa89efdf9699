import { describe, expect, test } from 'vitest';
import { escapePath } from '../../../src/image/path-escape.js';
import { comparePaths } from '../../../src/image/tree-walk.js';

describe('escapePath', () => {
  test('keeps plain and UTF-8 names readable', () => {
    expect(escapePath(Buffer.from('/etc/hosts'))).toBe('/etc/hosts');
    expect(escapePath(Buffer.from('/home/zoë'))).toBe('/home/zoë');
  });

  test('escapes newlines, tabs, backslashes and control bytes so a name stays on one line', () => {
    expect(escapePath(Buffer.from('/a\nb'))).toBe('/a\\nb');
    expect(escapePath(Buffer.from('/a\tb\\c'))).toBe('/a\\tb\\\\c');
    expect(escapePath(Buffer.from([0x2f, 0x01, 0x7f]))).toBe('/\\x01\\x7f');
  });

  test('escapes bytes that are not UTF-8 as \\xNN', () => {
    expect(escapePath(Buffer.from([0x2f, 0x61, 0xff, 0x62]))).toBe('/a\\xffb');
  });
});

describe('comparePaths', () => {
  const sorted = (paths: string[]): string[] =>
    paths.map((p) => Buffer.from(p)).sort(comparePaths).map((b) => b.toString());

  test('orders like a depth-first walk with byte-sorted children', () => {
    expect(sorted(['/a-c', '/a/b', '/a', '/b', '/a/b/c', '/A'])).toEqual(['/A', '/a', '/a/b', '/a/b/c', '/a-c', '/b']);
  });
});
