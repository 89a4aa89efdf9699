import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../../src/home/paths.js';
import { loadServerSecret, serverSecretFile } from '../../../src/credentials/server-secret.js';

describe('loadServerSecret', () => {
  let paths: HomePaths;
  beforeEach(async () => {
    paths = resolveHomePaths({ home: await mkdtemp(join(tmpdir(), 'rootcast-token-')) });
  });
  afterEach(async () => {
    await rm(paths.home, { recursive: true, force: true });
  });

  test('creates a mode-600 key once, in a mode-700 directory, and reads the same key afterwards', async () => {
    const first = await loadServerSecret(paths);
    expect(first).toHaveLength(32);
    expect((await stat(serverSecretFile(paths))).mode & 0o777).toBe(0o600);
    expect((await stat(join(paths.home, 'secrets'))).mode & 0o777).toBe(0o700);
    expect(await loadServerSecret(paths)).toEqual(first);
    expect(await readdir(join(paths.home, 'secrets'))).toEqual(['install-token.key']);
  });

  test('concurrent first uses agree on one key', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadServerSecret(paths)));
    for (const key of keys) expect(key).toEqual(keys[0]);
    expect(await readdir(join(paths.home, 'secrets'))).toEqual(['install-token.key']);
  });

  test('refuses a key others can read, and a malformed key, without touching it', async () => {
    const file = serverSecretFile(paths);
    await mkdir(join(paths.home, 'secrets'), { recursive: true });
    await writeFile(file, `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    await chmod(file, 0o644);
    await expect(loadServerSecret(paths)).rejects.toMatchObject({ code: 'PERMISSION' });
    await chmod(file, 0o600);
    await writeFile(file, 'not hex\n');
    await expect(loadServerSecret(paths)).rejects.toMatchObject({ code: 'INVALID_DATA' });
    expect(await readFile(file, 'utf8')).toBe('not hex\n');
  });
});
