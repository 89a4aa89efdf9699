import { installTokenProblem, type InstallGeneration } from '../credentials/install-generation.js';
import { deriveToken, rsyncUserFor } from '../credentials/token.js';
import type { HostRecord } from '../state/host-record.js';

/** What decides a host's rsync passwords right now: its newest install generation and its record. */
export interface HostCredentialState {
  host: string;
  current: InstallGeneration | undefined;
  record: HostRecord;
}

/**
 * The daemon's secrets file (pure): `install.<host>:<token>` while the host's install token is good,
 * `host.<host>:<credential>` once it enrolled. A spent, superseded, revoked or expired token has no
 * line, so the daemon refuses it exactly when the HTTP API does. Sorted, so a rewrite is skipped when
 * nothing changed. The file must be mode 600: rsync's strict modes refuse anything looser.
 */
export const renderRsyncdSecrets = (states: readonly HostCredentialState[], secret: Buffer, now: Date): string =>
  states
    .flatMap(({ host, current, record }) => {
      const lines: string[] = [];
      if (current?.kind === 'token' && installTokenProblem(current.generation, current, record.completedGeneration, now) === undefined) {
        lines.push(`${rsyncUserFor('install', host)}:${deriveToken(secret, 'install', host, current.generation)}\n`);
      }
      if (record.credentialGeneration !== undefined) {
        lines.push(`${rsyncUserFor('host', host)}:${deriveToken(secret, 'host', host, record.credentialGeneration)}\n`);
      }
      return lines;
    })
    .sort()
    .join('');

/** The earliest moment a line of the secrets file goes stale by itself (an install token expiring). */
export const nextExpiry = (states: readonly HostCredentialState[], now: Date): Date | undefined => {
  const upcoming = states
    .flatMap(({ current }) => (current?.expiresAt === undefined ? [] : [Date.parse(current.expiresAt)]))
    .filter((time) => time > now.getTime());
  return upcoming.length === 0 ? undefined : new Date(Math.min(...upcoming));
};
