import { RootcastError } from '../errors/rootcast-error.js';
import { buildRemoteCommandLine } from '../sys/planned-command.js';
import { sshCommandTarget, sshSessionClosedHint } from '../sys/rsync-failure.js';
import type { OpenSsh, SshCredentials, SshSession, SshTarget } from '../sys/ssh-session.js';
import { describeSource } from './source-spec.js';
import type { HostTrust } from './host-trust.js';
import { parseInspection, planInspection, splitInspectionOutput, type Inspection } from './inspection.js';
import type { SourceClock } from './settle-window.js';

/** An inspected golden client, and the session it was inspected over (kept open for settling; the caller closes it). */
export interface RemoteInspection {
  inspection: Inspection;
  session: SshSession;
  /** Its clock against ours, when it has `date`. */
  clock?: SourceClock;
}

export interface RemoteInspectionRequest {
  target: SshTarget;
  credentials: SshCredentials;
  trust: HostTrust;
  /** Read as the inspection's output arrives, to place the golden client's clock against ours. */
  monotonicMs: () => number;
  openSsh: OpenSsh;
  signal?: AbortSignal | undefined;
}

/** Inspects the golden client over ssh2 in one round trip; host key checked against known_hosts first. */
export const inspectRemote = async (request: RemoteInspectionRequest): Promise<RemoteInspection> => {
  const { target, trust, monotonicMs } = request;
  const session = await request.openSsh({ target, credentials: request.credentials, decideHostKey: trust.decide, hostKeyAlgorithms: trust.hostKeyAlgorithms, signal: request.signal });
  try {
    const result = await session.run(buildRemoteCommandLine(planInspection()));
    const receivedMs = monotonicMs();
    const stdout = result.stdout?.toString('utf8') ?? '';
    const parts = splitInspectionOutput(stdout);
    if (parts === undefined) throw describeInspectionFailure(describeSource({ kind: 'ssh', ...target }), result.exitCode, result.stderr);
    const inspection = parseInspection(parts);
    const clock = inspection.clockSeconds === undefined ? undefined : { sourceSeconds: inspection.clockSeconds, ourMs: receivedMs };
    return { inspection, session, ...(clock === undefined ? {} : { clock }) };
  } catch (error) {
    session.close();
    throw error;
  }
};

/** What the session printed on stderr (its last lines), or that it printed nothing. */
const stderrTail = (stderr: string): string[] => {
  const lines = stderr.trim().split('\n').filter(Boolean).slice(-8);
  return lines.length === 0 ? ['stderr: (empty)'] : lines.map((line) => `stderr: ${line}`);
};

/** The inspection script never ran: a session the server closed (exit 255), or a shell that could not run it. */
const describeInspectionFailure = (label: string, exitCode: number, stderr: string): RootcastError =>
  exitCode === 255
    ? new RootcastError('UNREACHABLE', `cannot inspect ${label}: the SSH session was closed before the inspection script ran (exit 255)`, {
        details: stderrTail(stderr),
        hint: sshSessionClosedHint(label),
      })
    : new RootcastError('UNAVAILABLE', `cannot inspect ${label}: the inspection script did not run (exit ${exitCode})`, {
        details: stderrTail(stderr),
        hint: `the golden client needs a POSIX sh; check that "ssh ${sshCommandTarget(label)} sh -c true" works`,
      });

/** A golden client without rsync cannot be captured (rootcast never runs an rsync daemon there). */
export const assertRemoteRsync = (inspection: Inspection, label: string): void => {
  if (inspection.rsyncPath !== undefined) return;
  throw new RootcastError('REMOTE_TOOL_MISSING', `rsync is not installed on ${label}`, {
    hint: 'install rsync on the golden client (apt-get install rsync / dnf install rsync) and re-run',
  });
};
