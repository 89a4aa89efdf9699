import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isFileInRoot, readInRoot, readRootEntry, resolveInRoot } from '../../../src/sys/root-tree.js';

let sandbox: string;
let root: string;

beforeEach(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'rootcast-root-tree-'));
  root = join(sandbox, 'root');
  // A file beside the root that no lookup inside the root may reach.
  writeFileSync(join(sandbox, 'outside'), 'host secret\n');
  mkdirSync(join(root, 'usr/sbin'), { recursive: true });
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'usr/sbin/ifup'), '#!/bin/sh\n');
  symlinkSync('usr/sbin', join(root, 'sbin'));
  symlinkSync('/usr/sbin/ifup', join(root, 'usr/sbin/ifdown'));
  symlinkSync(join(sandbox, 'outside'), join(root, 'etc/absolute-out'));
  symlinkSync('../../outside', join(root, 'etc/relative-out'));
  symlinkSync('loop-b', join(root, 'etc/loop-a'));
  symlinkSync('loop-a', join(root, 'etc/loop-b'));
});

afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

describe('reading inside an image root', () => {
  test('symlinks resolve the way a chroot would: absolute targets start at the root', async () => {
    expect(await resolveInRoot(root, 'sbin/ifup', true)).toBe(join(root, 'usr/sbin/ifup'));
    expect(await resolveInRoot(root, 'sbin/ifdown', true)).toBe(join(root, 'usr/sbin/ifup'));
    expect(await isFileInRoot(root, 'sbin/ifdown')).toBe(true);
    expect(await isFileInRoot(root, 'usr/sbin/NetworkManager')).toBe(false);
  });

  test('no link leads out of the root, absolute or with ..', async () => {
    expect(await resolveInRoot(root, 'etc/absolute-out', true)).toBeUndefined();
    expect(await resolveInRoot(root, 'etc/relative-out', true)).toBeUndefined();
    expect(await isFileInRoot(root, 'etc/absolute-out')).toBe(false);
    // ".." stops at the root, as in a chroot: the link finds the image's own /outside.
    writeFileSync(join(root, 'outside'), 'image file\n');
    expect(await resolveInRoot(root, 'etc/relative-out', true)).toBe(join(root, 'outside'));
    expect(await isFileInRoot(root, 'etc/relative-out')).toBe(true);
  });

  test('readInRoot follows the tree\'s own links (os-release -> ../usr/lib/os-release) and gives \'\' for what is not there', async () => {
    mkdirSync(join(root, 'usr/lib'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/os-release'), 'ID=debian\n');
    symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
    expect(await readInRoot(root, '/etc/os-release')).toBe('ID=debian\n');
    expect(await readInRoot(root, 'etc/absolute-out')).toBe('');
    expect(await readInRoot(root, '/etc/missing')).toBe('');
  });

  test('a link is read as a link, a loop is no entry, a missing path is undefined', async () => {
    expect(await readRootEntry(root, 'etc/absolute-out')).toEqual({ kind: 'symlink', target: join(sandbox, 'outside') });
    expect(await resolveInRoot(root, 'etc/loop-a', true)).toBeUndefined();
    expect(await readRootEntry(root, 'etc/missing')).toBeUndefined();
    expect(await readRootEntry(root, 'sbin')).toEqual({ kind: 'symlink', target: 'usr/sbin' });
    expect(await readRootEntry(root, 'sbin/ifup')).toEqual({ kind: 'file', content: '#!/bin/sh\n', mode: 0o644 });
    expect(await readRootEntry(root, 'usr')).toEqual({ kind: 'dir', names: ['sbin'] });
  });
});
