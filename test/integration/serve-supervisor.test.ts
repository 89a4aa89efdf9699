import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rsyncDaemonArgs, superviseRsyncDaemon, type RsyncDaemonSupervisor } from '../../src/sys/rsync-daemon.js';
import { isProcessAlive } from '../../src/sys/pid-alive.js';

const waitFor = async (condition: () => boolean, what: string): Promise<void> => {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (condition()) return;
    await sleep(50);
  }
  throw new Error(`gave up waiting for ${what}`);
};

// A real rsync daemon on loopback, killed from outside to exercise the restart policy.
describe('superviseRsyncDaemon', () => {
  let dir: string;
  let supervisor: RsyncDaemonSupervisor | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rootcast-supervisor-'));
    await writeFile(join(dir, 'rsyncd.conf'), `pid file = ${dir}/rsyncd.pid\nlog file = ${dir}/rsyncd.log\nhosts deny = *\n`);
  });
  afterEach(async () => {
    await supervisor?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const spec = () => ({ configFile: join(dir, 'rsyncd.conf'), pidFile: join(dir, 'rsyncd.pid'), address: '127.0.0.1', port: 0 });

  test('argv is plain data: foreground daemon with our config, port and address', () => {
    expect(rsyncDaemonArgs({ ...spec(), port: 8873 })).toEqual(['--daemon', '--no-detach', `--config=${dir}/rsyncd.conf`, '--port=8873', '--address=127.0.0.1']);
  });

  test('restarts a killed daemon, then gives up after too many quick deaths', async () => {
    const log: string[] = [];
    let gaveUp: string | undefined;
    const { createServer } = await import('node:net');
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    supervisor = superviseRsyncDaemon({
      spec: { ...spec(), port },
      log: (line) => log.push(line),
      policy: { firstDelayMs: 10, maxQuickFailures: 2, stableAfterMs: 60_000 },
      onGiveUp: (reason) => (gaveUp = reason),
    });
    await supervisor.start();
    const pids: number[] = [];
    for (let kill = 0; kill < 3; kill += 1) {
      const pid = supervisor.pid();
      expect(pid).toBeDefined();
      pids.push(pid as number);
      process.kill(pid as number, 'SIGKILL');
      if (kill < 2) await waitFor(() => log.some((line) => line.startsWith('rsync daemon restarted') && !line.includes(`pid ${pid})`)) && supervisor?.pid() !== pid, 'a restart');
    }
    await waitFor(() => gaveUp !== undefined, 'the supervisor to give up');
    expect(new Set(pids).size).toBe(3);
    expect(gaveUp).toContain('died 3 times in a row');
    expect(supervisor.pid()).toBeUndefined();
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
  });

  test('a daemon that exits while starting is a clear UNAVAILABLE error, and nothing is left running', async () => {
    supervisor = superviseRsyncDaemon({ spec: { ...spec(), configFile: join(dir, 'missing.conf') }, log: () => undefined });
    await expect(supervisor.start()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('exited while starting') });
    expect(supervisor.pid()).toBeUndefined();
  });

  test('a port already in use is refused before rsync is started', async () => {
    const { createServer } = await import('node:net');
    const holder = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => holder.once('listening', resolve));
    try {
      const port = (holder.address() as { port: number }).port;
      supervisor = superviseRsyncDaemon({ spec: { ...spec(), port }, log: () => undefined });
      await expect(supervisor.start()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('already in use') });
      expect(supervisor.pid()).toBeUndefined();
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  test('a missing rsync binary says so', async () => {
    supervisor = superviseRsyncDaemon({ spec: { ...spec(), command: 'rsync-not-installed' }, log: () => undefined });
    await expect(supervisor.start()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'rsync-not-installed is not installed or not on PATH' });
  });
});
