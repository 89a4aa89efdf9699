import { join } from 'node:path';
import { planOverlayShellCommands, planOverlayShellSession, type OverlayShellCommands, type OverlayShellSpec } from '../sys/overlay-shell.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import type { ResolvedVersion } from './versions.js';

/** What `image shell` will do, as data: printed by --dry-run, executed otherwise. */
export interface ShellPlan {
  base: ResolvedVersion;
  stagingDir: string;
  /** Empty for an interactive shell. */
  command: string;
  spec: OverlayShellSpec;
  /** What rootcast spawns: `unshare … sh -c SCRIPT`, exactly as --dry-run prints it. */
  session: PlannedCommand;
  /** The programs the script runs (mounts, the chroot, the commit's rsync), each as it appears in the script. */
  inScript: OverlayShellCommands;
}

export interface ShellPlanInput {
  base: ResolvedVersion;
  /** A fresh staging directory (its root/ becomes the new version). */
  stagingDir: string;
  command: string | undefined;
  /** The user's TERM, so an interactive shell draws correctly. @default 'dumb' */
  term?: string | undefined;
}

/**
 * What --dry-run writes for a staging directory the run has not made yet (it is named `<pid>-<random>`):
 * no character a shell would quote, so a printed line reads the same once the real name is in.
 */
export const unmadeStagingName = 'PID-RANDOM';

/** Host filesystems a chrooted package manager or script expects. */
export const shellBinds = ['/proc', '/sys', '/dev'] as const;

/** A PATH that finds the usual tools in any distribution's root. */
export const chrootPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const planShell = (input: ShellPlanInput): ShellPlan => {
  const dir = input.stagingDir;
  const spec: OverlayShellSpec = {
    lower: input.base.root,
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    merged: join(dir, 'merged'),
    binds: shellBinds,
    // The host's environment (proxies, NODE_* variables, locale paths) must not leak into the image; no history file either.
    env: { PATH: chrootPath, HOME: '/root', TERM: input.term ?? 'dumb', HISTFILE: '/dev/null' },
    command: input.command,
    syncTarget: join(dir, 'root'),
    statusFile: join(dir, 'status'),
    changedListFile: join(dir, 'changed-files'),
    syncedFile: join(dir, 'synced'),
  };
  const inScript = planOverlayShellCommands(spec);
  return { base: input.base, stagingDir: dir, command: input.command ?? '', spec, session: planOverlayShellSession(spec, inScript), inScript };
};

/** Scratch entries of a session that must not end up inside the committed version directory. */
export const sessionScratch = (plan: ShellPlan): string[] => [plan.spec.upper, plan.spec.work, plan.spec.merged, plan.spec.statusFile, plan.spec.changedListFile, plan.spec.syncedFile];
