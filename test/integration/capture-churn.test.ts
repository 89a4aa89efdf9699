import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import type { CaptureWarning, ImageManifest } from '../../src/image/manifest.js';
import { bundleCli, type TestBundle } from '../helpers/bundle-entry.js';
import { bundleChurn, startChurn } from '../helpers/churn.js';
import { generationFileBytes, generationsIn } from '../helpers/churn-pattern.js';
import { buildMinimalRoot, goldenClientPrograms } from '../helpers/minimal-root.js';
import { findProcesses } from '../helpers/runner-harness.js';
import { makeChrootDir, startSshd, type TestSshd } from '../helpers/sshd.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const run = (args: string[]) => runInProcess(args);

/** Objects below root and apparent bytes of distinct non-directory inodes, by find(1): not by the code under test. */
const walkWithFind = (root: string): { fileCount: number; sizeBytes: number } => {
  const lines = execFileSync('find', [root, '-mindepth', '1', '-printf', '%i %y %s\\n'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean);
  const sizes = new Map<string, number>();
  for (const line of lines) {
    const [inode, type, size] = line.split(' ');
    if (type !== 'd') sizes.set(inode as string, Number(size));
  }
  return { fileCount: lines.length, sizeBytes: [...sizes.values()].reduce((sum, size) => sum + size, 0) };
};

const warningOf = (warnings: readonly CaptureWarning[] | undefined, kind: CaptureWarning['kind']): CaptureWarning | undefined =>
  warnings?.find((warning) => warning.kind === kind);

const latestVersion = (home: string): number => Math.max(...readdirSync(join(home, 'images/web')).filter((name) => /^\d+$/.test(name)).map(Number));

/**
 * What must hold for every capture of a churning tree: counts of what was stored, vanished files not in
 * it, and data/gen.bin (rewritten in place without pause) either one whole generation or named unstable.
 * gen.bin sorts before everything else that changes, so it is among the first names a warning keeps.
 */
const checkStoredVersion = (home: string): ImageManifest => {
  const dir = join(home, 'images/web', String(latestVersion(home)));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ImageManifest;
  const root = join(dir, 'root');
  expect({ fileCount: manifest.fileCount, sizeBytes: manifest.sizeBytes }).toEqual(walkWithFind(root));
  for (const path of warningOf(manifest.warnings, 'vanished')?.first ?? []) expect(existsSync(join(root, path)), `${path} vanished, yet stored`).toBe(false);
  const unstable = warningOf(manifest.warnings, 'unstable')?.first ?? [];
  for (const path of unstable) expect(lstatSync(join(root, path)).isFile()).toBe(true);
  const stored = readFileSync(join(root, 'data/gen.bin'));
  expect(stored.length).toBe(generationFileBytes);
  const generations = [...generationsIn(stored)];
  if (!unstable.includes('/data/gen.bin')) expect(generations, 'data/gen.bin is stored torn and not named unstable').toHaveLength(1);
  return manifest;
};

/**
 * Captures while the churn runs until a run reports vanished files (a loaded machine can starve the churn
 * for a whole run: then nothing vanished, and no warning is right). Every run must pass checkStoredVersion.
 */
const captureUntilVanished = async (args: string[], json: boolean): Promise<{ stderr: string; stdout: string; manifest: ImageManifest }> => {
  const home = args[args.indexOf('--home') + 1] as string;
  for (let attempt = 1; ; attempt += 1) {
    const result = await run(json ? ['--json', ...args] : args);
    expect(result.status, result.stderr).toBe(0);
    const manifest = checkStoredVersion(home);
    const reported = json ? warningOf((JSON.parse(result.stdout) as { warnings: CaptureWarning[] }).warnings, 'vanished') : /^warning: [\d,]+ file\(s\) vanished/m.test(result.stderr);
    if (reported !== undefined && reported !== false) return { ...result, manifest };
    if (attempt === 4) throw new Error(`no capture of 4 reported vanished files; last stderr:\n${result.stderr}`);
  }
};

const expectVanishedReported = (text: { stderr: string }, json: { stdout: string; manifest: ImageManifest }): void => {
  expect(text.stderr).toMatch(/^warning: [\d,]+ file\(s\) vanished on the golden client while it was captured \(rsync exit 24\); they are not in the image:\n {2}\/srv\/churn\/f\d+\n/m);
  const parsed = JSON.parse(json.stdout) as { manifest: ImageManifest; warnings: CaptureWarning[]; settle: { status: string; listings: number } };
  const vanished = warningOf(parsed.warnings, 'vanished');
  expect(vanished?.count).toBeGreaterThan(0);
  expect(vanished?.first.length).toBe(Math.min(20, vanished?.count ?? 0));
  for (const path of vanished?.first ?? []) expect(path).toMatch(/^\/srv\/churn\/f\d+$/);
  expect(parsed.manifest.warnings).toEqual(parsed.warnings);
  expect(parsed.settle.listings).toBeGreaterThanOrEqual(1);
};

describe('capture of a live directory tree (files appearing, vanishing, rewritten in place)', () => {
  let scratch: string;
  let churnBundle: TestBundle;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rootcast-churn-'));
    churnBundle = await bundleChurn();
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await churnBundle?.remove();
  });

  test('exit 0, vanished files named on stderr and in --json, counts of what was stored, no torn file left unnamed', async () => {
    const source = join(scratch, 'source');
    mkdirSync(join(source, 'etc'), { recursive: true });
    writeFileSync(join(source, 'etc/os-release'), 'ID=testos\n');
    const home = join(scratch, 'home');
    const args = ['--home', home, 'capture', '--from-dir', source, '--image', 'web'];
    const churn = await startChurn(churnBundle, source);
    try {
      const text = await captureUntilVanished(args, false);
      const json = await captureUntilVanished([...args, '--settle', '2'], true);
      expectVanishedReported(text, json);
      const shown = await run(['--home', home, 'image', 'show', `web@${json.manifest.version}`]);
      expect(shown.stdout).toContain(`in ${json.manifest.fileCount} files`);
      expect(shown.stdout).toMatch(/\n {2}WARNING: [\d,]+ file\(s\) vanished/);
    } finally {
      await churn.stop();
    }
  });

  test('a file rewritten after the pull read it is re-pulled (stale with --settle 0); no change during a capture reaches an earlier version', async () => {
    const source = join(scratch, 'rewrite');
    const first = join(source, 'a/first.txt');
    mkdirSync(join(source, 'a'), { recursive: true });
    mkdirSync(join(source, 'z'));
    const home = join(scratch, 'home-rewrite');
    const stored = (version: number) => join(home, 'images/web', String(version), 'root/a/first.txt');
    /** Captures, and runs `change` on the source once the pull has stored a/first.txt (and is still copying z/). */
    const captureChanging = async (settle: string, change: () => void) => {
      // Fresh data after a/first.txt (rsync goes in name order): the pull is still running when the test strikes.
      for (let index = 0; index < 8; index += 1) writeFileSync(join(source, 'z', `blob-${index}`), randomBytes(16 * 1024 * 1024));
      const capture = run(['--json', '--home', home, 'capture', '--from-dir', source, '--image', 'web', '--settle', settle]);
      const staged = (): boolean => {
        const staging = join(home, 'images/web/.staging');
        return existsSync(staging) && readdirSync(staging).some((dir) => existsSync(join(staging, dir, 'root/a/first.txt')));
      };
      for (let attempt = 0; attempt < 1000 && !staged(); attempt += 1) await sleep(10);
      change();
      const result = await capture;
      expect(result.status, result.stderr).toBe(0);
      const parsed = JSON.parse(result.stdout) as { manifest: ImageManifest; warnings: CaptureWarning[]; settle: unknown };
      return { ...parsed, content: readFileSync(stored(parsed.manifest.version), 'utf8') };
    };

    writeFileSync(first, 'first version\n');
    const settled = await captureChanging('1', () => writeFileSync(first, 'second, longer version\n'));
    expect(settled.content).toBe('second, longer version\n');
    expect(settled.settle).toEqual({ status: 'stable', repulls: 1, listings: 2, repulledFiles: 1 });
    expect(settled.warnings).toEqual([]);

    writeFileSync(first, 'third version\n');
    const unsettled = await captureChanging('0', () => writeFileSync(first, 'fourth, longer version\n'));
    expect(unsettled.content).toBe('third version\n');
    expect(unsettled.settle).toEqual({ status: 'off', repulls: 0, listings: 0, repulledFiles: 0 });

    // Unchanged since @2, so the pull hard-links it to @2's inode; a mode change (rsync would apply it to that
    // shared inode in place) and a content change during the capture must leave @2 as it was.
    writeFileSync(first, 'third version\n');
    execFileSync('touch', ['-r', stored(2), first]);
    const before = lstatSync(stored(2));
    const chmodded = await captureChanging('1', () => chmodSync(first, 0o600));
    expect(lstatSync(stored(chmodded.manifest.version)).ino).toBe(before.ino);
    const rewritten = await captureChanging('1', () => {
      chmodSync(first, 0o640);
      writeFileSync(first, 'fifth version\n');
    });
    expect(rewritten.content).toBe('fifth version\n');
    expect(lstatSync(stored(rewritten.manifest.version)).mode & 0o777).toBe(0o640);
    const after = lstatSync(stored(2));
    expect({ mode: after.mode, size: after.size, mtimeMs: after.mtimeMs }).toEqual({ mode: before.mode, size: before.size, mtimeMs: before.mtimeMs });
    expect(readFileSync(stored(2), 'utf8')).toBe('third version\n');
  });
});

describe('an interrupted capture while settling behaves like one interrupted during the pull', () => {
  let scratch: string;
  let churnBundle: TestBundle;
  let cli: TestBundle;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rootcast-churn-int-'));
    [churnBundle, cli] = await Promise.all([bundleChurn(), bundleCli()]);
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await churnBundle?.remove();
    await cli?.remove();
  });

  test('SIGINT during a settling listing: rsync is stopped, staging is removed, no version, exit 75', async () => {
    const source = join(scratch, 'source');
    const home = join(scratch, 'home');
    mkdirSync(source);
    const churn = await startChurn(churnBundle, source);
    try {
      // Ten re-pulls of a file rewritten without pause: settling goes on long enough to strike while it lists.
      const child = spawn(process.execPath, [cli.file, '--home', home, 'capture', '--from-dir', source, '--image', 'web', '--settle', '10'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let listing: number[] = [];
      for (let attempt = 0; attempt < 2000 && listing.length === 0 && child.exitCode === null; attempt += 1) {
        listing = findProcesses('rsync', '--dry-run', join(home, 'images/web/.staging'));
        if (listing.length === 0) await sleep(5);
      }
      expect(listing.length, 'no settling listing was seen running').toBeGreaterThan(0);
      child.kill('SIGINT');
      expect(await exited).toBe(75);
      expect(stderr).toContain('[INTERRUPTED]');
      expect(existsSync(join(home, 'images/web')) ? readdirSync(join(home, 'images/web')) : []).toEqual([]);
      expect(existsSync(join(home, 'images/.web.lock'))).toBe(false);
    } finally {
      await churn.stop();
    }
  });
});

describe.each([
  ['without GNU find: every settling listing is the full one', goldenClientPrograms()],
  ['with find and date: settling lists what changed since the pull began', [...goldenClientPrograms(), 'find', 'date']],
])('capture over SSH of a live golden client (real sshd, files appearing, vanishing, rewritten in place), %s', (_name, programs) => {
  let root: string;
  let sshd: TestSshd;
  let scratch: string;
  let knownHosts: string;
  let churnBundle: TestBundle;

  beforeAll(async () => {
    root = makeChrootDir();
    buildMinimalRoot(root, programs);
    writeFileSync(join(root, 'etc/os-release'), 'ID=testos\nVERSION_ID="1"\n');
    sshd = await startSshd(root);
    scratch = mkdtempSync(join(tmpdir(), 'rootcast-churn-ssh-'));
    knownHosts = join(scratch, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.hostKeyLine}\n`);
    churnBundle = await bundleChurn();
  });
  afterAll(async () => {
    await sshd?.stop();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
    await churnBundle?.remove();
  });

  test('exit 0, vanished files named on stderr and in --json, counts of what was stored, no torn file left unnamed', async () => {
    const home = join(scratch, 'home');
    const args = ['--home', home, 'capture', `root@127.0.0.1:${sshd.port}`, '--image', 'web', '--ssh-key', sshd.clientKeyPath, '--known-hosts', knownHosts];
    const churn = await startChurn(churnBundle, root);
    try {
      const text = await captureUntilVanished(args, false);
      const json = await captureUntilVanished(args, true);
      expectVanishedReported(text, json);
    } finally {
      await churn.stop();
    }
  });
});
