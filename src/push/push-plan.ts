import { join } from 'node:path';
import { hostRunnerDir, updateLockFile, updateMarkerPath } from '../protocol/update-protocol.js';
import { quoteShellWord } from '../sys/command-line.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import type { SshTarget } from '../sys/ssh-session.js';

/** What `push` and `drift` do on every host (the CLI's options, validated; push's --dry-run only prints the plan). */
export interface PushSettings {
  /** `push`: apply; `drift`: a dry run that only counts. */
  mode: 'push' | 'drift';
  image: string | undefined;
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

const runnerFileNames = { node: 'node', runner: 'runner.cjs' } as const;
export type RunnerFileKind = keyof typeof runnerFileNames;

/** A runner file copied over SFTP (a temporary name, then OpenSSH's posix-rename: never half a file). */
export interface RunnerUpload {
  /** "node" or "runner.cjs". */
  name: string;
  local: string;
  remote: string;
  mode: number;
}

/**
 * Everything push does on one host, as data: each command is sent over the host's ssh2 session as exactly its
 * printed line (`where: 'ssh'`); the uploads go over SFTP on the same connection. --dry-run prints this.
 */
export interface HostPushPlan {
  host: string;
  target: SshTarget;
  /** Where node and runner.cjs live on the host. */
  remoteDir: string;
  /** Prints the digests push recorded (`.digests`: NAME SIZE MTIME DIGEST), `--`, then each file's NAME SIZE MTIME now. */
  stateCommand: PlannedCommand;
  /** Prints `DIGEST  NAME` for both files (sha256sum): only when the recorded digests do not match the files any more. */
  digestCommand: PlannedCommand;
  /** Makes the runner directory: only when a file is uploaded. */
  makeDirCommand: PlannedCommand;
  /** node and runner.cjs: each only when the host's copy is not ours. */
  uploads: Record<RunnerFileKind, RunnerUpload>;
  /** Records the digests of the files as they are now, for the next push (`.digests`, written by rename). */
  recordCommand: PlannedCommand;
  /** The update itself, with the host's credential already on it: push carries no secret. */
  updateCommand: PlannedCommand;
  /** The lock the update takes on the host (its PID first). */
  lockFile: string;
  /** Read only, after a timeout: `marker {JSON}` when the update marker is there, `running PID` when the update lock's holder lives. */
  lookCommand: PlannedCommand;
}

const cleanPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The digests push saw, with each file's size and mtime then: hashing node (~100 MiB) on every host at
 * every push cost ~0.25 s of CPU a host; a file whose size or mtime moved is hashed again.
 */
const digestsFile = '.digests';

/** A command sent over the session as its shell-quoted line (the login shell reads it). */
const overSsh = (program: string, args: string[]): PlannedCommand => ({ program, args, env: [], where: 'ssh', okExitCodes: [0] });

/** A script for the remote shell: `sh -c SCRIPT`, whatever the user's login shell is. */
const remoteScript = (script: string): PlannedCommand => overSsh('sh', ['-c', script]);

/** Pure: the root, the runner directory and everything sent to one host. */
export const planHostPush = (host: PushHost & { ip: string }, settings: PushSettings, files: RunnerFiles): HostPushPlan => {
  const root = settings.targetRoot.replaceAll('{host}', host.name);
  const remoteDir = root === '/' ? hostRunnerDir : join(root, hostRunnerDir);
  const node = join(remoteDir, 'node');
  const runner = join(remoteDir, 'runner.cjs');
  const drift = settings.mode === 'drift';
  const args = [
    runner, 'update', '--json', '--via', 'push',
    ...(settings.image === undefined ? [] : ['--image', settings.image]),
    ...(drift ? ['--dry-run'] : []),
    ...(settings.delete ? [] : ['--no-delete']),
    ...(settings.bootloader ? [] : ['--no-bootloader']),
    ...(settings.reboot && !drift ? ['--reboot'] : []),
    ...(root === '/' ? [] : ['--target-root', root]),
  ];
  const inDir = `cd ${quoteShellWord(remoteDir)} 2>/dev/null &&`;
  const statNow = "stat -L -c '%n %s %Y' node runner.cjs 2>/dev/null";
  const uploadOf = (kind: RunnerFileKind): RunnerUpload => ({ name: runnerFileNames[kind], local: files[kind].path, remote: join(remoteDir, runnerFileNames[kind]), mode: kind === 'node' ? 0o755 : 0o644 });
  return {
    host: host.name,
    target: { user: settings.sshUser, host: host.ip, port: settings.sshPort },
    remoteDir,
    stateCommand: remoteScript(`${inDir} { cat ${digestsFile} 2>/dev/null; echo --; ${statNow}; }; true`),
    digestCommand: remoteScript(`${inDir} sha256sum -- node runner.cjs 2>/dev/null; true`),
    makeDirCommand: overSsh('mkdir', ['-p', '--', remoteDir]),
    uploads: { node: uploadOf('node'), runner: uploadOf('runner') },
    recordCommand: remoteScript(
      `${inDir} ${statNow} | while read -r name size mtime; do case $name in node) d=${files.node.digest};; *) d=${files.runner.digest};; esac; echo "$name $size $mtime $d"; done > ${digestsFile}.tmp && mv ${digestsFile}.tmp ${digestsFile}`,
    ),
    // A clean environment: nothing of the login shell's (NODE_OPTIONS, proxies) reaches the update; exec: the shell does not wait.
    updateCommand: overSsh('exec', ['env', '-i', `PATH=${cleanPath}`, 'LC_ALL=C', node, ...args]),
    lockFile: updateLockFile(root),
    lookCommand: remoteScript([
      `m=${quoteShellWord(join(root, updateMarkerPath))}; l=${quoteShellWord(updateLockFile(root))}`,
      'if [ -e "$m" ]; then printf "marker "; head -c 4096 "$m" | tr -d "\\n"; echo; fi',
      'p=$(cut -d" " -f1 "$l" 2>/dev/null)',
      'case $p in ""|*[!0-9]*) ;; *) kill -0 "$p" 2>/dev/null && echo "running $p";; esac',
      'true',
    ].join('; ')),
  };
};

/** What `stateCommand` printed: the recorded digests whose size and mtime still match the file, by name. */
export const recordedDigests = (output: string): Map<string, string> => {
  const [recorded = '', now = ''] = output.split(/^--$/m);
  const current = new Set(now.split('\n').map((line) => line.trim()).filter(Boolean));
  return new Map(recorded.split('\n').flatMap((line) => {
    const match = /^(\S+) (\d+) (\d+) (sha256:[0-9a-f]{64})$/.exec(line.trim());
    return match !== null && current.has(`${match[1]} ${match[2]} ${match[3]}`) ? [[match[1] as string, match[4] as string] as const] : [];
  }));
};

/** `sha256sum` output as digests by name. */
export const hashedDigests = (output: string): Map<string, string> =>
  new Map(output.split('\n').flatMap((line) => {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    return match === null ? [] : [[match[2] as string, `sha256:${match[1] as string}`] as const];
  }));

/** Pure: the files whose digest on the host (known) is not ours: to upload. `unknown` lists the files to hash first. */
export const compareRunnerFiles = (known: ReadonlyMap<string, string>, local: RunnerFiles): { stale: RunnerFileKind[]; unknown: RunnerFileKind[] } => {
  const kinds = Object.keys(runnerFileNames) as RunnerFileKind[];
  return {
    unknown: kinds.filter((kind) => !known.has(runnerFileNames[kind])),
    stale: kinds.filter((kind) => known.has(runnerFileNames[kind]) && known.get(runnerFileNames[kind]) !== local[kind].digest),
  };
};
