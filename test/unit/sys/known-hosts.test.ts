import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  entryMatchesHost, fingerprintOfBlob, formatKnownHostsLine, hostKeyAlgorithmsFor, keyTypeOfBlob, knownHostsName, parseKnownHosts, verifyHostKey,
} from '../../../src/sys/known-hosts.js';

/** An SSH wire-format key blob: string type, then opaque key bytes. */
const blob = (type: string, body: Buffer = randomBytes(32)): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(type.length);
  return Buffer.concat([length, Buffer.from(type), body]);
};
const hashed = (name: string): string => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('known_hosts', () => {
  const key = blob('ssh-ed25519');
  const other = blob('ssh-ed25519');
  const b64 = key.toString('base64');

  test('names a non-22 port as [host]:port', () => {
    expect(knownHostsName('golden', 22)).toBe('golden');
    expect(knownHostsName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });

  test('parses plain, hashed, marked and commented lines, keeping line numbers', () => {
    const entries = parseKnownHosts(`# comment\n\ngolden,10.0.0.5 ssh-ed25519 ${b64} me@x\n@cert-authority *.lan ssh-rsa AAAA\n@revoked bad ssh-rsa BBBB\nbroken-line\n`);
    expect(entries.map((entry) => [entry.line, entry.hosts, entry.revoked])).toEqual([[3, 'golden,10.0.0.5', false], [5, 'bad', true]]);
  });

  test('matches hosts by list, wildcard, negation and HMAC-SHA1 hash', () => {
    expect(entryMatchesHost('a,golden', 'golden')).toBe(true);
    expect(entryMatchesHost('GOLDEN', 'golden')).toBe(true);
    expect(entryMatchesHost('*.lan', 'web1.lan')).toBe(true);
    expect(entryMatchesHost('*.lan,!db.lan', 'db.lan')).toBe(false);
    expect(entryMatchesHost('web?', 'web12')).toBe(false);
    expect(entryMatchesHost(hashed('[127.0.0.1]:2222'), '[127.0.0.1]:2222')).toBe(true);
    expect(entryMatchesHost(hashed('[127.0.0.1]:2222'), '[127.0.0.1]:2223')).toBe(false);
    expect(entryMatchesHost('[127.0.0.1]:2222', '127.0.0.1')).toBe(false);
  });

  test('verdicts: trusted, unknown, changed (with the line), revoked', () => {
    const entries = parseKnownHosts(`other ssh-ed25519 ${other.toString('base64')}\n[golden]:2222 ssh-ed25519 ${b64}\ngolden ssh-ed25519 ${other.toString('base64')}\n`);
    expect(verifyHostKey(entries, 'golden', 2222, b64)).toEqual({ kind: 'trusted', line: 2 });
    expect(verifyHostKey(entries, 'new', 22, b64)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(entries, 'golden', 22, b64)).toEqual({ kind: 'changed', line: 3, knownType: 'ssh-ed25519' });
    const revoked = parseKnownHosts(`@revoked * ssh-ed25519 ${b64}\ngolden ssh-ed25519 ${b64}\n`);
    expect(verifyHostKey(revoked, 'golden', 22, b64)).toEqual({ kind: 'revoked', line: 1 });
  });

  test('reads the key type from the blob, fingerprints like ssh-keygen and writes a plain line', () => {
    expect(keyTypeOfBlob(key)).toBe('ssh-ed25519');
    expect(fingerprintOfBlob(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(formatKnownHostsLine('10.0.0.5', 2222, key)).toBe(`[10.0.0.5]:2222 ssh-ed25519 ${b64}`);
  });

  test('asks for the key types already known, RSA under its SHA-2 names too', () => {
    expect(hostKeyAlgorithmsFor(['ssh-rsa', 'ssh-ed25519', 'ssh-rsa'])).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
  });
});
