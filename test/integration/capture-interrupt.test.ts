import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { bundleCli, type TestBundle } from '../helpers/bundle-entry.js';
import { buildMinimalRoot, goldenClientPrograms } from '../helpers/minimal-root.js';
import { makeChrootDir, startSshd, type TestSshd } from '../helpers/sshd.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const stagingEntries = (home: string): string[] => {
  const dir = join(home, 'images/web/.staging');
  return existsSync(dir) ? readdirSync(dir) : [];
};

/** Polls until a capture has started writing into its staging root. */
const waitForStagingData = async (home: string): Promise<void> => {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const entries = stagingEntries(home);
    if (entries.some((entry) => existsSync(join(home, 'images/web/.staging', entry, 'root/data')))) return;
    await sleep(10);
  }
  throw new Error('the capture never started writing');
};

/** Every live descendant of a process (children from /proc/PID/task/TID/children, recursively). */
const descendantsOf = (pid: number): number[] => {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return children.flatMap((child) => [child, ...descendantsOf(child)]);
};

// A zombie still has a /proc entry; what matters is whether it can still run.
const isAlive = (pid: number): boolean => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

const versionsOf = (home: string): string[] =>
  existsSync(join(home, 'images/web')) ? readdirSync(join(home, 'images/web')).filter((name) => /^\d+$/.test(name)) : [];

describe('an interrupted capture leaves no version and the next one succeeds', () => {
  let scratch: string;
  let cli: TestBundle;
  let source: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rootcast-interrupt-'));
    cli = await bundleCli();
    source = join(scratch, 'source');
    // Enough data (~400 MiB of incompressible files) that the copy is still running when we strike.
    for (let dir = 0; dir < 8; dir += 1) {
      mkdirSync(join(source, 'data', String(dir)), { recursive: true });
      for (let file = 0; file < 25; file += 1) writeFileSync(join(source, 'data', String(dir), `blob-${file}`), randomBytes(2 * 1024 * 1024));
    }
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await cli?.remove();
  });

  const startCapture = (home: string) =>
    spawn(process.execPath, [cli.file, '--home', home, 'capture', '--from-dir', source, '--image', 'web'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });

  test('SIGKILL midway (a crash): only a staging directory is left, reused and removed by the next capture', async () => {
    const home = join(scratch, 'home-kill');
    const child = startCapture(home);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitForStagingData(home);
    // The whole process group, rsync included, as a crash or power loss would.
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited;
    expect(versionsOf(home)).toEqual([]);
    expect(stagingEntries(home)).toHaveLength(1);
    const leftover = join(home, 'images/web/.staging', stagingEntries(home)[0] as string);

    // --dry-run finds the same leftover the real run will use (one shared filter), and creates nothing.
    const dry = await runInProcess(['--home', home, 'capture', '--from-dir', source, '--image', 'web', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`  link-dest: ${join(leftover, 'root')}\n`);
    expect(stagingEntries(home)).toEqual([leftover.split('/').at(-1)]);

    const { status, stdout } = await runInProcess(['--home', home, 'capture', '--from-dir', source, '--image', 'web']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^captured web@1 /);
    expect(versionsOf(home)).toEqual(['1']);
    expect(stagingEntries(home)).toEqual([]);
    expect(readdirSync(join(home, 'images/web/1/root/data/7'))).toHaveLength(25);
  });

  test('SIGKILL of rootcast alone: its rsync dies with it and stops writing into staging', async () => {
    const home = join(scratch, 'home-orphan');
    const child = startCapture(home);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitForStagingData(home);
    const rsyncs = descendantsOf(child.pid as number);
    expect(rsyncs.length).toBeGreaterThan(0);
    // Only rootcast: an admin's kill -9 or the OOM killer, not a whole-group crash.
    process.kill(child.pid as number, 'SIGKILL');
    await exited;
    for (let attempt = 0; attempt < 100 && rsyncs.some(isAlive); attempt += 1) await sleep(50);
    expect(rsyncs.filter(isAlive)).toEqual([]);
    // An orphaned rsync would have finished the copy by now; one that died with rootcast left it incomplete.
    const copied = join(home, 'images/web/.staging', stagingEntries(home)[0] as string, 'root/data/7');
    const finished = existsSync(copied) ? readdirSync(copied).filter((name) => !name.startsWith('.')) : [];
    expect(finished.length).toBeLessThan(25);
    expect(versionsOf(home)).toEqual([]);
  });

  test('SIGINT midway: rsync is stopped, staging is removed, exit status 75', async () => {
    const home = join(scratch, 'home-int');
    const child = startCapture(home);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitForStagingData(home);
    child.kill('SIGINT');
    expect(await exited).toBe(75);
    expect(stderr).toContain('[INTERRUPTED]');
    expect(versionsOf(home)).toEqual([]);
    expect(stagingEntries(home)).toEqual([]);
    expect(existsSync(join(home, 'images/.web.lock'))).toBe(false);
  });
});

describe('a capture over SSH killed midway (SIGKILL) leaves no version, and the next capture succeeds', () => {
  let scratch: string;
  let cli: TestBundle;
  let root: string;
  let sshd: TestSshd;
  let knownHosts: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rootcast-interrupt-ssh-'));
    cli = await bundleCli();
    root = makeChrootDir();
    buildMinimalRoot(root, goldenClientPrograms());
    // ~160 MiB of incompressible files through ssh: still copying when the staging dir first shows data.
    for (let dir = 0; dir < 8; dir += 1) {
      mkdirSync(join(root, 'data', String(dir)), { recursive: true });
      for (let file = 0; file < 10; file += 1) writeFileSync(join(root, 'data', String(dir), `blob-${file}`), randomBytes(2 * 1024 * 1024));
    }
    sshd = await startSshd(root);
    knownHosts = join(scratch, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.hostKeyLine}\n`);
  });
  afterAll(async () => {
    await sshd?.stop();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    await cli?.remove();
  });

  test('SIGKILL of rootcast, rsync and ssh together: only a staging directory is left, reused and removed by the next capture', async () => {
    const home = join(scratch, 'home');
    const args = ['--home', home, 'capture', `root@127.0.0.1:${sshd.port}`, '--image', 'web', '--ssh-key', sshd.clientKeyPath, '--known-hosts', knownHosts];
    const child = spawn(process.execPath, [cli.file, ...args], { detached: true, stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitForStagingData(home);
    } finally {
      process.kill(-(child.pid as number), 'SIGKILL');
      await exited;
    }
    expect(versionsOf(home)).toEqual([]);
    expect(stagingEntries(home)).toHaveLength(1);
    // The kill really struck midway: the golden client's data was not all copied yet.
    const partial = join(home, 'images/web/.staging', stagingEntries(home)[0] as string, 'root/data/7');
    expect(existsSync(partial) ? readdirSync(partial).length : 0).toBeLessThan(10);

    const { status, stdout } = await runInProcess(args);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^captured web@1 /);
    expect(versionsOf(home)).toEqual(['1']);
    expect(stagingEntries(home)).toEqual([]);
    for (let dir = 0; dir < 8; dir += 1) expect(readdirSync(join(home, 'images/web/1/root/data', String(dir)))).toHaveLength(10);
  });
});
