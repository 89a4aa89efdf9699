import { join } from 'node:path';
import { hostRunnerDir } from '../protocol/update-protocol.js';
import { formatCommandLine, quoteShellWord } from '../sys/command-line.js';
import type { SshTarget } from '../sys/ssh-session.js';

/** What `push` and `drift` do on every host (the CLI's options, validated). */
export interface PushSettings {
  /** `push`: apply; `drift`: a dry run that only counts. */
  mode: 'push' | 'drift';
  image: string | undefined;
  dryRun: boolean;
  delete: boolean;
  bootloader: boolean;
  reboot: boolean;
  /** The host's root; `{host}` becomes the host name (tests and rescue systems; default "/"). */
  targetRoot: string;
  sshUser: string;
  sshPort: number;
  concurrency: number;
  timeoutSeconds: number;
}

/** One host as push needs it from the inventory. */
export interface PushHost {
  name: string;
  /** The inventory's address; a host without one cannot be reached and fails alone. */
  ip: string | undefined;
}

/** The two files push keeps current on a host (serve's own node and the runner bundle). */
export interface RunnerFiles {
  node: { path: string; digest: string };
  runner: { path: string; digest: string };
}

/** Everything push runs on one host, as data (--dry-run of push itself is a dry run of the update). */
export interface HostPushPlan {
  host: string;
  target: SshTarget;
  /** Where node and runner.cjs live on the host. */
  remoteDir: string;
  /** Prints `DIGEST  PATH` for each of the two files present (sha256sum). */
  digestCommand: string;
  /** The update itself, with the host's credential already on it: push carries no secret. */
  updateCommand: string;
}

const cleanPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Pure: the root, the runner directory and the commands for one host. */
export const planHostPush = (host: PushHost & { ip: string }, settings: PushSettings): HostPushPlan => {
  const root = settings.targetRoot.replaceAll('{host}', host.name);
  const remoteDir = root === '/' ? hostRunnerDir : join(root, hostRunnerDir);
  const node = join(remoteDir, 'node');
  const runner = join(remoteDir, 'runner.cjs');
  const drift = settings.mode === 'drift';
  const args = [
    runner, 'update', '--json', '--via', 'push',
    ...(settings.image === undefined ? [] : ['--image', settings.image]),
    ...(settings.dryRun || drift ? ['--dry-run'] : []),
    ...(settings.delete ? [] : ['--no-delete']),
    ...(settings.bootloader ? [] : ['--no-bootloader']),
    ...(settings.reboot && !drift ? ['--reboot'] : []),
    ...(root === '/' ? [] : ['--target-root', root]),
  ];
  return {
    host: host.name,
    target: { user: settings.sshUser, host: host.ip, port: settings.sshPort },
    remoteDir,
    digestCommand: `sha256sum -- ${quoteShellWord(node)} ${quoteShellWord(runner)} 2>/dev/null; true`,
    // A clean environment: nothing of the login shell's (NODE_OPTIONS, proxies) reaches the update.
    updateCommand: `exec env -i PATH=${cleanPath} LC_ALL=C ${formatCommandLine(node, args)}`,
  };
};

/** Pure: which of the two files the host lacks or has another version of, from `sha256sum` output. */
export const filesToUpload = (sha256sumOutput: string, plan: Pick<HostPushPlan, 'remoteDir'>, local: RunnerFiles): { local: string; remote: string; mode: number }[] => {
  const present = new Map(sha256sumOutput.split('\n').flatMap((line) => {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    return match === null ? [] : [[match[2] as string, `sha256:${match[1] as string}`] as const];
  }));
  return (['node', 'runner'] as const)
    .map((kind) => ({ kind, remote: join(plan.remoteDir, kind === 'node' ? 'node' : 'runner.cjs') }))
    .filter(({ kind, remote }) => present.get(remote) !== local[kind].digest)
    .map(({ kind, remote }) => ({ local: local[kind].path, remote, mode: kind === 'node' ? 0o755 : 0o644 }));
};
