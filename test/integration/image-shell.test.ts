import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { imageLayout } from '../../src/image/layout.js';
import { listVersions } from '../../src/image/versions.js';
import { bundleCli, type TestBundle } from '../helpers/bundle-entry.js';
import { addVersion, inodeOf, namesIn } from '../helpers/image-builder.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { runInHome, runInProcess } from '../helpers/cli.js';
import { fillPlanned, recordingExec, spawnedLine } from '../helpers/recording-exec.js';
import { unmadeStagingName, type ShellPlan } from '../../src/image/shell-plan.js';
import type { ExecRequest } from '../../src/sys/exec.js';
import { formatPlannedCommandLines } from '../../src/sys/planned-command.js';
import { buildMinimalRoot, defaultChrootPrograms } from '../helpers/minimal-root.js';

let source: string;
let paths: HomePaths;
const pinned = new Date('2001-01-01T00:00:00Z');

/** Content, inode, mode, owner and mtime of every object (not ctime/nlink: each new hard link bumps those). */
const fingerprint = (root: string): string[] => {
  const lines: string[] = [];
  const walk = (path: string): void => {
    const s = lstatSync(path, { bigint: true });
    const body = s.isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex') : s.isSymbolicLink() ? readlinkSync(path) : '';
    lines.push(`${path.slice(root.length)} ino=${s.ino} mode=${s.mode.toString(8)} uid=${s.uid} mtime=${s.mtimeNs} ${body}`);
    if (s.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
  };
  walk(root);
  return lines;
};

const mountsUnder = (dir: string): string[] => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((line) => line.includes(dir));

beforeAll(async () => {
  source = await mkdtemp(join(tmpdir(), 'rootcast-shell-src-'));
  buildMinimalRoot(source, [...defaultChrootPrograms, 'sleep']);
  await mkdir(join(source, 'etc'), { recursive: true });
  await writeFile(join(source, 'etc/motd'), 'welcome\n');
  await writeFile(join(source, 'etc/keep'), 'unchanged\n');
  await writeFile(join(source, 'etc/gone'), 'delete me\n');
  await writeFile(join(source, 'etc/pinned'), 'AAAA\n');
  await utimes(join(source, 'etc/pinned'), pinned, pinned);
});

afterAll(async () => {
  await rm(source, { recursive: true, force: true });
});

beforeEach(async () => {
  paths = resolveHomePaths({ home: await mkdtemp(join(tmpdir(), 'rootcast-shell-')) });
  await addVersion(paths, 'web', source, { distro: { id: 'debian', versionId: '12', idLike: [] }, excludes: ['/proc/*'] });
});

afterEach(async () => {
  expect(mountsUnder(paths.home)).toEqual([]);
  await rm(paths.home, { recursive: true, force: true });
});

const root = (version: number): string => imageLayout(paths).versionRoot('web', version);

describe('image shell --command', () => {
  test('the new version lists kernels by the capture rule (vmlinuz and vmlinux, no rescue images)', async () => {
    const result = await runInHome(paths, ['image', 'shell', 'web', '--command', 'mkdir -p /boot && echo k > /boot/vmlinuz-6.1.0-9-amd64 && echo r > /boot/vmlinuz-0-rescue-0123 && echo x > /boot/vmlinux-6.2.0']);
    expect(result.status).toBe(0);
    const manifest = JSON.parse(await readFile(imageLayout(paths).manifestFile('web', 2), 'utf8')) as { kernels: string[] };
    expect(manifest.kernels).toEqual(['6.1.0-9-amd64', '6.2.0']);
  });

  test('an edit becomes version 2; unchanged files share inodes with version 1, which is untouched', async () => {
    const before = fingerprint(imageLayout(paths).versionDir('web', 1));
    const result = await runInHome(paths, ['image', 'shell', 'web', '--command', 'echo changed > /etc/motd']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('committed web@2 (1 change(s) on top of web@1)\n');
    expect(await listVersions(paths, 'web')).toEqual([1, 2]);
    expect(await readFile(join(root(2), 'etc/motd'), 'utf8')).toBe('changed\n');
    expect(await readFile(join(root(1), 'etc/motd'), 'utf8')).toBe('welcome\n');
    expect(await inodeOf(join(root(2), 'etc/keep'))).toBe(await inodeOf(join(root(1), 'etc/keep')));
    expect(await inodeOf(join(root(2), 'bin/sh'))).toBe(await inodeOf(join(root(1), 'bin/sh')));
    expect(await inodeOf(join(root(2), 'etc/motd'))).not.toBe(await inodeOf(join(root(1), 'etc/motd')));
    expect(fingerprint(imageLayout(paths).versionDir('web', 1))).toEqual(before);
    const manifest = JSON.parse(await readFile(imageLayout(paths).manifestFile('web', 2), 'utf8'));
    expect(manifest).toMatchObject({
      image: 'web',
      version: 2,
      parentVersion: 1,
      source: { kind: 'shell', from: 'web@1', command: 'echo changed > /etc/motd' },
      distro: { id: 'debian' },
      excludes: ['/proc/*'],
    });
    expect(manifest.fileCount).toBeGreaterThan(5);
    // Only the committed version is left: no upper/work/merged in it, nothing in staging.
    expect(await namesIn(imageLayout(paths).versionDir('web', 2))).toEqual(['manifest.json', 'root']);
    expect(await namesIn(imageLayout(paths).stagingDir('web'))).toEqual([]);
  });

  test('a command that changes nothing creates nothing, and its output is shown', async () => {
    const version = imageLayout(paths).versionDir('web', 1);
    const before = snapshotTree(version);
    const result = await runInHome(paths, ['image', 'shell', 'web@1', '--command', 'cat /etc/motd']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('welcome\nno changes; no new version (web@1 unchanged)\n');
    expect(await listVersions(paths, 'web')).toEqual([1]);
    expect(snapshotTree(version)).toEqual(before);
    expect(await namesIn(imageLayout(paths).stagingDir('web'))).toEqual([]);
  });

  test('a failing command commits nothing and reports its exit status', async () => {
    const before = fingerprint(imageLayout(paths).versionDir('web', 1));
    const result = await runInHome(paths, ['image', 'shell', 'web', '--command', 'echo half-done > /etc/motd; exit 3']);
    expect(result.status).toBe(70);
    expect(result.stderr).toContain('[SUBPROCESS_FAILED]: the shell on web@1 exited with status 3; no new version');
    expect(result.stderr).toContain('command: echo half-done > /etc/motd; exit 3');
    expect(await listVersions(paths, 'web')).toEqual([1]);
    expect(await namesIn(imageLayout(paths).stagingDir('web'))).toEqual([]);
    expect(fingerprint(imageLayout(paths).versionDir('web', 1))).toEqual(before);
  });

  test('a file deleted in the shell (an overlay whiteout) is absent from the new version only', async () => {
    const result = await runInHome(paths, ['image', 'shell', 'web', '--command', 'rm /etc/gone']);
    expect(result.status).toBe(0);
    expect(await namesIn(join(root(2), 'etc'))).not.toContain('gone');
    expect(await readFile(join(root(1), 'etc/gone'), 'utf8')).toBe('delete me\n');
    const diff = await runInHome(paths, ['image', 'diff', 'web@1', 'web@2']);
    expect(diff.stdout.split('\n')[0]).toBe('D /etc/gone');
  });

  test('an edit that keeps size and mtime is still committed (never mistaken for the shared base file)', async () => {
    const result = await runInHome(paths, ['image', 'shell', 'web', '--command', "printf 'BBBB\\n' > /etc/pinned && touch -d '2001-01-01 00:00:00' /etc/pinned"]);
    expect(result.stderr).toBe('');
    expect(await readFile(join(root(2), 'etc/pinned'), 'utf8')).toBe('BBBB\n');
    expect(await readFile(join(root(1), 'etc/pinned'), 'utf8')).toBe('AAAA\n');
  });

  test('the chroot gets a clean environment', async () => {
    const result = await runInHome(paths, ['image', 'shell', 'web', '--command', 'echo "home=$HOME path=$PATH leak=${NODE_OPTIONS-unset}" > /root/env']);
    expect(result.status).toBe(0);
    expect(await readFile(join(root(2), 'root/env'), 'utf8')).toBe('home=/root path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin leak=unset\n');
  });

  test('--dry-run prints the planned command and changes nothing; the run spawns exactly that command', async () => {
    const args = ['image', 'shell', 'web', '--command', `echo "it's" > /etc/motd`, '--dry-run'];
    const before = snapshotTree(paths.home);
    const result = await runInHome(paths, args);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`dry-run: would open "echo "it's" > /etc/motd" on web@1`);
    expect(result.stdout).toContain(`mount -t overlay overlay -o lowerdir=${root(1)},upperdir=`);
    const planned = (JSON.parse((await runInHome(paths, ['--json', ...args])).stdout) as { plan: ShellPlan }).plan;
    expect(snapshotTree(paths.home)).toEqual(before);
    // What the text shows is the planned command, byte for byte.
    expect(result.stdout).toContain(`\n${formatPlannedCommandLines(planned.session, '  ').join('\n')}\n`);

    const recorder = recordingExec();
    const run = await runInProcess(['--home', paths.home, ...args.slice(0, -1)], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, exec: recorder.exec });
    expect(run.status, run.stderr).toBe(0);
    expect(await readFile(join(root(2), 'etc/motd'), 'utf8')).toBe("it's\n");
    expect(recorder.requests).toHaveLength(1);
    const [spawned] = recorder.requests;
    // The staging directory is made at run time: the plan's placeholder is the one the run made.
    const staging = /\/\.staging\/([^/]+)\/upper/.exec(spawned?.args.join(' ') ?? '')?.[1] ?? '';
    expect(spawned?.command).toBe('unshare');
    expect(spawnedLine(spawned as ExecRequest)).toBe(fillPlanned(planned.session, unmadeStagingName, staging));
  });
});

describe('image shell and Ctrl-C', () => {
  let cli: TestBundle;
  beforeAll(async () => {
    cli = await bundleCli();
  });
  afterAll(async () => {
    await cli?.remove();
  });

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const groupAlive = (pid: number): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  test('SIGINT to the terminal\'s process group ends the command; rootcast reports it, commits nothing and cleans up', async () => {
    const stagingDir = imageLayout(paths).stagingDir('web');
    // detached: its own process group, like a shell job whose group the terminal signals on Ctrl-C.
    const child = spawn(process.execPath, [cli.file, '--home', paths.home, 'image', 'shell', 'web', '--command', 'touch /started; sleep 30'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const pid = child.pid as number;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const started = async (): Promise<boolean> => (await namesIn(stagingDir)).some((entry) => lstatSync(join(stagingDir, entry, 'upper/started'), { throwIfNoEntry: false }) !== undefined);
      for (let attempt = 0; attempt < 1000 && !(await started()); attempt += 1) await sleep(10);
      expect(await started()).toBe(true);
      process.kill(-pid, 'SIGINT');
      expect(await exited).toBe(70);
      expect(stderr).toContain('[SUBPROCESS_FAILED]: the shell on web@1 exited with status 130; no new version');
      expect(await listVersions(paths, 'web')).toEqual([1]);
      expect(await namesIn(stagingDir)).toEqual([]);
      expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(paths.home);
      // No orphaned chroot shell or sleep is left in the group.
      for (let attempt = 0; attempt < 100 && groupAlive(pid); attempt += 1) await sleep(10);
      expect(groupAlive(pid)).toBe(false);
    } finally {
      if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    }
  });
});
