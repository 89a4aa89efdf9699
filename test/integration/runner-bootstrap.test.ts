import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runnerPhases } from '../../src/protocol/deploy-protocol.js';
import { ensureDebootstrapRoot, imageRootRecipe, installedRootRecipe } from '../helpers/debootstrap-cache.js';
import { startDeployFixture, type DeployFixture } from '../helpers/deploy-fixture-server.js';
import { buildRunnerBundle, diffTrees } from '../helpers/runner-harness.js';

const run = promisify(execFile);
const bootstrap = join(import.meta.dirname, '../../boot/bootstrap.sh');
const keepPaths = ['/etc/fstab'];
// Unique, so finding it in some process's command line can only mean this test leaked it.
const token = `tok-${randomBytes(8).toString('hex')}`;

/** Every command line (/proc/PID/cmdline) that contains `needle`, sampled until `stop()`. */
const watchCommandLines = (needle: string): { stop: () => Promise<string[]> } => {
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
      await Promise.all(pids.map(async (pid) => {
        const line = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        if (line.includes(needle)) seen.add(line.replaceAll('\0', ' '));
      }));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return { stop: async () => { running = false; await loop; return [...seen]; } };
};

/** Runs bootstrap.sh with dash as an installer's %post would, the target bind-mounted in a private namespace. */
const runBootstrap = (target: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn('unshare', ['-m', '--propagation', 'private', '--', 'sh', '-c', 'mount --bind "$1" "$1" && shift && exec sh "$@"', 'sh', target, bootstrap, ...args], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('close', (status) => resolve({ status, stderr }));
  });

describe('boot/bootstrap.sh downloads node and the runner from the server and deploys', () => {
  let scratch: string;
  let installedRoot: string;
  let imageRoot: string;
  let fixture: DeployFixture;

  beforeAll(async () => {
    [installedRoot, imageRoot] = await Promise.all([ensureDebootstrapRoot(installedRootRecipe), ensureDebootstrapRoot(imageRootRecipe)]);
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-bootstrap-'));
    await buildRunnerBundle(join(scratch, 'runner.cjs'));
    await mkdir(join(scratch, 'fixture'));
    fixture = await startDeployFixture({
      workDir: join(scratch, 'fixture'),
      hosts: [{ name: 'web07', token, image: 'web', version: 1, imageRoot, keepPaths }],
      files: { '/boot/bootstrap.sh': bootstrap, '/runner/runner.cjs': join(scratch, 'runner.cjs'), '/runner/node': process.execPath },
    });
  }, 600_000);

  afterAll(async () => {
    await fixture?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  test.each(['direct', 'chroot'])('%s mode: the target ends up as the image, every phase reported', async (mode) => {
    const target = join(scratch, `target-${mode}`);
    await run('rm', ['-rf', target]);
    await run('cp', ['-a', installedRoot, target]);
    await writeFile(join(target, 'etc/fstab'), '# the installer\'s fstab\n');
    const work = join(scratch, `work-${mode}`);
    const from = fixture.events.length;
    const watch = watchCommandLines(token);
    const result = await runBootstrap(target, ['--server', `${fixture.url}/`, '--host', 'web07', '--target', target, '--family', 'debian'], {
      ROOTCAST_TOKEN: token,
      ROOTCAST_NODE_MODE: mode,
      ROOTCAST_WORK_DIR: work,
    });
    // No process (bootstrap, chroot, env, node, rsync) ever had the token on its command line.
    expect(await watch.stop()).toEqual([]);
    expect(result.stderr).toContain(mode === 'direct' ? 'in the installer environment' : 'chrooted into');
    expect(result.status).toBe(0);
    // In chroot mode node and the runner lived in the target's /run/rootcast (removed afterwards, which touches /run's mtime).
    expect(await diffTrees(imageRoot, target, [...keepPaths, '/var/log/rootcast/', ...(mode === 'chroot' ? ['/run/'] : [])])).toEqual([]);
    expect(await readdir(join(target, 'run'))).toEqual(await readdir(join(imageRoot, 'run')));
    expect(await readFile(join(target, 'etc/fstab'), 'utf8')).toBe('# the installer\'s fstab\n');
    const started = fixture.events.slice(from).filter((event) => event.status === 'started').map((event) => event.phase);
    expect(started).toEqual([...runnerPhases]);
    // The downloaded node and runner are removed afterwards, wherever they were put.
    await expect(readdir(join(target, 'run/rootcast'))).rejects.toThrow();
    await expect(readdir(work)).rejects.toThrow();
    expect(fixture.requests).toContain('GET /runner/node');
  }, 180_000);

  test('a missing argument is a usage error (64)', async () => {
    const result = await runBootstrap(scratch, ['--server', fixture.url, '--host', 'web07'], { ROOTCAST_TOKEN: token });
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/usage: ROOTCAST_TOKEN=TOKEN bootstrap.sh/);
  });

  test('without ROOTCAST_TOKEN in the environment it is a usage error (64); --token is not accepted', async () => {
    const args = ['--server', fixture.url, '--host', 'web07', '--target', scratch, '--family', 'debian'];
    expect((await runBootstrap(scratch, args, {})).status).toBe(64);
    const onArgv = await runBootstrap(scratch, [...args, '--token', token], {});
    expect(onArgv.status).toBe(64);
    expect(onArgv.stderr).toContain('unknown argument --token');
  });
});
