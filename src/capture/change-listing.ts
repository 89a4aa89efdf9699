import { RootcastError } from '../errors/rootcast-error.js';
import { SubprocessError, type Exec } from '../sys/exec.js';
import { buildRemoteCommandLine, buildSpawnRequest, type PlannedCommand } from '../sys/planned-command.js';
import { rsyncEnvironment } from '../sys/rsync.js';
import type { SshSession } from '../sys/ssh-session.js';

/** More names than this and rsync might as well list everything. */
const maxListingBytes = 64 * 1024 * 1024;

export interface ChangeListingPlace {
  exec: Exec;
  /** The inspection's session, for a listing planned to run over SSH. */
  session?: SshSession | undefined;
  signal?: AbortSignal | undefined;
}

const interrupted = (signal: AbortSignal | undefined, error: unknown): boolean =>
  signal?.aborted === true || (error instanceof RootcastError && error.code === 'INTERRUPTED');

/**
 * Runs the planned change listing with `since` on its stdin. Its output (NUL-separated names), or undefined
 * when it could not list (no GNU find after all, a lost session, too many names): settling then lists everything.
 */
export const runChangeListing = async (command: PlannedCommand, since: string, place: ChangeListingPlace): Promise<Buffer | undefined> => {
  const input = Buffer.from(`${since}\n`);
  try {
    if (command.where === 'ssh') {
      if (place.session === undefined) return undefined;
      const result = await place.session.run(buildRemoteCommandLine(command), { input, stdoutLimit: maxListingBytes });
      return command.okExitCodes.includes(result.exitCode) ? result.stdout : undefined;
    }
    const result = await place.exec({
      ...buildSpawnRequest(command, { values: rsyncEnvironment }),
      input,
      stdoutBytesLimit: maxListingBytes,
      allowedExitCodes: command.okExitCodes,
      ...(place.signal === undefined ? {} : { signal: place.signal }),
    });
    return result.stdoutBytes;
  } catch (error) {
    if (interrupted(place.signal, error)) throw error;
    if (error instanceof SubprocessError || error instanceof RootcastError) return undefined;
    throw error;
  }
};
