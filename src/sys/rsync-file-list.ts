import type { Exec, ExecResult } from './exec.js';

/** A local copy of exactly the listed paths, as plain data. */
export interface ListedCopy {
  /** Directory the paths are relative to. */
  source: string;
  destination: string;
  /** "/etc/motd", "/etc" ("" or "/" for the source directory itself); a listed directory is copied without its content. */
  paths: readonly string[];
}

/**
 * -aHAX --numeric-ids with --files-from: owner, mode, times, hard links, ACLs, xattrs, devices and
 * symlinks (never followed) of each listed path; -a does not recurse under --files-from, so a listed
 * directory brings its own metadata only. Names travel NUL-separated on stdin, so any name is safe.
 */
export const buildListedCopyArgs = (copy: ListedCopy): string[] => [
  '-aHAX', '--numeric-ids', '--from0', '--files-from=-', '--', `${copy.source}/`, `${copy.destination}/`,
];

/** The --files-from list: relative names, "." for the source directory itself, each ending in NUL. */
export const listedCopyInput = (paths: readonly string[]): string =>
  paths.map((path) => `${path.replace(/^\/+/, '') || '.'}\0`).join('');

export const runListedCopy = (exec: Exec, copy: ListedCopy): Promise<ExecResult> =>
  exec({ command: 'rsync', args: buildListedCopyArgs(copy), input: listedCopyInput(copy.paths), env: { LC_ALL: 'C' } });
