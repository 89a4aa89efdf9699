import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ImageManifest } from '../../src/image/manifest.js';
import { infoHashOf, readTorrentInfo } from '../../src/payload/torrent.js';
import { execProcess } from '../../src/sys/exec.js';
import { buildTarExtractArgs } from '../../src/sys/tar-archive.js';
import { runBinary } from '../helpers/cli.js';
import { allocatedBytes, buildFidelityTree, compareTrees, sparseFileSize } from '../helpers/fidelity-tree.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** `rootcast image publish` with the built binary, on a capture of every kind of file a root can hold. */
describe('rootcast image publish', () => {
  let work: string;
  let home: string;
  const versionDir = (): string => join(home, 'images', 'fid', '1');
  const archive = (): string => join(versionDir(), 'payload', 'fid@1.tar.zst');
  const manifest = (): ImageManifest => JSON.parse(readFileSync(join(versionDir(), 'manifest.json'), 'utf8')) as ImageManifest;
  const rootcast = (...args: string[]) => runBinary(['--home', home, ...args]);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-publish-'));
    home = join(work, 'home');
    const source = join(work, 'source');
    mkdirSync(join(source, 'etc'), { recursive: true });
    writeFileSync(join(source, 'etc', 'fstab'), '# the image\'s fstab\n');
    buildFidelityTree(join(source, 'srv'));
    const captured = await rootcast('capture', '--from-dir', source, '--image', 'fid');
    expect(captured.status, captured.stderr).toBe(0);
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('bad input changes nothing: an unknown version is 66, a malformed reference 64', async () => {
    // The root holds a non-UTF-8 name the snapshot helper cannot walk; the root is read-only to publish anyway.
    const snapshot = () => snapshotTree(home, { excludes: ['images/fid/1/root'] });
    const before = snapshot();
    const unknown = await rootcast('image', 'publish', 'fid@7');
    expect([unknown.status, unknown.stderr]).toEqual([66, expect.stringContaining('fid@7 does not exist')]);
    expect((await rootcast('image', 'publish', 'Fid@@1')).status).toBe(64);
    expect((await rootcast('image', 'publish', 'fid', '--dry-run')).stdout).toContain('dry-run: would build');
    expect(snapshot()).toEqual(before);
  });

  test('builds the tar.zst and the torrent inside the version and records both digests in the manifest', async () => {
    const published = await rootcast('image', 'publish', 'fid');
    expect(published.status, published.stderr).toBe(0);
    expect(published.stdout).toMatch(/^published fid@1 in [\d.]+ s: .*\/images\/fid\/1\/payload\/fid@1\.tar\.zst\n/);
    const record = manifest().payload;
    expect(record).toMatchObject({ file: 'fid@1.tar.zst', sha256: sha256(archive()), zstdLevel: 6, pieceLength: 1048576 });
    const info = readTorrentInfo(readFileSync(join(versionDir(), 'payload', 'fid@1.torrent')));
    expect([info.name, info.length, infoHashOf(info)]).toEqual(['fid@1.tar.zst', record?.bytes, record?.infoHash]);
    const again = await rootcast('image', 'publish', 'fid@1', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ kind: 'existing', ref: 'fid@1', record });
  });

  test('reproducible: a forced rebuild gives the same bytes and the same info hash', async () => {
    const first = manifest().payload;
    const rebuilt = await rootcast('image', 'publish', 'fid', '--force');
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(manifest().payload).toEqual({ ...first, builtAt: expect.any(String) });
    expect(sha256(archive())).toBe(first?.sha256);
  });

  test('a forced rebuild swaps the files in place: payload/ is never removed, and a download already reading the old archive reads it to the end', async () => {
    const payloadDir = join(versionDir(), 'payload');
    const [dirBefore, archiveBefore] = [statSync(payloadDir).ino, statSync(archive()).ino];
    const reading = await open(archive(), 'r');
    try {
      const rebuilt = await rootcast('image', 'publish', 'fid', '--force');
      expect(rebuilt.status, rebuilt.stderr).toBe(0);
      expect(statSync(payloadDir).ino).toBe(dirBefore);
      expect(statSync(archive()).ino).not.toBe(archiveBefore);
      expect(readdirSync(payloadDir).sort()).toEqual(['fid@1.tar.zst', 'fid@1.torrent']);
      expect(readdirSync(versionDir()).filter((name) => name.startsWith('.payload-'))).toEqual([]);
      const old = await reading.readFile();
      expect(createHash('sha256').update(old).digest('hex')).toBe(manifest().payload?.sha256);
    } finally {
      await reading.close();
    }
  });

  test('the runner\'s unpack restores owners, modes, times, ACLs, xattrs, hard links, devices and holes; kept paths stay as they are', async () => {
    const target = join(work, 'target');
    mkdirSync(join(target, 'etc'), { recursive: true });
    writeFileSync(join(target, 'etc', 'fstab'), '# this machine\'s fstab\n');
    await execProcess({ command: 'tar', args: buildTarExtractArgs(archive(), target, ['/etc/fstab', '/boot/efi/']) });
    const root = join(versionDir(), 'root');
    // A unix socket cannot be archived (tar skips it); the rsync pass that ends every install creates it.
    expect(compareTrees(join(root, 'srv'), join(target, 'srv'))).toEqual(['"special/socket": missing']);
    expect(allocatedBytes(join(target, 'srv', 'files', 'sparse.img'))).toBeLessThan(sparseFileSize / 8);
    expect(readFileSync(join(target, 'etc', 'fstab'), 'utf8')).toBe('# this machine\'s fstab\n');
  });

  test('removing the version removes its payload', async () => {
    const removed = await rootcast('image', 'rm', 'fid@1');
    expect(removed.status, removed.stderr).toBe(0);
    expect(existsSync(archive())).toBe(false);
  });
});
