import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import type { ImageManifest } from '../../src/image/manifest.js';
import { buildMinimalRoot, goldenClientPrograms } from '../helpers/minimal-root.js';
import { makeChrootDir, startSshd, type TestSshd } from '../helpers/sshd.js';

const capture = (args: string[]) => runInProcess(args);

/** Every regular file below root, by relative path, with its inode. */
const inodes = (root: string, prefix = ''): Map<string, number> => {
  const result = new Map<string, number>();
  for (const name of readdirSync(join(root, prefix))) {
    const rel = join(prefix, name);
    const info = lstatSync(join(root, rel));
    if (info.isDirectory()) for (const [path, inode] of inodes(root, rel)) result.set(path, inode);
    else if (info.isFile()) result.set(rel, info.ino);
  }
  return result;
};

describe('capture over SSH from a real sshd (chrooted golden client)', () => {
  let root: string;
  let sshd: TestSshd;
  let home: string;
  let knownHosts: string;

  beforeAll(async () => {
    root = makeChrootDir();
    buildMinimalRoot(root, goldenClientPrograms());
    mkdirSync(join(root, 'srv/app'), { recursive: true });
    for (let index = 0; index < 20; index += 1) writeFileSync(join(root, 'srv/app', `file-${index}.txt`), `content ${index}\n`.repeat(100));
    writeFileSync(join(root, 'etc/os-release'), 'ID=testos\nVERSION_ID="1"\nPRETTY_NAME="Test OS 1"\n');
    writeFileSync(join(root, 'etc/hostname'), 'golden\n');
    writeFileSync(join(root, 'tmp/scratch'), 'junk');
    mkdirSync(join(root, 'boot'));
    writeFileSync(join(root, 'boot/vmlinuz-6.1.0-test'), 'kernel');
    sshd = await startSshd(root);
    home = mkdtempSync(join(tmpdir(), 'rootcast-capture-ssh-'));
    knownHosts = join(home, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.hostKeyLine}\n`);
  });

  afterAll(async () => {
    await sshd?.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  const args = () => ['--home', join(home, 'store'), 'capture', `root@127.0.0.1:${sshd.port}`, '--image', 'web', '--ssh-key', sshd.clientKeyPath, '--known-hosts', knownHosts];

  test('captures a version, then a second one that hard-links every unchanged file to the first', async () => {
    const first = await capture(args());
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^captured web@1 from root@127\.0\.0\.1:\d+: [\d,]+ files/);
    const v1 = join(home, 'store/images/web/1/root');
    expect(readFileSync(join(v1, 'srv/app/file-3.txt'), 'utf8')).toBe('content 3\n'.repeat(100));
    expect(readdirSync(join(v1, 'tmp'))).toEqual([]);
    expect(() => lstatSync(join(v1, 'etc/hostname'))).toThrow();
    expect(lstatSync(join(v1, 'etc/machine-id')).size).toBe(0);
    const manifest = JSON.parse(readFileSync(join(home, 'store/images/web/1/manifest.json'), 'utf8')) as ImageManifest;
    expect(manifest).toMatchObject({ image: 'web', version: 1, source: { kind: 'ssh', user: 'root', host: '127.0.0.1', port: sshd.port } });
    expect(manifest.distro?.id).toBe('testos');
    expect(manifest.kernels).toEqual(['6.1.0-test']);
    expect(manifest.fileCount).toBeGreaterThan(20);
    expect(manifest.excludes).toContain('/etc/hostname');

    writeFileSync(join(root, 'srv/app/file-7.txt'), 'changed\n');
    const second = await capture(args());
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^captured web@2 .*\(1 changed/);
    const before = inodes(v1);
    const after = inodes(join(home, 'store/images/web/2/root'));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const differing = [...after].filter(([path, inode]) => before.get(path) !== inode).map(([path]) => path);
    expect(differing).toEqual(['srv/app/file-7.txt']);
    expect(readFileSync(join(home, 'store/images/web/2/root/srv/app/file-7.txt'), 'utf8')).toBe('changed\n');
    const manifest2 = JSON.parse(readFileSync(join(home, 'store/images/web/2/manifest.json'), 'utf8')) as ImageManifest;
    expect(manifest2.parentVersion).toBe(1);
  });

  test('--json prints the manifest and rsync statistics', async () => {
    const result = await capture(['--json', ...args()]);
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as { manifest: ImageManifest; stats: { transferredFiles: number } };
    expect(parsed.manifest.version).toBe(3);
    expect(parsed.stats.transferredFiles).toBe(0);
  });
});
