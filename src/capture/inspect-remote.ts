import { RootcastError } from '../errors/rootcast-error.js';
import { quoteShellWord } from '../sys/command-line.js';
import { runSshCommand, type SshCredentials, type SshTarget } from '../sys/ssh-session.js';
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
  if (parts === undefined) {
    throw new RootcastError('UNAVAILABLE', `cannot inspect ${target.user}@${target.host}:${target.port}: the inspection script did not run (exit ${result.exitCode})`, {
      details: result.stderr.trim().split('\n').filter(Boolean).slice(-8).map((line) => `stderr: ${line}`),
      hint: 'the golden client needs a POSIX sh; check that you can run "ssh USER@HOST true"',
    });
  }
  return parseInspection(parts);
};

/** A golden client without rsync cannot be captured (rootcast never runs an rsync daemon there). */
export const assertRemoteRsync = (inspection: Inspection, label: string): void => {
  if (inspection.rsyncPath !== undefined) return;
  throw new RootcastError('REMOTE_TOOL_MISSING', `rsync is not installed on ${label}`, {
    hint: 'install rsync on the golden client (apt-get install rsync / dnf install rsync) and re-run',
  });
};
