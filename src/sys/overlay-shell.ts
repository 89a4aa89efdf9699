import { join } from 'node:path';
import { quoteShellWord } from './command-line.js';
import type { Exec, ExecResult } from './exec.js';
import { whileIgnoringInterrupts } from './ignore-interrupts.js';
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

/** Overlay mount options split on "," and ":", so such paths cannot be passed safely. */
export const unsafeOverlayPath = (path: string): boolean => /[,:\n]/.test(path);

const q = quoteShellWord;

const rewriteArgs = (spec: OverlayShellSpec): string[] => [
  '-aHAXS',
  '--numeric-ids',
  '--ignore-times',
  '--from0',
  `--files-from=${spec.changedListFile}`,
  `${spec.merged}/`,
  `${spec.syncTarget}/`,
];

const mirrorArgs = (spec: OverlayShellSpec): string[] =>
  buildRsyncArgs({ sources: [`${spec.merged}/`], destination: `${spec.syncTarget}/`, includes: [], excludes: [], linkDest: [spec.lower] });

/** The script run by `unshare -m --propagation private sh -c`; every mount vanishes when it exits. */
export const renderOverlayShellScript = (spec: OverlayShellSpec): string => {
  const targets = spec.binds.map((source) => ({ source, target: join(spec.merged, source) }));
  const envWords = Object.entries(spec.env).map(([key, value]) => q(`${key}=${value}`));
  const chrootArgs = spec.command === undefined ? ['/bin/sh'] : ['/bin/sh', '-c', spec.command];
  return [
    // A handler, not "ignore": the chroot's command still gets default SIGINT on exec, so Ctrl-C ends it and this script goes on to clean up.
    'trap : INT QUIT',
    'set -eu',
    `mount -t overlay overlay -o ${q(`lowerdir=${spec.lower},upperdir=${spec.upper},workdir=${spec.work}`)} ${q(spec.merged)}`,
    ...targets.map(({ source, target }) => `if [ -d ${q(target)} ] && [ ! -L ${q(target)} ]; then mount --rbind ${q(source)} ${q(target)}; fi`),
    'set +e',
    `env -i ${envWords.join(' ')} chroot ${q(spec.merged)} ${chrootArgs.map(q).join(' ')}`,
    'status=$?',
    'set -e',
    `printf '%s\\n' "$status" > ${q(spec.statusFile)}`,
    ...[...targets].reverse().map(({ target }) => `if mountpoint -q ${q(target)}; then umount -R ${q(target)}; fi`),
    `if [ "$status" -eq 0 ] && [ -n "$(ls -A ${q(spec.upper)})" ]; then`,
    // -x in these flags also keeps anything still mounted inside merged out of the version; --stats goes nowhere.
    `  rsync ${mirrorArgs(spec).map(q).join(' ')} > /dev/null`,
    // Files written in the session are in upper; re-send them ignoring size+mtime, so an edit that kept both (dpkg, touch -r) is never taken for the base file.
    `  (cd ${q(spec.upper)} && find . -type f -print0) > ${q(spec.changedListFile)}`,
    `  rsync ${rewriteArgs(spec).map(q).join(' ')}`,
    `  : > ${q(spec.syncedFile)}`,
    'fi',
  ].join('\n');
};

export interface OverlayShellRun {
  /** Whether the terminal is handed to the shell. @default false */
  interactive?: boolean;
}

/**
 * Runs one session in a private mount namespace; the caller reads statusFile / syncedFile afterwards.
 * Ctrl-C reaches the whole process group: it ends the chroot's command, while the script and rootcast
 * (ignoring it for the duration, like system(3)) live on to unmount and drop the staging directory.
 */
export const runOverlayShell = (exec: Exec, spec: OverlayShellSpec, run: OverlayShellRun = {}): Promise<ExecResult> =>
  whileIgnoringInterrupts(() =>
    exec({
      command: 'unshare',
      args: ['-m', '--propagation', 'private', 'sh', '-c', renderOverlayShellScript(spec)],
      interactive: run.interactive === true,
    }),
  );
