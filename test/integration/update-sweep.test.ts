import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { sweepDelayedUpdates } from '../../src/update/sweep.js';
import { planUpdateExcludes } from '../../src/update/update-excludes.js';
import { recordingExec } from '../helpers/recording-exec.js';

const none = { keepPaths: [], captureExcludes: [], adminPatterns: [], foreignMounts: [], swapFiles: [], linkedDataDirs: [] };
const argMax = Number(execFileSync('getconf', ['ARG_MAX'], { encoding: 'utf8' }));

/** A leftover as a killed rsync leaves it: a .~tmp~ directory holding a received file. */
const leave = (root: string, dir: string): string => {
  const path = join(root, dir, '.~tmp~');
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'file'), 'staged\n');
  return path;
};

describe('the .~tmp~ sweep on a real tree (real find and rm)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rootcast-sweep-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('removes leftovers in synced trees and beside a layer\'s file, keeps every one in data the update does not sync', async () => {
    // data/o matches the mount /data/[odd] only as an unescaped glob: it is swept.
    const removed = ['', 'etc', 'usr/lib/x86_64-linux-gnu', 'var/lib/dpkg/info', 'root/.ssh', 'data/o'].map((dir) => leave(root, dir));
    const kept = ['home/u', 'root/backup', 'var/lib/mysql', 'var/lib/mysql/db1', 'var/log/app', 'srv/keep/x', 'mnt/nfs/share', 'data/[odd]/share', 'tmp/work', 'var/cache/apt'].map((dir) => leave(root, dir));
    const excludes = planUpdateExcludes({ ...none, keepPaths: ['/etc/fstab', '/boot/efi/'], adminPatterns: ['/srv/keep/'], foreignMounts: ['/mnt/nfs', '/data/[odd]'] });
    const owners = [{ path: '/root/.ssh/authorized_keys', layer: 'host/web07', kind: 'provides' as const }];
    const { exec, requests } = recordingExec();
    expect(await sweepDelayedUpdates(exec, root, excludes, owners)).toBe(removed.length);
    expect(removed.filter((path) => existsSync(path))).toEqual([]);
    expect(kept.filter((path) => !existsSync(join(path, 'file')))).toEqual([]);
    expect(requests.map((request) => request.command)).toEqual(['find', 'rm']);
    // Nothing left to sweep: no rm at all.
    const again = recordingExec();
    expect(await sweepDelayedUpdates(again.exec, root, excludes, owners)).toBe(0);
    expect(again.requests.map((request) => request.command)).toEqual(['find']);
  });

  test('3,000 leftovers whose paths exceed one argv (ARG_MAX) are removed by several bounded rm runs', async () => {
    // Four 200-byte components: every path is ~850 bytes, 3,000 of them more than one exec can take.
    const deep = join('usr/share', ...Array.from({ length: 4 }, (_, index) => `${index}`.repeat(200)));
    const leftovers = Array.from({ length: 3000 }, (_, index) => join(root, deep, `n${index}`, '.~tmp~'));
    for (const path of leftovers) mkdirSync(path, { recursive: true });
    expect(leftovers.reduce((sum, path) => sum + Buffer.byteLength(path) + 1, 0)).toBeGreaterThan(argMax);
    const { exec, requests } = recordingExec();
    expect(await sweepDelayedUpdates(exec, root, planUpdateExcludes(none), [])).toBe(3000);
    expect(leftovers.filter((path) => existsSync(path))).toEqual([]);
    const removals = requests.filter((request) => request.command === 'rm');
    expect(removals.length).toBeGreaterThan(1);
    expect(removals.flatMap((request) => request.args.slice(2)).sort()).toEqual([...leftovers].sort());
  }, 60_000);
});
