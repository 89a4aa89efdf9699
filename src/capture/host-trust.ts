import { RootcastError } from '../errors/rootcast-error.js';
import {
  entriesForHost,
  fingerprintOfBlob,
  formatKnownHostsLine,
  hostKeyAlgorithmsFor,
  keyTypeOfBlob,
  knownHostsName,
  parseKnownHosts,
  verifyHostKey,
} from '../sys/known-hosts.js';
import { appendKnownHostsLine, readKnownHostsFile } from '../sys/known-hosts-file.js';
import type { HostKeyDecision, SshTarget } from '../sys/ssh-session.js';

export interface HostTrust {
  /** known_hosts already names this host: OpenSSH can verify it by itself, so rsync may start at once. */
  known: boolean;
  hostKeyAlgorithms: string[];
  decide: HostKeyDecision;
  /**
   * Appends a key accepted with --accept-new-host-key to known_hosts. Call it only once the session that
   * saw the key authenticated and the capture can go ahead: a failed capture must not change known_hosts.
   */
  recordAcceptedKey(): Promise<void>;
}

export interface HostTrustOptions {
  knownHostsFile: string;
  /** --accept-new-host-key: trust an unknown key on first use and record it. @default false */
  acceptNew: boolean;
  /** Record nothing (--dry-run). @default false */
  readOnly: boolean;
  /** Whose key it is, for the hints: capture can accept a new key itself, push and drift never do. @default 'capture' */
  purpose?: 'capture' | 'push';
}

/** How a hint says "then trust the key": capture has --accept-new-host-key, push only reads known_hosts. */
const trustStep = (purpose: 'capture' | 'push', name: string, file: string): string =>
  purpose === 'capture' ? 're-run with --accept-new-host-key' : `add its key to ${file} (e.g. ssh-keyscan, checked against that fingerprint) and push again; rootcast never trusts a key on first use for ${name}`;

/** Reads known_hosts once and returns the verifier ssh2 calls with the offered key. */
export const loadHostTrust = async (target: SshTarget, options: HostTrustOptions): Promise<HostTrust> => {
  const entries = parseKnownHosts(await readKnownHostsFile(options.knownHostsFile));
  const forHost = entriesForHost(entries, target.host, target.port).filter((entry) => !entry.revoked);
  const name = knownHostsName(target.host, target.port);
  const purpose = options.purpose ?? 'capture';
  let accepted: Buffer | undefined;
  const decide: HostKeyDecision = async (blob) => {
    const offered = blob.toString('base64');
    const verdict = verifyHostKey(entries, target.host, target.port, offered);
    const fingerprint = `${keyTypeOfBlob(blob)} ${fingerprintOfBlob(blob)}`;
    switch (verdict.kind) {
      case 'trusted':
        return;
      case 'revoked':
        throw new RootcastError('HOST_KEY_MISMATCH', `the SSH host key of ${name} is revoked in ${options.knownHostsFile}:${verdict.line}`, {
          details: [`offered key: ${fingerprint}`],
          hint: `do not ${purpose === 'capture' ? 'capture from' : 'update'} this machine until its host key is replaced`,
        });
      case 'changed':
        throw new RootcastError('HOST_KEY_MISMATCH', `the SSH host key of ${name} has changed (known ${verdict.knownType} key at ${options.knownHostsFile}:${verdict.line})`, {
          details: [`offered key: ${fingerprint}`],
          hint: `if ${purpose === 'capture' ? 'the golden client' : 'the host'} was reinstalled, delete line ${verdict.line} of ${options.knownHostsFile} (ssh-keygen -R '${name}' -f ${options.knownHostsFile}), then ${trustStep(purpose, name, options.knownHostsFile)}`,
        });
      case 'unknown':
        if (!options.acceptNew) {
          throw new RootcastError('HOST_KEY_UNKNOWN', `the SSH host key of ${name} is not in ${options.knownHostsFile}`, {
            details: [`offered key: ${fingerprint}`],
            hint: `check the fingerprint on ${purpose === 'capture' ? 'the golden client' : 'the host'} (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then ${trustStep(purpose, name, options.knownHostsFile)}`,
          });
        }
        accepted = blob;
    }
  };
  const recordAcceptedKey = async (): Promise<void> => {
    if (accepted === undefined || options.readOnly) return;
    await appendKnownHostsLine(options.knownHostsFile, formatKnownHostsLine(target.host, target.port, accepted));
    accepted = undefined;
  };
  return {
    known: forHost.length > 0,
    hostKeyAlgorithms: hostKeyAlgorithmsFor(forHost.map((entry) => entry.keyType)),
    decide,
    recordAcceptedKey,
  };
};
