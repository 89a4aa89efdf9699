import { basename, dirname } from 'node:path';
import { delayedUpdatesDir } from '../sys/rsync-pull.js';

/** A path of the target rsync was refused writing, and why (rsync's words for the errno). */
export interface UnwritablePath {
  /** As the target sees it: `/etc/passwd`, never rsync's staging name. */
  path: string;
  reason: string;
}

/** EPERM (an immutable or append-only file), EACCES (no write permission), EROFS (a read-only mount). */
const refusedErrnos: ReadonlySet<string> = new Set(['1', '13', '30']);

/** `rsync: [receiver] WHAT: REASON (ERRNO)`; rsync 3.1 prints no `[role]`. A `[sender]` line is the server's side, never the target's. */
const failureLine = /^rsync: (?:\[(\w+)\] )?(.+): ([^:]+) \((\d+)\)$/;

/** rsync's temporary file for NAME: `.NAME.XXXXXX` beside it. */
const temporaryName = /^\.(.+)\.[A-Za-z0-9]{6}$/;

/** The path a failure names, by the shape of rsync's message (3.1 to 3.5, measured on 3.2.7 and 3.5.0). */
const namedPath = (what: string): string | undefined => {
  // --delay-updates' final rename: `rename failed for "/root/etc/passwd" (from etc/.~tmp~/passwd)`.
  const delayed = /^rename failed for "(.+)" \(from .+\)$/.exec(what);
  if (delayed !== null) return delayed[1];
  // A temporary file onto its name: `rename "/root/etc/.passwd.HTf462" -> "etc/passwd"`.
  const renamed = /^rename ".+" -> "(.+)"$/.exec(what);
  if (renamed !== null) return renamed[1];
  const deleted = /^delete_file: (?:unlink|rmdir)\((.+)\) failed$/.exec(what);
  if (deleted !== null) return deleted[1];
  // The temporary file could not be made: the file it was for.
  const staged = /^mkstemp "(.+)" failed$/.exec(what);
  if (staged !== null) {
    const file = staged[1] as string;
    const name = temporaryName.exec(basename(file))?.[1];
    return name === undefined ? file : `${dirname(file)}/${name}`;
  }
  // mkdir, failed to set times/permissions on, chown, lsetxattr: the first quoted name.
  return /"([^"]+)"/.exec(what)?.[1];
};

/** rsync's path (absolute, or relative to the destination it runs in) as the target sees it, without `.~tmp~/`. */
const targetPathOf = (path: string, destination: string): string => {
  const base = destination.endsWith('/') ? destination : `${destination}/`;
  const relative = !path.startsWith('/') ? path : path.startsWith(base) ? path.slice(base.length) : undefined;
  const plain = (relative === undefined ? path : `/${relative}`).split('/').filter((part) => part !== delayedUpdatesDir).join('/');
  return plain.length > 1 ? plain.replace(/\/+$/, '') : plain;
};

/**
 * Pure: the target paths rsync's stderr says it could not write (EPERM, EACCES, EROFS), each once, in the
 * order rsync reported them. `destination` is the directory rsync wrote into (its relative names start there).
 */
export const parseUnwritablePaths = (stderr: string, destination: string): UnwritablePath[] => {
  const found = new Map<string, string>();
  for (const line of stderr.split('\n')) {
    const match = failureLine.exec(line.trim());
    if (match === null || match[1] === 'sender' || !refusedErrnos.has(match[4] as string)) continue;
    const path = namedPath(match[2] as string);
    if (path === undefined) continue;
    const target = targetPathOf(path, destination);
    if (!found.has(target)) found.set(target, match[3] as string);
  }
  return [...found].map(([path, reason]) => ({ path, reason }));
};

/** `/etc/passwd (Operation not permitted), …` with at most `shown` paths named. */
export const formatUnwritablePaths = (paths: readonly UnwritablePath[], shown = 10): string => {
  const named = paths.slice(0, shown).map((entry) => `${entry.path} (${entry.reason})`).join(', ');
  return paths.length > shown ? `${named} and ${paths.length - shown} more` : named;
};
