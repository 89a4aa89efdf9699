import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runnerPhases } from '../../src/protocol/deploy-protocol.js';
import { ensureDebootstrapRoot, imageRootRecipe, installedRootRecipe } from '../helpers/debootstrap-cache.js';
import { startServeForTests, type ServeForTests } from '../helpers/serve-for-tests.js';
import { buildRunnerBundle, diffTrees } from '../helpers/runner-harness.js';

const run = promisify(execFile);
const bootstrap = join(import.meta.dirname, '../../boot/bootstrap.sh');
const keepPaths = ['/etc/fstab'];

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
  let serve: ServeForTests;

  beforeAll(async () => {
    [installedRoot, imageRoot] = await Promise.all([ensureDebootstrapRoot(installedRootRecipe), ensureDebootstrapRoot(imageRootRecipe)]);
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-bootstrap-'));
    await buildRunnerBundle(join(scratch, 'runner.cjs'));
    serve = await startServeForTests({
      home: join(scratch, 'home'),
      hosts: [{ name: 'web07', macs: [], ip: '127.0.0.1', imageRef: 'web@1', keepPaths }],
      images: [{ image: 'web', version: 1, root: imageRoot }],
      files: { bootstrapScript: bootstrap, runnerBundle: join(scratch, 'runner.cjs'), nodeBinary: process.execPath },
    });
  }, 600_000);

  afterAll(async () => {
    await serve?.stop();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  test.each(['direct', 'chroot'])('%s mode: the target ends up as the image, every phase reported', async (mode) => {
    const target = join(scratch, `target-${mode}`);
    await run('rm', ['-rf', target]);
    await run('cp', ['-a', installedRoot, target]);
    await writeFile(join(target, 'etc/fstab'), '# the installer\'s fstab\n');
    const work = join(scratch, `work-${mode}`);
    const from = (await serve.events('web07')).length;
    // Each install has its own answer file, hence its own token; finding it on a command line can only be a leak.
    const token = await serve.token('web07');
    const watch = watchCommandLines(token);
    const result = await runBootstrap(target, ['--server', `${serve.url}/`, '--host', 'web07', '--target', target, '--family', 'debian'], {
      ROOTCAST_TOKEN: token,
      ROOTCAST_NODE_MODE: mode,
      ROOTCAST_WORK_DIR: work,
    });
    // No process (bootstrap, chroot, env, node, rsync) ever had the token on its command line.
    expect(await watch.stop()).toEqual([]);
    expect(result.stderr).toContain(mode === 'direct' ? 'in the installer environment' : 'chrooted into');
    expect(result.status).toBe(0);
    // In chroot mode node and the runner lived in the target's /run/rootcast (removed afterwards, which touches /run's mtime).
    // Besides the runner's own files: the machine id it made, the first-boot report it installed.
    const runnerMade = ['/var/log/rootcast/', '/etc/rootcast/', '/etc/machine-id', '/usr/local/lib/rootcast/', '/etc/systemd/system/rootcast-firstboot.service', '/etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service'];
    expect(await diffTrees(imageRoot, target, [...keepPaths, ...runnerMade, ...(mode === 'chroot' ? ['/run/'] : [])])).toEqual([]);
    expect(await readdir(join(target, 'run'))).toEqual(await readdir(join(imageRoot, 'run')));
    expect(await readFile(join(target, 'etc/fstab'), 'utf8')).toBe('# the installer\'s fstab\n');
    const events = (await serve.events('web07')).slice(from);
    expect(events.filter((event) => event.status === 'started').map((event) => event.phase)).toEqual(runnerPhases.filter((phase) => phase !== 'done'));
    expect(events.at(-1)).toMatchObject({ phase: 'done', status: 'succeeded' });
    expect((await readFile(join(target, 'etc/rootcast/host.key'), 'utf8')).trim()).toMatch(/^h\d+-/);
    // The downloaded node and runner are removed afterwards, wherever they were put.
    await expect(readdir(join(target, 'run/rootcast'))).rejects.toThrow();
    await expect(readdir(work)).rejects.toThrow();
    expect(serve.requests()).toContain('GET /runner/node');
  }, 180_000);

  test('a missing argument is a usage error (64)', async () => {
    const result = await runBootstrap(scratch, ['--server', serve.url, '--host', 'web07'], { ROOTCAST_TOKEN: await serve.token('web07') });
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/usage: ROOTCAST_TOKEN=TOKEN bootstrap.sh/);
  });

  test('without ROOTCAST_TOKEN in the environment it is a usage error (64); --token is not accepted', async () => {
    const args = ['--server', serve.url, '--host', 'web07', '--target', scratch, '--family', 'debian'];
    expect((await runBootstrap(scratch, args, {})).status).toBe(64);
    const onArgv = await runBootstrap(scratch, [...args, '--token', await serve.token('web07')], {});
    expect(onArgv.status).toBe(64);
    expect(onArgv.stderr).toContain('unknown argument --token');
  });
});
