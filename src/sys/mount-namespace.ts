import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { RootcastError } from '../errors/rootcast-error.js';
import { programMissingError } from './program-missing.js';

/**
 * A private mount namespace and PID namespace kept alive by a holder process (PID 1 of the PID
 * namespace). When the holder ends — closed, or because the runner died and its stdin closed — the
 * kernel kills every process inside (rsync and the receiver it forks alike) and drops every mount.
 */
export interface MountNamespace {
  /** PID of the holder process, as seen from outside (its /proc/PID/root shows the namespace's view). */
  readonly pid: number;
  /** Ends the holder; the kernel then drops the namespace and every mount in it. */
  close(): Promise<void>;
}

/** argv of the holder: a shell, PID 1 of its own PID namespace, that lives until its stdin closes (so it dies with us, even on a crash). */
export const namespaceHolderArgs = (): string[] => ['-m', '-p', '--fork', '--propagation', 'private', '--', 'sh', '-c', 'echo ready; read _ || true'];

/** `-p`: run inside the PID namespace too (nsenter forks for it); `-r -w`: keep the holder's root, which matters when the runner itself runs chrooted. */
export const nsenterArgs = (pid: number, command: string, args: readonly string[]): string[] => [
  '-t', String(pid), '-m', '-p', '-r', '-w', '--', command, ...args,
];

/** The holder shell `unshare --fork` started (unshare itself stays outside the PID namespace). */
const forkedChild = async (pid: number): Promise<number | undefined> => {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).trim();
    if (children !== '') return Number(children.split(' ')[0]);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return undefined;
};

/** The holder's command as a plan holds it (src/runner/plan-commands.ts `planNamespaceHolder`): unshare and namespaceHolderArgs. */
export interface NamespaceHolderCommand {
  program: string;
  args: readonly string[];
}

/** `unshare` with the holder's argv: what every plan that opens the namespace runs. */
export const namespaceHolderCommand: NamespaceHolderCommand = { program: 'unshare', args: namespaceHolderArgs() };

/**
 * Starts the holder the plan names, in our environment (it runs no program of the plan's; those get theirs through
 * nsenter) and with its stdin a pipe of ours, so it dies with us without setpriv.
 */
export const enterPrivateMountNamespace = (command: NamespaceHolderCommand = namespaceHolderCommand): Promise<MountNamespace> =>
  new Promise((resolve, reject) => {
    const unshare = command.program;
    const holder = spawn(unshare, [...command.args], { cwd: '/', stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    holder.stderr.setEncoding('utf8');
    holder.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<void>((done) => holder.once('close', () => done()));
    holder.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT'
        ? programMissingError(unshare, 'the runner needs util-linux (unshare, nsenter, mount) where it runs: install it, then re-run')
        : new RootcastError('UNAVAILABLE', `cannot start unshare for a private mount namespace: ${error.message}`, {
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
      void forkedChild(holder.pid ?? 0).then((pid) => {
        if (pid === undefined) {
          holder.stdin.end();
          reject(new RootcastError('UNAVAILABLE', 'unshare started no namespace holder (no child in /proc/PID/task/PID/children)', { hint: 'the kernel needs CONFIG_PROC_CHILDREN' }));
          return;
        }
        resolve({
          pid,
          close: async () => {
            holder.stdin.end();
            await exited;
          },
        });
      });
    });
  });
