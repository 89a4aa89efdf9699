import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Builds the runner bundle into `outfile` with the project's own build script. */
export const buildRunnerBundle = async (outfile: string): Promise<void> => {
  await promisify(execFile)(process.execPath, [join(import.meta.dirname, '../../scripts/build-runner.mjs'), '--outfile', outfile]);
};

/**
 * Runs the bundle with plain node as the installer would, in a private mount namespace where the
 * target is bind-mounted onto itself (so it is a mount point, like /mnt/sysroot). `mountTarget`
 * false leaves it a plain directory; `setup` is shell run before the runner (e.g. more mounts); `netns` runs it all
 * inside that network namespace (test/helpers/netns.ts), for a server that listens in another one.
 */
export const runBundle = (
  bundle: string,
  args: readonly string[],
  options: { target?: string; env?: Record<string, string>; mountTarget?: boolean; setup?: string; netns?: string } = {},
): { done: Promise<RunResult>; pid: () => number | undefined } => {
  const mount = options.mountTarget !== false && options.target !== undefined;
  const script = `set -e; ${mount ? 'mount --bind "$1" "$1"; ' : ''}${options.setup ?? ''}
shift; exec "$@"`;
  const unshare = ['unshare', '-m', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', options.target ?? '/', process.execPath, bundle, ...args];
  const [command = '', ...commandArgs] = options.netns === undefined ? unshare : ['ip', 'netns', 'exec', options.netns, ...unshare];
  const child = spawn(command, commandArgs, {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<RunResult>((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
  return { done, pid: () => child.pid };
};

/** PIDs of running processes whose command line contains every needle. */
export const findProcesses = (...needles: string[]): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return needles.every((needle) => cmdline.includes(needle));
      } catch {
        return false;
      }
    })
    .map(Number);

/**
 * What differs between two trees, as rsync itemizes it: paths, types, modes, owners, ACLs, xattrs,
 * hard links and content checksums (-c). Empty output means equal. Directory times are not compared
 * (-O): the runner writes its own files (/etc/rootcast, the install log) after the sync.
 */
export const diffTrees = async (expected: string, actual: string, excludes: readonly string[] = []): Promise<string[]> => {
  const { stdout } = await promisify(execFile)(
    'rsync',
    ['-naHAXSc', '-O', '--numeric-ids', '--delete', '--itemize-changes', ...excludes.map((path) => `--exclude=${path}`), `${expected}/`, `${actual}/`],
    { maxBuffer: 64 * 1024 * 1024, env: { LC_ALL: 'C', PATH: process.env['PATH'] ?? '/usr/bin:/bin' } },
  );
  return stdout.split('\n').filter((line) => line.trim() !== '');
};

