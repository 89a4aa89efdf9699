import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadDistroProfilesSync } from '../../src/answer/load-distro-profiles.js';
import { issueInstallToken } from '../../src/credentials/issue-token.js';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { imageLayout } from '../../src/image/layout.js';
import { findPackageRoot } from '../../src/package/package-root.js';
import { freePort } from '../../src/sys/free-port.js';
import { readChildPids, readProcessTree } from '../../src/sys/process-children.js';
import { rootcastBinary } from '../helpers/cli.js';
import { ensureDebootstrapRoot, imageRootRecipe, installedRootRecipe } from '../helpers/debootstrap-cache.js';
import { minimalManifest } from '../helpers/image-builder.js';
import { buildRunnerBundle, diffTrees, runBundle } from '../helpers/runner-harness.js';
import { storedPhaseEvents } from '../helpers/stored-events.js';

const run = promisify(execFile);
const keepPaths = loadDistroProfilesSync(join(findPackageRoot(), 'kickstart')).get('debian12')?.keepPaths ?? [];
// Besides the kept paths: the runner's own files (log, credential, first-boot report), the machine id it writes and web07's identity layer.
const firstBootPaths = ['/usr/local/lib/rootcast/', '/etc/systemd/system/rootcast-firstboot.service', '/etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service'];
const notFromImage = [...keepPaths, '/var/log/rootcast/', '/etc/rootcast/', '/etc/machine-id', ...firstBootPaths, '/etc/hostname', '/etc/hosts'];
const inventory = [
  'images:',
  '  web: {install: {distro: debian12}, identity: {network: keep}}',
  'hosts:',
  '  web07: {mac: "52:54:00:12:34:56", ip: 127.0.0.1, image: web}',
  '',
].join('\n');

/** The shipped `rootcast serve` as its own process (node dist/rootcast.mjs), on fixed loopback ports so it can be restarted. */
interface ServeProcess {
  child: ChildProcess;
  /** Sends `signal` and resolves with the exit code. */
  stop: (signal: NodeJS.Signals) => Promise<number | null>;
}

const startServeProcess = async (home: string, http: number, rsync: number): Promise<ServeProcess> => {
  const child = spawn(process.execPath, [rootcastBinary, '--home', home, 'serve', '--http', `127.0.0.1:${http}`, '--rsync', `127.0.0.1:${rsync}`, '--rsync-allow', '127.0.0.1'], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  for (let wait = 0; wait < 300 && !output.includes('rootcast serve: HTTP on') && child.exitCode === null; wait += 1) await sleep(100);
  if (!output.includes('rootcast serve: HTTP on')) {
    child.kill('SIGKILL');
    throw new Error(`rootcast serve did not start:\n${output}`);
  }
  return {
    child,
    stop: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
};

/** The rsync daemons serve runs for its connections, each with what it forked. */
const daemonTrees = async (servePid: number): Promise<number[]> => {
  const daemons: number[] = [];
  for (const pid of await readChildPids(servePid)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('rsync\0--daemon\0')) daemons.push(...(await readProcessTree(pid)));
  }
  return daemons;
};

describe('the runner under server faults (the shipped rootcast serve as its own process, the runner bundle)', () => {
  let scratch: string;
  let paths: HomePaths;
  let installedRoot: string;
  let imageRoot: string;
  let bundle: string;
  let ports: { http: number; rsync: number };
  let serve: ServeProcess | undefined;

  const freshTarget = async (name: string): Promise<string> => {
    const target = join(scratch, name);
    await mkdir(target);
    await run('cp', ['-a', `${installedRoot}/.`, `${target}/`]);
    await writeFile(join(target, 'etc/fstab'), 'UUID=1234 / ext4 defaults 0 1\n');
    return target;
  };
  const token = async (): Promise<string> => (await issueInstallToken(paths, 'web07', { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'test' })).token;
  /** Starts the runner bundle (slowed by --bwlimit so there is time to act); `stop` SIGKILLs it if it still runs. */
  const deploy = async (target: string, extra: string[]) => {
    const running = runBundle(bundle, ['--target', target, '--server', `http://127.0.0.1:${ports.http}`, '--host', 'web07', '--work-dir', join(scratch, 'work'), '--no-bootloader', '--bwlimit', '4000', '--progress-interval', '1', ...extra], { target, env: { ROOTCAST_TOKEN: await token() } });
    let finished = false;
    void running.done.then(() => (finished = true));
    return {
      done: running.done,
      stop: async () => {
        const pid = running.pid();
        if (!finished && pid !== undefined) process.kill(pid, 'SIGKILL');
        await running.done;
      },
    };
  };
  /**
   * Waits until a pull started after `sinceMs` moves bytes: serve stored a progress event with bytes that the
   * runner reported after that time (an event queued before a restart may be stored after it, but keeps its time).
   */
  const waitForTransfer = async (sinceMs: number): Promise<void> => {
    const moving = async (): Promise<boolean> =>
      (await storedPhaseEvents(paths, 'web07')).some((event) => event.phase === 'sync-image' && event.status === 'progress' && (event.bytes ?? 0) > 0 && Date.parse(event.at) >= sinceMs);
    for (let wait = 0; wait < 600 && !(await moving()); wait += 1) await sleep(100);
    expect(await moving()).toBe(true);
  };

  beforeAll(async () => {
    [installedRoot, imageRoot] = await Promise.all([ensureDebootstrapRoot(installedRootRecipe), ensureDebootstrapRoot(imageRootRecipe)]);
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-runner-faults-'));
    bundle = join(scratch, 'runner.cjs');
    await buildRunnerBundle(bundle);
    paths = resolveHomePaths({ home: join(scratch, 'home') });
    const layout = imageLayout(paths);
    await mkdir(layout.versionDir('web', 1), { recursive: true });
    // Hard links are enough: the daemon only reads the image.
    await run('cp', ['-al', imageRoot, layout.versionRoot('web', 1)]);
    await writeFile(layout.manifestFile('web', 1), JSON.stringify(minimalManifest('web', 1)));
    await writeFile(paths.inventoryFile, inventory);
    ports = { http: await freePort(), rsync: await freePort() };
    serve = await startServeProcess(paths.home, ports.http, ports.rsync);
  }, 600_000);

  afterAll(async () => {
    await serve?.stop('SIGKILL');
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  test('serve\'s daemon stopped mid-transfer (SIGSTOP): the pull goes silent, the stall watchdog kills it, the retry completes', async () => {
    const target = await freshTarget('target-stalled');
    const started = Date.now();
    const running = await deploy(target, ['--retries', '5', '--stall-timeout', '3']);
    let stopped: number[] = [];
    try {
      await waitForTransfer(started);
      stopped = await daemonTrees(serve?.child.pid as number);
      expect(stopped.length).toBeGreaterThan(0);
      for (const pid of stopped) process.kill(pid, 'SIGSTOP');
      const result = await running.done;
      expect(result.stderr).toMatch(/try 1 failed \(no progress for 3 s: the transfer stalled \(killed it\)\)/);
      expect([result.status, result.stderr]).toEqual([0, expect.any(String)]);
      expect(await diffTrees(imageRoot, target, notFromImage)).toEqual([]);
      expect(await readFile(join(target, 'etc/hostname'), 'utf8')).toBe('web07\n');
      // The stopped daemon is still there, stopped: the runner got past it, not around a server that came back.
      const states = await Promise.all(stopped.map((pid) => readFile(`/proc/${pid}/stat`, 'utf8').then((stat) => /^\d+ \(.*\) (\S)/.exec(stat)?.[1], () => 'gone')));
      expect(states.every((state) => state === 'T')).toBe(true);
    } finally {
      for (const pid of stopped) {
        try {
          process.kill(pid, 'SIGKILL');
          process.kill(pid, 'SIGCONT');
        } catch {
          // Already gone.
        }
      }
      await running.stop();
    }
  }, 240_000);

  test('serve stopped with SIGTERM and started again, twice, during a deploy: the runner retries and converges (exit 0)', async () => {
    const target = await freshTarget('target-restarts');
    let since = Date.now();
    const running = await deploy(target, ['--retries', '10']);
    try {
      for (let restart = 0; restart < 2; restart += 1) {
        await waitForTransfer(since);
        expect(await serve?.stop('SIGTERM')).toBe(0);
        serve = await startServeProcess(paths.home, ports.http, ports.rsync);
        since = Date.now();
      }
      const result = await running.done;
      expect(result.stderr).toMatch(/try \d+ failed \(the image server stopped the transfer/);
      expect([result.status, result.stderr]).toEqual([0, expect.any(String)]);
      expect(await diffTrees(imageRoot, target, notFromImage)).toEqual([]);
      expect(await readFile(join(target, 'etc/hostname'), 'utf8')).toBe('web07\n');
    } finally {
      await running.stop();
    }
  }, 300_000);
});
