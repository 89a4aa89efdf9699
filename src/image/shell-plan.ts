import { join } from 'node:path';
import type { OverlayShellSpec } from '../sys/overlay-shell.js';
import type { ResolvedVersion } from './versions.js';

/** What `image shell` will do, as data: printed by --dry-run, executed otherwise. */
export interface ShellPlan {
  base: ResolvedVersion;
  stagingDir: string;
  /** Empty for an interactive shell. */
  command: string;
  spec: OverlayShellSpec;
}

export interface ShellPlanInput {
  base: ResolvedVersion;
  /** A fresh staging directory (its root/ becomes the new version). */
  stagingDir: string;
  command: string | undefined;
  /** The user's TERM, so an interactive shell draws correctly. @default 'dumb' */
  term?: string | undefined;
}

/** Host filesystems a chrooted package manager or script expects. */
export const shellBinds = ['/proc', '/sys', '/dev'] as const;

/** A PATH that finds the usual tools in any distribution's root. */
export const chrootPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const planShell = (input: ShellPlanInput): ShellPlan => {
  const dir = input.stagingDir;
  return {
    base: input.base,
    stagingDir: dir,
    command: input.command ?? '',
    spec: {
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
    },
  };
};

/** Scratch entries of a session that must not end up inside the committed version directory. */
export const sessionScratch = (plan: ShellPlan): string[] => [plan.spec.upper, plan.spec.work, plan.spec.merged, plan.spec.statusFile, plan.spec.changedListFile, plan.spec.syncedFile];
