import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../../src/home/paths.js';
import { installSecretFile, installTokenFor, isInstallTokenFor, loadInstallSecret } from '../../../src/server/install-token.js';

describe('install tokens', () => {
  const secret = Buffer.alloc(32, 0x0b);

  test('are HMAC-SHA256(secret, host) in hex (vector from openssl dgst -mac HMAC)', () => {
    expect(installTokenFor(secret, 'web07')).toBe('789093c19115d6d80a47104ad77f110b6dd744d04a9f81061b8edc22422cfa91');
    expect(installTokenFor(secret, 'web08')).not.toBe(installTokenFor(secret, 'web07'));
  });

  test('are checked for the right host only', () => {
    const token = installTokenFor(secret, 'web07');
    expect(isInstallTokenFor(secret, 'web07', token)).toBe(true);
    expect(isInstallTokenFor(secret, 'web08', token)).toBe(false);
    expect(isInstallTokenFor(secret, 'web07', token.slice(1))).toBe(false);
    expect(isInstallTokenFor(secret, 'web07', '')).toBe(false);
  });
});

describe('loadInstallSecret', () => {
  let paths: HomePaths;
  beforeEach(async () => {
    paths = resolveHomePaths({ home: await mkdtemp(join(tmpdir(), 'rootcast-token-')) });
  });
  afterEach(async () => {
    await rm(paths.home, { recursive: true, force: true });
  });

  test('creates a mode-600 key once, in a mode-700 directory, and reads the same key afterwards', async () => {
    const first = await loadInstallSecret(paths);
    expect(first).toHaveLength(32);
    expect((await stat(installSecretFile(paths))).mode & 0o777).toBe(0o600);
    expect((await stat(join(paths.home, 'secrets'))).mode & 0o777).toBe(0o700);
    expect(await loadInstallSecret(paths)).toEqual(first);
    expect(await readdir(join(paths.home, 'secrets'))).toEqual(['install-token.key']);
  });

  test('concurrent first uses agree on one key', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadInstallSecret(paths)));
    for (const key of keys) expect(key).toEqual(keys[0]);
    expect(await readdir(join(paths.home, 'secrets'))).toEqual(['install-token.key']);
  });

  test('refuses a key others can read, and a malformed key, without touching it', async () => {
    const file = installSecretFile(paths);
    await mkdir(join(paths.home, 'secrets'), { recursive: true });
    await writeFile(file, `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    await chmod(file, 0o644);
    await expect(loadInstallSecret(paths)).rejects.toMatchObject({ code: 'PERMISSION' });
    await chmod(file, 0o600);
    await writeFile(file, 'not hex\n');
    await expect(loadInstallSecret(paths)).rejects.toMatchObject({ code: 'INVALID_DATA' });
    expect(await readFile(file, 'utf8')).toBe('not hex\n');
  });
});
