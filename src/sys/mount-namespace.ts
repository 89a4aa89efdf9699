import { spawn } from 'node:child_process';
import { RootcastError } from '../errors/rootcast-error.js';

/** A private mount namespace kept alive by a holder process; every mount made in it vanishes with it. */
export interface MountNamespace {
  /** PID of the holder process (its /proc/PID/root shows the namespace's view). */
  readonly pid: number;
  /** Wraps a command so it runs inside the namespace, with the holder's root and working directory. */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] };
  /** Ends the holder; the kernel then drops the namespace and every mount in it. */
  close(): Promise<void>;
}

/** argv of the holder: a shell that lives until its stdin closes (so it dies with us, even on a crash). */
export const namespaceHolderArgs = (): string[] => ['-m', '--propagation', 'private', '--', 'sh', '-c', 'echo ready; read _ || true'];

/** `-r -w`: keep the holder's root, which matters when the runner itself runs chrooted into the target. */
export const nsenterArgs = (pid: number, command: string, args: readonly string[]): string[] => [
  '-t', String(pid), '-m', '-r', '-w', '--', command, ...args,
];

export const enterPrivateMountNamespace = (): Promise<MountNamespace> =>
  new Promise((resolve, reject) => {
    const holder = spawn('unshare', namespaceHolderArgs(), { cwd: '/', stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    holder.stderr.setEncoding('utf8');
    holder.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<void>((done) => holder.once('close', () => done()));
    holder.once('error', (error) =>
      reject(new RootcastError('UNAVAILABLE', `cannot start unshare for a private mount namespace: ${error.message}`, {
        hint: 'the runner needs util-linux (unshare, nsenter, mount) and root privileges',
      })),
    );
    holder.once('close', (code) =>
      reject(new RootcastError('PERMISSION', `unshare could not create a private mount namespace (exit ${code})`, {
        details: stderr.trim().split('\n').filter(Boolean).map((line) => `stderr: ${line}`),
        hint: 'run the runner as root (CAP_SYS_ADMIN is needed for mounts)',
      })),
    );
    holder.stdout.once('data', () => {
      const pid = holder.pid;
      if (pid === undefined) return;
      resolve({
        pid,
        wrap: (command, args) => ({ command: 'nsenter', args: nsenterArgs(pid, command, args) }),
        close: async () => {
          holder.stdin.end();
          await exited;
        },
      });
    });
  });
