import { RootcastError } from '../errors/rootcast-error.js';
import type { StreamResult } from '../sys/stream-process.js';
import type { TryOutcome } from './retry-policy.js';
import { formatUnwritablePaths, parseUnwritablePaths } from './rsync-unwritable.js';

/** rsync exit codes a later try can fix: socket I/O, protocol stream, I/O timeout, daemon connect timeout. */
export const transientRsyncExitCodes: readonly number[] = [10, 12, 30, 35];

const stderrDetails = (result: StreamResult): string[] => [
  `command: ${result.commandLine}`,
  `exit: ${result.exitCode ?? `signal ${result.signal ?? '?'}`}`,
  ...result.stderr.trimEnd().split('\n').filter(Boolean).slice(-12).map((line) => `stderr: ${line}`),
];

/** Who runs the rsync: the install runner (with its install token) or an update (with the host credential). */
export interface RsyncRun {
  /** @default 'install token' */
  credential?: 'install token' | 'host credential';
  /** The directory rsync writes into (its relative names start there); paths it cannot write are named below it. */
  destination?: string;
}

/** What to do about paths the target refuses: an install re-runs, an update can also leave them out or go back. */
const unwritableHints: Record<NonNullable<RsyncRun['credential']>, string> = {
  'install token': 'make them writable on the target (chattr -i PATH for an immutable file, mount -o remount,rw for a read-only mount), then re-run the runner',
  'host credential':
    'make them writable (chattr -i PATH for an immutable file, mount -o remount,rw for a read-only mount) and re-run rootcast update; or list them in /etc/rootcast/update.exclude to leave them as they are, then re-run; or go back to the version the host records with rootcast update --rollback. Until one of these succeeds, /etc/rootcast/update-in-progress stays',
};

/** A full target: an install needs a bigger disk; an update resumes once there is room. */
export const noSpaceHints: Record<NonNullable<RsyncRun['credential']>, string> = {
  'install token': 'the image is larger than the target filesystem: use a larger disk or partition layout',
  'host credential': 'free space on the host and re-run rootcast update, which finishes the same version; until then some files may already be the new version\'s, and /etc/rootcast/update-in-progress says so',
};

/**
 * Decides what a finished rsync against the image server means. The plan's `okExitCodes` are done
 * (0, and 24: files vanished on the read-only sender, which can only be a benign race). A pull the
 * stall watchdog killed is transient, like a cut connection.
 * 23 (some files failed) is fatal: the same files would fail again; paths the target refused to have
 * written (an immutable file, a read-only mount) are named, else the stderr says which.
 */
export const classifyRsyncExit = (result: StreamResult, what: string, okExitCodes: readonly number[], run: RsyncRun = {}): TryOutcome<StreamResult> => {
  const credential = run.credential ?? 'install token';
  const error = (code: ConstructorParameters<typeof RootcastError>[0], message: string, hint: string): TryOutcome<StreamResult> => ({
    kind: 'fatal',
    error: new RootcastError(code, message, { hint, details: stderrDetails(result) }),
  });
  if (result.exitCode !== null && okExitCodes.includes(result.exitCode)) return { kind: 'done', value: result };
  // Our stall watchdog killed it: the server stopped sending without closing (rsync's own --timeout misses that).
  if (result.stalledMs !== undefined) return { kind: 'transient', reason: `no progress for ${Math.round(result.stalledMs / 1000)} s: the transfer stalled (killed it)` };
  if (result.exitCode === null) {
    return error('INTERRUPTED', `rsync for ${what} was killed by ${result.signal ?? 'a signal'}`, `re-run the ${credential === 'install token' ? 'runner' : 'update'}; the sync converges (rsync --delete is idempotent)`);
  }
  // serve's connection limits: a busy server, not a bad token.
  if (/@ERROR: max connections/i.test(result.stderr)) return { kind: 'transient', reason: 'the image server is at its connection limit' };
  // 20 reported by the sender is the server's rsync being stopped (serve restarting), not us being interrupted.
  if (result.exitCode === 20 && /\[sender=/.test(result.stderr)) return { kind: 'transient', reason: 'the image server stopped the transfer (rsync exit 20 on its side)' };
  // Exit 5 without an @ERROR: the daemon's connection closed during the handshake (serve restarting), not a refusal.
  if (/did not see server greeting|didn't get server startup line/.test(result.stderr)) return { kind: 'transient', reason: 'the image server closed the connection during the handshake' };
  if (/@ERROR: auth failed/i.test(result.stderr)) {
    const hint = credential === 'install token'
      ? 'the token is wrong or was rotated: fetch the answer file again (rootcast kickstart/preseed HOST) and re-run'
      : 'the host credential in /etc/rootcast/host.key is no longer the one the server knows (a later install replaced it): reinstall the host';
    return error('AUTH_FAILED', `the rsync daemon refused the ${credential} for ${what}`, hint);
  }
  if (/@ERROR: Unknown module/i.test(result.stderr)) {
    return error('NOT_FOUND', `the image server does not serve ${what}`, 'check that the image version exists (rootcast image list), that this machine\'s address is in the inventory (serve hides modules from hosts it does not allow) and that serve was reloaded (SIGHUP)');
  }
  if (/@ERROR: access denied/i.test(result.stderr)) {
    return error('PERMISSION', `the rsync daemon does not allow this machine to read ${what}`, 'add the host\'s address to the inventory so serve lists it in "hosts allow"');
  }
  if (/No space left on device|\(28\)/.test(result.stderr)) {
    return error('NO_SPACE', `the target ran out of space while syncing ${what}`, noSpaceHints[credential]);
  }
  const unwritable = result.exitCode === 23 ? parseUnwritablePaths(result.stderr, run.destination ?? '/') : [];
  if (unwritable.length > 0) {
    const where = credential === 'install token' ? 'the target' : 'this host';
    return error('PERMISSION', `rsync for ${what} could not write ${unwritable.length === 1 ? '1 path' : `${unwritable.length} paths`} on ${where}: ${formatUnwritablePaths(unwritable)}`, unwritableHints[credential]);
  }
  if (transientRsyncExitCodes.includes(result.exitCode)) {
    const lastLine = result.stderr.trimEnd().split('\n').filter(Boolean).at(-1) ?? '';
    return { kind: 'transient', reason: `rsync exit ${result.exitCode}${lastLine === '' ? '' : `: ${lastLine}`}` };
  }
  if (result.exitCode === 5) {
    return error('AUTH_FAILED', `the rsync daemon refused the session for ${what} (exit 5)`, 'check the install token and the daemon log on the server');
  }
  return error('SUBPROCESS_FAILED', `rsync for ${what} failed with exit code ${result.exitCode}`, 'the stderr lines above say why; fix that and re-run');
};
