import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The two secrets a host ever holds. An install token lives in one answer file and dies with that
 * install; a host credential is handed to the runner at the end of a successful install and serves
 * later updates and events. Both are derived, never stored: HMAC(server secret, kind, host, generation).
 */
export type CredentialKind = 'install' | 'host';

const prefixOf: Record<CredentialKind, string> = { install: 'i', host: 'h' };

// URL- and shell-safe, so it fits kickstart/preseed lines, rsync passwords and HTTP headers as is.
const tokenPattern = /^([ih])([1-9]\d{0,8})-([A-Za-z0-9_-]{43})$/;

/** `i3-<43 base64url chars>`: kind, generation, then the MAC that proves the server issued it. */
export const deriveToken = (secret: Buffer, kind: CredentialKind, host: string, generation: number): string => {
  const mac = createHmac('sha256', secret).update(`${kind}\0${host}\0${generation}`, 'utf8').digest('base64url');
  return `${prefixOf[kind]}${generation}-${mac}`;
};

/** What a presented token claims to be; the claim is only believed once `verifyToken` agrees. */
export interface TokenClaim {
  kind: CredentialKind;
  generation: number;
}

export const parseTokenClaim = (text: string): TokenClaim | undefined => {
  const match = tokenPattern.exec(text);
  if (match === null) return undefined;
  return { kind: match[1] === 'i' ? 'install' : 'host', generation: Number(match[2]) };
};

/** Constant-time check that `presented` is the server's token of this kind, host and generation. */
export const verifyToken = (secret: Buffer, host: string, presented: string, claim: TokenClaim): boolean => {
  const expected = Buffer.from(deriveToken(secret, claim.kind, host, claim.generation), 'utf8');
  const given = Buffer.from(presented, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/** The rsync daemon user each kind logs in as (a dot cannot occur in a host name, so these never collide). */
export const rsyncUserFor = (kind: CredentialKind, host: string): string => `${kind}.${host}`;

/** Stands in for a token where none may be issued (--dry-run, checks): well-formed, but no generation 0 is ever valid. */
export const unissuedInstallToken = `i0-${'x'.repeat(43)}`;
