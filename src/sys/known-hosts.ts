import { createHash, createHmac } from 'node:crypto';

/** One usable line of a known_hosts file (markers other than @revoked are skipped). */
export interface KnownHostsEntry {
  /** 1-based line number, for "changed key: FILE:LINE" messages. */
  line: number;
  revoked: boolean;
  /** Comma-separated host patterns, or one hashed `|1|salt|hash` entry. */
  hosts: string;
  keyType: string;
  keyBase64: string;
}

/** What known_hosts says about the key a host offered. */
export type HostKeyVerdict =
  | { kind: 'trusted'; line: number }
  | { kind: 'unknown' }
  | { kind: 'changed'; line: number; knownType: string }
  | { kind: 'revoked'; line: number };

/** Parses known_hosts text; malformed lines are skipped, as OpenSSH does. */
export const parseKnownHosts = (text: string): KnownHostsEntry[] => {
  const entries: KnownHostsEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let revoked = false;
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked') return; // @cert-authority lines vouch for certificates, not plain keys
      revoked = true;
      fields.shift();
    }
    const [hosts, keyType, keyBase64] = fields;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) return;
    entries.push({ line: index + 1, revoked, hosts, keyType, keyBase64 });
  });
  return entries;
};

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export const knownHostsName = (host: string, port: number): string =>
  port === 22 ? host : `[${host}]:${port}`;

const wildcardToRegExp = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i');

const matchesHashed = (entry: string, name: string): boolean => {
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || salt === undefined || hash === undefined) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
};

/** Whether an entry's host field names this host (hashed entries, wildcards and `!negations` included). */
export const entryMatchesHost = (hosts: string, name: string): boolean => {
  if (hosts.startsWith('|')) return matchesHashed(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (!wildcardToRegExp(body).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
};

/** Entries that apply to host:port. */
export const entriesForHost = (entries: readonly KnownHostsEntry[], host: string, port: number): KnownHostsEntry[] => {
  const name = knownHostsName(host, port);
  return entries.filter((entry) => entryMatchesHost(entry.hosts, name));
};

/** Checks an offered key (the SSH wire blob, base64) against the entries for host:port. */
export const verifyHostKey = (
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
  offeredBase64: string,
): HostKeyVerdict => {
  const forHost = entriesForHost(entries, host, port);
  const revoked = forHost.find((entry) => entry.revoked && entry.keyBase64 === offeredBase64);
  if (revoked !== undefined) return { kind: 'revoked', line: revoked.line };
  const plain = forHost.filter((entry) => !entry.revoked);
  const trusted = plain.find((entry) => entry.keyBase64 === offeredBase64);
  if (trusted !== undefined) return { kind: 'trusted', line: trusted.line };
  const first = plain[0];
  return first === undefined ? { kind: 'unknown' } : { kind: 'changed', line: first.line, knownType: first.keyType };
};

/** The key type written inside an SSH public key blob (its first length-prefixed string). */
export const keyTypeOfBlob = (blob: Buffer): string => {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
};

/** `SHA256:...` as ssh-keygen -l prints it. */
export const fingerprintOfBlob = (blob: Buffer): string =>
  `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

/** A new known_hosts line (plain, not hashed, so admins can read what rootcast trusted). */
export const formatKnownHostsLine = (host: string, port: number, blob: Buffer): string =>
  `${knownHostsName(host, port)} ${keyTypeOfBlob(blob)} ${blob.toString('base64')}`;

/** Host-key algorithms to offer first so the server presents a key type we already know. */
export const hostKeyAlgorithmsFor = (keyTypes: readonly string[]): string[] => {
  const expand: Record<string, string[]> = { 'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] };
  return [...new Set(keyTypes.flatMap((type) => expand[type] ?? [type]))];
};
