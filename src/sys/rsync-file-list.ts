import type { Exec, ExecResult } from './exec.js';

/** A local copy of exactly the listed paths, as plain data. */
export interface ListedCopy {
  /** Directory the paths are relative to. */
  source: string;
  destination: string;
  /** "/etc/motd", "/etc": below the source (never the source itself); a listed directory is copied without its content. */
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

/** The --files-from list: relative names, each ending in NUL ("." would bring the top level's entries too). */
export const listedCopyInput = (paths: readonly string[]): string => paths.map((path) => `${path.replace(/^\/+/, '')}\0`).join('');

export const runListedCopy = (exec: Exec, copy: ListedCopy): Promise<ExecResult> =>
  exec({ command: 'rsync', args: buildListedCopyArgs(copy), input: listedCopyInput(copy.paths), env: { LC_ALL: 'C' } });

/** The source directory's own owner, mode, times, ACLs and xattrs onto the destination directory, and nothing below it. */
export const buildTopDirectoryCopyArgs = (source: string, destination: string): string[] => [
  '-aAX', '--numeric-ids', '--exclude=/*', '--', `${source}/`, `${destination}/`,
];

export const runTopDirectoryCopy = (exec: Exec, source: string, destination: string): Promise<ExecResult> =>
  exec({ command: 'rsync', args: buildTopDirectoryCopyArgs(source, destination), env: { LC_ALL: 'C' } });
