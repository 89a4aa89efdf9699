import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import type { ImageManifest } from '../../src/image/manifest.js';
import { ensureDebootstrapRoot, installedRootRecipe } from '../helpers/debootstrap-cache.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

const slow = process.env['ROOTCAST_SLOW'] === '1';
describe.skipIf(!slow)('capture of a debootstrapped Debian 12 over SSH (slow tier)', () => {
  let root: string;
  let sshd: TestSshd;
  let home: string;
  let knownHosts: string;

  beforeAll(async () => {
    // The shared, cached bookworm minbase + rsync (debootstrapped once per recipe, outside the repo).
    root = await ensureDebootstrapRoot(installedRootRecipe);
    sshd = await startSshd(root);
    home = mkdtempSync(join(tmpdir(), 'rootcast-slow-capture-'));
    knownHosts = join(home, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.hostKeyLine}\n`);
  }, 600_000);
  afterAll(async () => {
    await sshd?.stop();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  const capture = () =>
    runInProcess(['--home', join(home, 'store'), 'capture', `root@127.0.0.1:${sshd.port}`, '--image', 'bookworm', '--ssh-key', sshd.clientKeyPath, '--known-hosts', knownHosts]);

  test('captures a real distribution root, then an unchanged recapture costs no transfer', async () => {
    const first = await capture();
    expect(first.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(home, 'store/images/bookworm/1/manifest.json'), 'utf8')) as ImageManifest;
    expect(manifest.distro).toMatchObject({ id: 'debian', versionId: '12' });
    expect(manifest.fileCount).toBeGreaterThan(5000);
    expect(manifest.sizeBytes).toBeGreaterThan(100 * 1024 * 1024);
    const v1 = join(home, 'store/images/bookworm/1/root');
    expect(existsSync(join(v1, 'etc/hostname'))).toBe(false);
    expect(lstatSync(join(v1, 'etc/machine-id')).size).toBe(0);
    expect(lstatSync(join(v1, 'usr/bin/rsync')).isFile()).toBe(true);
    const second = await capture();
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^captured bookworm@2 .*\(0 changed/);
    expect(lstatSync(join(home, 'store/images/bookworm/2/root/usr/bin/rsync')).ino).toBe(lstatSync(join(v1, 'usr/bin/rsync')).ino);
  }, 600_000);
});
