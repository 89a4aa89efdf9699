import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { RootcastError } from '../errors/rootcast-error.js';
import { formatCommandLine } from './command-line.js';
import { isProcessAlive } from './pid-alive.js';
import { programMissingError } from './program-missing.js';

export interface RsyncDaemonSpec {
  configFile: string;
  /** The `pid file` of the config: a stale one from a crashed run is removed, a live one refuses the start. */
  pidFile: string;
  address: string;
  port: number;
  /** @default "rsync" */
  command?: string;
}

/** `rsync --daemon` in the foreground, so we own its PID and see it exit. */
export const rsyncDaemonArgs = (spec: RsyncDaemonSpec): string[] => [
  '--daemon',
  '--no-detach',
  `--config=${spec.configFile}`,
  `--port=${spec.port}`,
  `--address=${spec.address}`,
];

export interface RestartPolicy {
  /** @default 250 */
  firstDelayMs: number;
  /** @default 10000 */
  maxDelayMs: number;
  /** Consecutive restarts that die before `stableAfterMs` before we give up. @default 8 */
  maxQuickFailures: number;
  /** @default 30000 */
  stableAfterMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { firstDelayMs: 250, maxDelayMs: 10_000, maxQuickFailures: 8, stableAfterMs: 30_000 };

export type SpawnDaemon = (command: string, args: readonly string[]) => ChildProcess;

// Own process group: a terminal's Ctrl-C reaches only serve, and stop() can signal the per-connection children too.
const spawnDetached: SpawnDaemon = (command, args) => spawn(command, [...args], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });

export interface RsyncDaemonSupervisorOptions {
  spec: RsyncDaemonSpec;
  log: (line: string) => void;
  policy?: Partial<RestartPolicy>;
  spawn?: SpawnDaemon;
  now?: () => number;
  /** Called once when restarts are exhausted; the daemon stays down. */
  onGiveUp?: (reason: string) => void;
  /** @default 10000 */
  readyTimeoutMs?: number;
}

export interface RsyncDaemonSupervisor {
  /** Spawns the daemon and resolves once its port accepts connections. */
  start(): Promise<void>;
  pid(): number | undefined;
  /** SIGTERM to the daemon's process group, SIGKILL after 5 s; resolves when it is gone. */
  stop(): Promise<void>;
}

const portAccepts = (address: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 500 });
    const finish = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.once('timeout', () => finish(false));
  });

// rsync reports a failed bind only in its log; a port someone else holds would also fool the readiness probe.
const assertPortFree = async (address: string, port: number): Promise<void> => {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RootcastError('UNAVAILABLE', `cannot run the rsync daemon on ${address}:${port}: ${code === 'EADDRINUSE' ? 'the port is already in use' : (error as Error).message}`, {
      hint: 'choose another --rsync ADDRESS:PORT, or stop what uses that port',
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
};

const probeAddress = (address: string): string => (address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address);

const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
};

export const superviseRsyncDaemon = (options: RsyncDaemonSupervisorOptions): RsyncDaemonSupervisor => {
  const policy = { ...defaultRestartPolicy, ...options.policy };
  const spawnDaemon = options.spawn ?? spawnDetached;
  const now = options.now ?? Date.now;
  const command = options.spec.command ?? 'rsync';
  const args = rsyncDaemonArgs(options.spec);
  const commandLine = formatCommandLine(command, args);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping = false;
  let quickFailures = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let stderrTail: string[] = [];
  let spawnError: NodeJS.ErrnoException | undefined;

  const removeStalePidFile = async (): Promise<void> => {
    const text = await readFile(options.spec.pidFile, 'utf8').catch(() => undefined);
    const pid = Number(text?.trim());
    if (text === undefined) return;
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== child?.pid && isProcessAlive(pid)) {
      throw new RootcastError('IN_USE', `an rsync daemon (pid ${pid}) is still running with ${options.spec.configFile}`, {
        hint: `another "rootcast serve" uses this home, or an earlier one was killed: stop it (kill ${pid}) and start again`,
      });
    }
    await rm(options.spec.pidFile, { force: true });
  };

  const launch = (): ChildProcess => {
    stderrTail = [];
    spawnError = undefined;
    const startedAt = now();
    const proc = spawnDaemon(command, args);
    let buffered = '';
    proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        stderrTail = [...stderrTail.slice(-11), line];
        options.log(`rsyncd: ${line}`);
      }
    });
    exited = new Promise((resolve) => {
      proc.once('error', (error: NodeJS.ErrnoException) => {
        spawnError = error;
        resolve();
        if (!stopping) options.log(`cannot run ${commandLine}: ${error.message}`);
      });
      proc.once('exit', (code, signal) => {
        resolve();
        if (child === proc) child = undefined;
        if (!stopping) scheduleRestart(now() - startedAt, code === null ? `signal ${signal}` : `exit code ${code}`, proc.pid);
      });
    });
    child = proc;
    return proc;
  };

  const waitUntilReady = async (proc: ChildProcess): Promise<void> => {
    const deadline = now() + (options.readyTimeoutMs ?? 10_000);
    while (now() < deadline) {
      if (spawnError !== undefined) {
        const hint = 'install rsync (scripts/setup-system.sh), then start serve again';
        if (spawnError.code === 'ENOENT') throw programMissingError(command, hint);
        throw new RootcastError('UNAVAILABLE', `cannot start ${commandLine}: ${spawnError.message}`, { hint });
      }
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new RootcastError('UNAVAILABLE', `the rsync daemon exited while starting: ${commandLine}`, {
          details: stderrTail.map((line) => `stderr: ${line}`),
          hint: `its log may say more; is port ${options.spec.port} on ${options.spec.address} already in use?`,
        });
      }
      if (await portAccepts(probeAddress(options.spec.address), options.spec.port)) return;
      await sleep(100);
    }
    throw new RootcastError('UNAVAILABLE', `the rsync daemon did not accept connections on port ${options.spec.port} in time: ${commandLine}`);
  };

  const scheduleRestart = (uptimeMs: number, how: string, pid: number | undefined): void => {
    quickFailures = uptimeMs >= policy.stableAfterMs ? 1 : quickFailures + 1;
    if (quickFailures > policy.maxQuickFailures) {
      const reason = `the rsync daemon died ${quickFailures} times in a row (last: pid ${pid}, ${how}); not restarting it again`;
      options.log(reason);
      options.onGiveUp?.(reason);
      return;
    }
    const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (quickFailures - 1));
    options.log(`rsync daemon (pid ${pid}) stopped unexpectedly (${how}); restarting in ${delay} ms (restart ${quickFailures} of at most ${policy.maxQuickFailures} in a row)`);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping) return;
      removeStalePidFile()
        .then(() => {
          const proc = launch();
          return waitUntilReady(proc).then(() => options.log(`rsync daemon restarted (pid ${proc.pid})`));
        })
        .catch((error: unknown) => options.log(`rsync daemon restart failed: ${(error as Error).message}`));
    }, delay);
  };

  return {
    start: async () => {
      stopping = false;
      await removeStalePidFile();
      await assertPortFree(options.spec.address, options.spec.port);
      const proc = launch();
      try {
        await waitUntilReady(proc);
      } catch (error) {
        stopping = true;
        if (proc.pid !== undefined) signalGroup(proc.pid, 'SIGKILL');
        throw error;
      }
      options.log(`rsync daemon listening on ${options.spec.address}:${options.spec.port} (pid ${proc.pid})`);
    },
    pid: () => child?.pid,
    stop: async () => {
      stopping = true;
      if (restartTimer !== undefined) clearTimeout(restartTimer);
      const proc = child;
      if (proc?.pid === undefined) return;
      signalGroup(proc.pid, 'SIGTERM');
      const killer = setTimeout(() => signalGroup(proc.pid as number, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
      // Connection children outlive their parent briefly; they share its process group.
      signalGroup(proc.pid, 'SIGKILL');
    },
  };
};
