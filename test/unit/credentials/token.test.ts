import { describe, expect, test } from 'vitest';
import { installTokenProblem, planInstallGeneration } from '../../../src/credentials/install-generation.js';
import { deriveToken, parseTokenClaim, rsyncUserFor, unissuedInstallToken, verifyToken } from '../../../src/credentials/token.js';

const secret = Buffer.alloc(32, 0x0b);

describe('tokens', () => {
  test('are HMAC-SHA256(secret, kind, host, generation) in base64url behind their kind and generation (vector from openssl)', () => {
    // printf '%s\0%s\0%s' install web07 3 | openssl dgst -sha256 -mac HMAC -macopt hexkey:0b0b…0b -binary | basenc --base64url (minus the '=')
    expect(deriveToken(secret, 'install', 'web07', 3)).toBe('i3-Y7be7VGFXso2A4VNM-ynIeYNN262myxZHGN84hYA08o');
    expect(deriveToken(secret, 'host', 'web07', 3)).toMatch(/^h3-[A-Za-z0-9_-]{43}$/);
    expect(deriveToken(secret, 'install', 'web07', 4)).not.toBe(deriveToken(secret, 'install', 'web07', 3));
  });

  test('are checked for the right kind, host and generation only', () => {
    const token = deriveToken(secret, 'install', 'web07', 3);
    const claim = parseTokenClaim(token);
    expect(claim).toEqual({ kind: 'install', generation: 3 });
    expect(verifyToken(secret, 'web07', token, { kind: 'install', generation: 3 })).toBe(true);
    expect(verifyToken(secret, 'web08', token, { kind: 'install', generation: 3 })).toBe(false);
    expect(verifyToken(secret, 'web07', token, { kind: 'host', generation: 3 })).toBe(false);
    expect(verifyToken(Buffer.alloc(32, 1), 'web07', token, { kind: 'install', generation: 3 })).toBe(false);
    const forged = `i4${token.slice(2)}`;
    expect(verifyToken(secret, 'web07', forged, parseTokenClaim(forged) ?? { kind: 'install', generation: 0 })).toBe(false);
  });

  test('malformed tokens and the placeholder make no claim', () => {
    for (const text of ['', 'i3', 'x3-' + 'a'.repeat(43), 'i03-' + 'a'.repeat(43), 'i3-' + 'a'.repeat(42), '789093c19115d6d80a47104ad77f110b6dd744d04a9f81061b8edc22422cfa91', unissuedInstallToken]) {
      expect(parseTokenClaim(text), text).toBeUndefined();
    }
    expect(unissuedInstallToken).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
  });

  test('rsync users cannot collide with host names (a dot is never in a host label)', () => {
    expect([rsyncUserFor('install', 'web07'), rsyncUserFor('host', 'web07')]).toEqual(['install.web07', 'host.web07']);
  });
});

describe('install token validity', () => {
  const issued = new Date('2026-03-01T00:00:00Z');
  const current = planInstallGeneration(3, 'token', issued, 24 * 3_600_000, 'rootcast kickstart');
  const at = (iso: string) => new Date(iso);

  test('the newest generation works until it expires or its install finishes', () => {
    expect(current.expiresAt).toBe('2026-03-02T00:00:00.000Z');
    expect(installTokenProblem(3, current, undefined, at('2026-03-01T23:59:59Z'))).toBeUndefined();
    expect(installTokenProblem(3, current, 2, at('2026-03-01T12:00:00Z'))).toBeUndefined();
    expect(installTokenProblem(3, current, undefined, at('2026-03-02T00:00:00Z'))).toMatch(/expired at 2026-03-02T00:00:00.000Z/);
    expect(installTokenProblem(3, current, 3, at('2026-03-01T12:00:00Z'))).toBe('its install already finished');
  });

  test('an older generation is replaced, a revoked one says by whom, a future one was never issued', () => {
    expect(installTokenProblem(2, current, undefined, issued)).toMatch(/a newer answer file replaced it \(issued .* by rootcast kickstart\)/);
    const revocation = planInstallGeneration(4, 'revocation', issued, 0, 'rootcast host reinstall');
    expect(revocation.expiresAt).toBeUndefined();
    expect(installTokenProblem(3, revocation, undefined, issued)).toMatch(/revoked by "rootcast host reinstall"/);
    expect(installTokenProblem(4, current, undefined, issued)).toBe('no answer file with that token was issued');
    expect(installTokenProblem(1, undefined, undefined, issued)).toBe('no answer file with that token was issued');
  });
});
