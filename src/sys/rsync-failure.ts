import type { ErrorCode } from '../errors/codes.js';
import { RootcastError } from '../errors/rootcast-error.js';
import type { SubprocessError } from './exec.js';

/** `root@golden:2222` → `-p 2222 root@golden`, `root@[::1]:22` → `root@::1`: the way ssh takes it. */
export const sshCommandTarget = (source: string): string => {
  const match = /^(.*):(\d+)$/.exec(source);
  if (match === null) return source;
  const target = (match[1] ?? '').replace(/[[\]]/g, '');
  return match[2] === '22' ? target : `-p ${match[2]} ${target}`;
};

/** ssh exits 255 when the server (or the network) closes the session; sshd logs why, ssh usually cannot say. */
export const sshSessionClosedHint = (source: string): string =>
  `the server or the network closed the SSH session: sshd's log on the golden client says why (journalctl -u ssh or /var/log/auth.log; e.g. a refused ChrootDirectory or ForceCommand, MaxSessions); check that "ssh ${sshCommandTarget(source)} true" works, then re-run`;

interface FailureRule {
  code: ErrorCode;
  /** Matches rsync's or ssh's stderr (and, where given, the exit code). */
  test: (stderr: string, exitCode: number) => boolean;
  message: (source: string) => string;
  hint: string | ((source: string) => string);
}

/** First match wins: the most specific symptoms come first. */
const rules: readonly FailureRule[] = [
  {
    // Our own rsync is missing (setpriv reports it); not to be confused with the golden client's.
    code: 'UNAVAILABLE',
    test: (stderr) => /^setpriv: failed to execute rsync/m.test(stderr),
    message: () => 'rsync is not installed on this machine',
    hint: 'install it (apt-get install rsync; scripts/setup-system.sh does) and re-run',
  },
  {
    code: 'HOST_KEY_MISMATCH',
    test: (stderr) => /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr),
    message: (source) => `the SSH host key of ${source} has changed`,
    hint: 'if the golden client was reinstalled, remove its old line from known_hosts (ssh-keygen -R) and re-run with --accept-new-host-key',
  },
  {
    code: 'HOST_KEY_UNKNOWN',
    test: (stderr) => /No .*host key is known|Host key verification failed/i.test(stderr),
    message: (source) => `the SSH host key of ${source} is not in known_hosts`,
    hint: 're-run with --accept-new-host-key to trust it on first use',
  },
  {
    code: 'AUTH_FAILED',
    test: (stderr) => /Permission denied \((publickey|password|keyboard)/i.test(stderr) || /Too many authentication failures/i.test(stderr),
    message: (source) => `SSH authentication to ${source} was refused`,
    hint: 'pass the right key with --ssh-key FILE (its public half must be in root\'s authorized_keys on the golden client)',
  },
  {
    code: 'UNREACHABLE',
    test: (stderr, exitCode) =>
      exitCode === 255 &&
      /Connection refused|Connection timed out|No route to host|Could not resolve hostname|Network is unreachable|Connection closed by|Connection reset/i.test(stderr),
    message: (source) => `cannot reach ${source} over SSH`,
    hint: 'check the host name and port, that sshd runs there and that no firewall blocks it',
  },
  {
    code: 'REMOTE_TOOL_MISSING',
    test: (stderr) => /rsync: (command )?not found|rsync: No such file or directory|exec: rsync: not found/i.test(stderr),
    message: (source) => `rsync is not installed on ${source}`,
    hint: 'install rsync on the golden client (apt-get install rsync / dnf install rsync) and re-run',
  },
  {
    code: 'NO_SPACE',
    test: (stderr) => /No space left on device|Disk quota exceeded|\(28\)/i.test(stderr),
    message: () => 'the image store ran out of disk space during the capture',
    hint: 'free space where --home lives (or move --home to a larger disk), then re-run',
  },
  {
    code: 'INTERRUPTED',
    test: (stderr, exitCode) => exitCode === 20 || /received SIG(INT|TERM|HUP)/i.test(stderr),
    message: (source) => `the transfer from ${source} was interrupted`,
    hint: 're-run the capture; it reuses what was already copied',
  },
  {
    code: 'PERMISSION',
    test: (stderr, exitCode) => exitCode === 23 && /Permission denied \(13\)|Operation not permitted \(1\)/.test(stderr),
    message: (source) => `some files of ${source} could not be read or written (permission denied)`,
    hint: 'capture as root on the golden client and run rootcast as root, so owners, devices and xattrs can be copied',
  },
  {
    code: 'UNREACHABLE',
    test: (_stderr, exitCode) => exitCode === 255,
    message: (source) => `the SSH session to ${source} was closed (ssh exit 255)`,
    hint: sshSessionClosedHint,
  },
  {
    code: 'UNREACHABLE',
    test: (stderr) => /connection unexpectedly closed/i.test(stderr),
    message: (source) => `the SSH connection to ${source} failed`,
    hint: 'check that you can run "ssh" to the golden client yourself, then re-run',
  },
];

/** Turns a failed rsync into the error a user can act on (the command line and stderr tail stay as details). */
export const describeRsyncFailure = (failure: SubprocessError, source: string): RootcastError => {
  const rule = rules.find((candidate) => candidate.test(failure.stderr, failure.exitCode));
  const details = [`command: ${failure.commandLine}`, `exit code: ${failure.exitCode}`, ...failure.details];
  if (rule === undefined) {
    return new RootcastError('SUBPROCESS_FAILED', `rsync from ${source} failed with exit code ${failure.exitCode}`, {
      details,
      hint: 'the stderr lines above say why; fix that and re-run (an unfinished capture leaves no version behind)',
      cause: failure,
    });
  }
  const hint = typeof rule.hint === 'string' ? rule.hint : rule.hint(source);
  return new RootcastError(rule.code, rule.message(source), { hint, details, cause: failure });
};
