import { RootcastError } from '../errors/rootcast-error.js';
import { quoteShellWord } from '../sys/command-line.js';
import { sshCommandTarget, sshSessionClosedHint } from '../sys/rsync-failure.js';
import { runSshCommand, type SshCommandResult, type SshCredentials, type SshTarget } from '../sys/ssh-session.js';
import { describeSource } from './source-spec.js';
import type { HostTrust } from './host-trust.js';
import { inspectionScript, parseInspection, splitInspectionOutput, type Inspection } from './inspection.js';

/** Inspects the golden client over ssh2 in one round trip; host key checked against known_hosts first. */
export const inspectRemote = async (
  target: SshTarget,
  credentials: SshCredentials,
  trust: HostTrust,
  signal?: AbortSignal,
): Promise<Inspection> => {
  const result = await runSshCommand({
    target,
    credentials,
    decideHostKey: trust.decide,
    hostKeyAlgorithms: trust.hostKeyAlgorithms,
    // sh -c: the login shell may be anything (tcsh, fish); the script is POSIX sh.
    command: `sh -c ${quoteShellWord(inspectionScript())}`,
    signal,
  });
  const parts = splitInspectionOutput(result.stdout);
  if (parts === undefined) throw describeInspectionFailure(describeSource({ kind: 'ssh', ...target }), result);
  return parseInspection(parts);
};

/** What the session printed on stderr (its last lines), or that it printed nothing. */
const stderrTail = (stderr: string): string[] => {
  const lines = stderr.trim().split('\n').filter(Boolean).slice(-8);
  return lines.length === 0 ? ['stderr: (empty)'] : lines.map((line) => `stderr: ${line}`);
};

/** The inspection script never ran: a session the server closed (exit 255), or a shell that could not run it. */
const describeInspectionFailure = (label: string, result: SshCommandResult): RootcastError =>
  result.exitCode === 255
    ? new RootcastError('UNREACHABLE', `cannot inspect ${label}: the SSH session was closed before the inspection script ran (exit 255)`, {
        details: stderrTail(result.stderr),
        hint: sshSessionClosedHint(label),
      })
    : new RootcastError('UNAVAILABLE', `cannot inspect ${label}: the inspection script did not run (exit ${result.exitCode})`, {
        details: stderrTail(result.stderr),
        hint: `the golden client needs a POSIX sh; check that "ssh ${sshCommandTarget(label)} sh -c true" works`,
      });

/** A golden client without rsync cannot be captured (rootcast never runs an rsync daemon there). */
export const assertRemoteRsync = (inspection: Inspection, label: string): void => {
  if (inspection.rsyncPath !== undefined) return;
  throw new RootcastError('REMOTE_TOOL_MISSING', `rsync is not installed on ${label}`, {
    hint: 'install rsync on the golden client (apt-get install rsync / dnf install rsync) and re-run',
  });
};
