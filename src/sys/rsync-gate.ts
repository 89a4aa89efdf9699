import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { open, stat } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { RootcastError } from '../errors/rootcast-error.js';
import { execProcess } from './exec.js';
import { admitConnection, authenticatedPid, refusalGreeting, type RsyncConnectionLimits } from './rsync-admission.js';

export interface RsyncGateSpec {
  address: string;
  /** 0 picks a free port. */
  port: number;
  configFile: string;
  /** The `log file` of the config: every connection's daemon appends `[PID] …` lines to it. */
  logFile: string;
  /** @default "rsync" */
  command?: string;
}

export interface RsyncGateOptions {
  spec: RsyncGateSpec;
  limits: RsyncConnectionLimits;
  log: (line: string) => void;
  /** How often the daemon log is read while a connection waits to authenticate. @default 200 */
  pollMs?: number;
}

export interface RsyncConnection {
  client: string;
  pid: number;
  authenticated: boolean;
}

export interface RsyncGate {
  address: string;
  port: number;
  connections(): RsyncConnection[];
  /** Stops accepting, ends every running transfer (SIGTERM, SIGKILL after 5 s) and resolves when they are gone. */
  stop(): Promise<void>;
}

/** `rsync --daemon` in inetd mode: it serves the one connection on its stdin and sees the client's real address. */
export const rsyncInetdArgs = (configFile: string): string[] => ['--daemon', `--config=${configFile}`];

const clientOf = (socket: Socket): string => (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/i, '');

/** Reads what the daemon log gained since the last call (it is appended to by every connection). */
const logReader = (file: string): (() => Promise<string>) => {
  let offset: number | undefined;
  return async () => {
    const size = await stat(file).then((info) => info.size, () => 0);
    if (offset === undefined || size < offset) offset = offset === undefined ? size : 0;
    if (size === offset) return '';
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      offset += bytesRead;
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  };
};

/**
 * serve's rsync listener. Each admitted connection is handed, socket and all, to its own
 * `rsync --daemon` (inetd mode), so transfers never pass through node and `hosts allow` sees the real
 * client. In front of it: a cap per client address and in all (one address cannot take every slot),
 * and a deadline to authenticate, read from the daemon log (a connection that stops at the password
 * challenge is closed, not held for as long as its client likes).
 */
export const openRsyncGate = async (options: RsyncGateOptions): Promise<RsyncGate> => {
  const command = options.spec.command ?? 'rsync';
  // Fail at start, not at the first installing host, when rsync is missing.
  await execProcess({ command, args: ['--version'] });
  const live = new Map<number, RsyncConnection & { child: ChildProcess; deadline: NodeJS.Timeout }>();
  const readLog = logReader(options.spec.logFile);
  await readLog(); // start at the end: lines of earlier runs say nothing about these connections
  let polling: NodeJS.Timeout | undefined;
  const poll = async (): Promise<void> => {
    for (const line of (await readLog()).split('\n')) {
      const pid = authenticatedPid(line);
      const connection = pid === undefined ? undefined : live.get(pid);
      if (connection !== undefined && !connection.authenticated) {
        connection.authenticated = true;
        clearTimeout(connection.deadline);
      }
    }
  };
  const ensurePolling = (): void => {
    if (polling !== undefined) return;
    polling = setInterval(() => {
      if (![...live.values()].some((connection) => !connection.authenticated)) {
        clearInterval(polling);
        polling = undefined;
        return;
      }
      poll().catch((error: unknown) => options.log(`rsync: cannot read ${options.spec.logFile}: ${(error as Error).message}`));
    }, options.pollMs ?? 200);
  };

  const accept = (socket: Socket): void => {
    const client = clientOf(socket);
    socket.on('error', () => undefined);
    const admission = admitConnection([...live.values()].map((connection) => connection.client), client, options.limits);
    if (!admission.admit) {
      options.log(`rsync: refused a connection from ${client}: ${admission.reason}`);
      socket.resume();
      socket.end(refusalGreeting(admission.reason));
      return;
    }
    const child = spawn(command, rsyncInetdArgs(options.spec.configFile), { stdio: [socket, socket, 'pipe'] });
    child.once('error', (error) => {
      options.log(`rsync: cannot start ${command} for ${client}: ${error.message}`);
      socket.destroy();
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n').filter(Boolean)) options.log(`rsync[${child.pid ?? '?'}]: ${line}`);
    });
    child.once('spawn', () => {
      // The child has its own copy of the socket; ours would only compete for its bytes.
      socket.destroy();
      const pid = child.pid as number;
      const deadline = setTimeout(() => {
        options.log(`rsync: ${client} did not authenticate within ${options.limits.preAuthMs} ms; closing its connection (pid ${pid})`);
        child.kill('SIGKILL');
      }, options.limits.preAuthMs);
      live.set(pid, { client, pid, authenticated: false, child, deadline });
      ensurePolling();
      child.once('exit', (code, signal) => {
        clearTimeout(deadline);
        live.delete(pid);
        if (code !== 0) options.log(`rsync[${pid}] for ${client} ended (${code === null ? `signal ${signal}` : `exit ${code}`})`);
      });
    });
  };

  const server = createServer({ pauseOnConnect: true }, accept);
  try {
    server.listen(options.spec.port, options.spec.address);
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RootcastError('UNAVAILABLE', `cannot listen for rsync on ${options.spec.address}:${options.spec.port}: ${code === 'EADDRINUSE' ? 'the port is already in use' : (error as Error).message}`, {
      hint: 'choose another --rsync ADDRESS:PORT, or stop what uses that port',
    });
  }
  return {
    address: options.spec.address,
    port: (server.address() as AddressInfo).port,
    connections: () => [...live.values()].map(({ client, pid, authenticated }) => ({ client, pid, authenticated })),
    stop: async () => {
      clearInterval(polling);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const children = [...live.values()].map(({ child }) => child);
      const exits = children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : Promise.resolve()));
      for (const child of children) child.kill('SIGTERM');
      const killer = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), 5_000);
      await Promise.all([closed, ...exits]);
      clearTimeout(killer);
    },
  };
};
