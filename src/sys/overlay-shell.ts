import { join } from 'node:path';
import { quoteShellWord } from './command-line.js';
import type { Exec, ExecResult } from './exec.js';
import { whileIgnoringInterrupts } from './ignore-interrupts.js';
import { buildSpawnRequest, formatPlannedCommand, type PlannedCommand } from './planned-command.js';
import { buildRsyncArgs } from './rsync.js';

/** Everything one overlay shell session needs; built by a pure planner, rendered to one `sh` script here. */
export interface OverlayShellSpec {
  /** The version root: the overlay's read-only lower layer. */
  lower: string;
  upper: string;
  work: string;
  merged: string;
  /** Host directories bind-mounted into the chroot when the image has a directory there. */
  binds: readonly string[];
  /** The chroot's whole environment (env -i). */
  env: Readonly<Record<string, string>>;
  /** Run by /bin/sh -c inside the chroot; undefined = an interactive /bin/sh. */
  command: string | undefined;
  /** Where merged is mirrored when the command succeeded and changed something. */
  syncTarget: string;
  /** The command's exit status is written here. */
  statusFile: string;
  /** NUL-separated regular files found in upper (written during the session). */
  changedListFile: string;
  /** Created once merged has been mirrored to syncTarget. */
  syncedFile: string;
}

/** Every program the session's script runs, in order, as planned commands (the script adds only its shell glue). */
export interface OverlayShellCommands {
  mountOverlay: PlannedCommand;
  binds: { target: string; mount: PlannedCommand; isMounted: PlannedCommand; unmount: PlannedCommand }[];
  chroot: PlannedCommand;
  /** merged → syncTarget, unchanged files hard-linked to the base (--link-dest). */
  mirror: PlannedCommand;
  /** The regular files written in the session, as found in upper (the script runs it in upper). */
  listWritten: PlannedCommand;
  /** Re-sends those files whatever their size and mtime. */
  rewrite: PlannedCommand;
}

/** Overlay mount options split on "," and ":", so such paths cannot be passed safely. */
export const unsafeOverlayPath = (path: string): boolean => /[,:\n]/.test(path);

const q = quoteShellWord;

/** A line of the session's script: it inherits the script's environment (rootcast's own). */
const inScript = (program: string, args: string[]): PlannedCommand => ({ program, args, env: [], inheritEnv: true, where: 'script', okExitCodes: [0] });

export const planOverlayShellCommands = (spec: OverlayShellSpec): OverlayShellCommands => ({
  mountOverlay: inScript('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${spec.lower},upperdir=${spec.upper},workdir=${spec.work}`, spec.merged]),
  binds: spec.binds.map((source) => {
    const target = join(spec.merged, source);
    return {
      target,
      mount: inScript('mount', ['--rbind', source, target]),
      isMounted: inScript('mountpoint', ['-q', target]),
      unmount: inScript('umount', ['-R', target]),
    };
  }),
  // env -i: the chroot gets exactly the planned variables, with their values in the argv (none is a secret).
  chroot: inScript('env', [
    '-i',
    ...Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    'chroot',
    spec.merged,
    ...(spec.command === undefined ? ['/bin/sh'] : ['/bin/sh', '-c', spec.command]),
  ]),
  // -x in these flags also keeps anything still mounted inside merged out of the version; --stats goes nowhere.
  mirror: inScript('rsync', buildRsyncArgs({ sources: [`${spec.merged}/`], destination: `${spec.syncTarget}/`, includes: [], excludes: [], linkDest: [spec.lower] })),
  listWritten: inScript('find', ['.', '-type', 'f', '-print0']),
  rewrite: inScript('rsync', ['-aHAXS', '--numeric-ids', '--ignore-times', '--from0', `--files-from=${spec.changedListFile}`, `${spec.merged}/`, `${spec.syncTarget}/`]),
});

/** The script run by `unshare -m --propagation private sh -c`; every mount vanishes when it exits. */
export const renderOverlayShellScript = (spec: OverlayShellSpec, commands: OverlayShellCommands = planOverlayShellCommands(spec)): string => {
  const line = formatPlannedCommand;
  return [
    // A handler, not "ignore": the chroot's command still gets default SIGINT on exec, so Ctrl-C ends it and this script goes on to clean up.
    'trap : INT QUIT',
    'set -eu',
    line(commands.mountOverlay),
    ...commands.binds.map((bind) => `if [ -d ${q(bind.target)} ] && [ ! -L ${q(bind.target)} ]; then ${line(bind.mount)}; fi`),
    'set +e',
    line(commands.chroot),
    'status=$?',
    'set -e',
    `printf '%s\\n' "$status" > ${q(spec.statusFile)}`,
    ...[...commands.binds].reverse().map((bind) => `if ${line(bind.isMounted)}; then ${line(bind.unmount)}; fi`),
    `if [ "$status" -eq 0 ] && [ -n "$(ls -A ${q(spec.upper)})" ]; then`,
    `  ${line(commands.mirror)} > /dev/null`,
    // Files written in the session are in upper; re-send them ignoring size+mtime, so an edit that kept both (dpkg, touch -r) is never taken for the base file.
    `  (cd ${q(spec.upper)} && ${line(commands.listWritten)}) > ${q(spec.changedListFile)}`,
    `  ${line(commands.rewrite)}`,
    `  : > ${q(spec.syncedFile)}`,
    'fi',
  ].join('\n');
};

/**
 * The one program rootcast spawns for a session: the script in a private mount namespace, with our
 * environment (the chroot's own is the script's `env -i`). It was never tied to rootcast's death: the
 * script unmounts and records the status itself, so it is spawned without setpriv, as before.
 */
export const planOverlayShellSession = (spec: OverlayShellSpec, commands: OverlayShellCommands = planOverlayShellCommands(spec)): PlannedCommand => ({
  program: 'unshare',
  args: ['-m', '--propagation', 'private', 'sh', '-c', renderOverlayShellScript(spec, commands)],
  env: [],
  inheritEnv: true,
  where: 'here',
  okExitCodes: [0],
  diesWithUs: false,
});

export interface OverlayShellRun {
  /** Whether the terminal is handed to the shell. @default false */
  interactive?: boolean;
}

/**
 * Runs one planned session; the caller reads statusFile / syncedFile afterwards. Ctrl-C reaches the whole
 * process group: it ends the chroot's command, while the script and rootcast (ignoring it for the duration,
 * like system(3)) live on to unmount and drop the staging directory.
 */
export const runOverlayShell = (exec: Exec, session: PlannedCommand, run: OverlayShellRun = {}): Promise<ExecResult> =>
  whileIgnoringInterrupts(() =>
    exec({
      ...buildSpawnRequest(session, { values: {} }),
      allowedExitCodes: session.okExitCodes,
      interactive: run.interactive === true,
    }),
  );
