import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runInChroot } from './chroot-session.js';
import { buildMinimalRoot } from './minimal-root.js';

// Namespaces, mounts and chroot need root; the CI machines run as root.
const isRoot = process.getuid?.() === 0;
let work: string;
let root: string;

beforeAll(() => {
  if (!isRoot) return;
  work = mkdtempSync(join(tmpdir(), 'rootcast-chroot-'));
  root = join(work, 'root');
  buildMinimalRoot(root, ['sh', 'env', 'cat', 'ls', 'sleep', 'readlink', 'grep']);
  mkdirSync(join(root, 'sys'));
});
afterAll(() => {
  if (isRoot) rmSync(work, { recursive: true, force: true });
});

const mountsBelow = (dir: string): string[] => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((line) => line.includes(` ${dir}/`));

test.skipIf(!isRoot)('the script runs chrooted with a clean environment, its own /proc and /dev, and leaves no mount behind', async () => {
  process.env['ROOTCAST_LEAK_CHECK'] = 'leaked';
  try {
    const output = await runInChroot(root, 'env | grep -c ROOTCAST_LEAK_CHECK || true\ngrep -q "mount -t proc" /proc/1/cmdline && echo pid1-is-the-session\nreadlink /dev/disk/by-uuid/abcd\nls /dev/null /dev/loop-control', {
      devices: ['/dev/loop-control'],
      devLinks: { 'disk/by-uuid/abcd': '../../loop-control' },
    });
    expect(output).toBe('0\npid1-is-the-session\n../../loop-control\n/dev/loop-control\n/dev/null\n');
  } finally {
    delete process.env['ROOTCAST_LEAK_CHECK'];
  }
  expect(mountsBelow(root)).toEqual([]);
});

test.skipIf(!isRoot)('a failing script is reported with the root, the script and its stderr', async () => {
  await expect(runInChroot(root, 'echo "no such thing" >&2\nexit 3')).rejects.toThrow(/chroot .*root failed with exit 3 running:\necho "no such thing" >&2\nexit 3\n--- stderr \(tail\) ---\nno such thing/);
  expect(mountsBelow(root)).toEqual([]);
});

test.skipIf(!isRoot)('a script that outlives its bound is killed with everything it started', async () => {
  await expect(runInChroot(root, 'sleep 31.25 & sleep 31.5', { timeoutMs: 1_000 })).rejects.toThrow(/was killed after 1000 ms \(timeout\)/);
  const left = execFileSync('sh', ['-c', 'pgrep -f "sleep 31\\.[25]" || true'], { encoding: 'utf8' }).trim();
  expect(left).toBe('');
  expect(mountsBelow(root)).toEqual([]);
});
