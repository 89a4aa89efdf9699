import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../../src/home/paths.js';
import { imageLayout } from '../../../src/image/layout.js';
import type { PayloadRecord } from '../../../src/image/manifest.js';
import { payloadFiles } from '../../../src/payload/payload-layout.js';
import { openPayloadService } from '../../../src/server/payload-service.js';
import { minimalManifest } from '../../helpers/image-builder.js';

const record = (version: number, infoHash: string): PayloadRecord => ({
  file: `web@${version}.tar.zst`, bytes: 10, sha256: '0'.repeat(64), infoHash, pieceLength: 1048576, zstdLevel: 6, builtAt: '2026-01-01T00:00:00.000Z', rootcastVersion: '0.0.0-test',
});

/** A version whose manifest names a payload and whose payload files exist (their content does not matter here). */
const publishedVersion = async (paths: HomePaths, version: number, infoHash: string): Promise<void> => {
  const layout = imageLayout(paths);
  const files = payloadFiles(layout.versionDir('web', version), 'web', version);
  await mkdir(files.dir, { recursive: true });
  await writeFile(files.archive, 'archive');
  await writeFile(files.torrent, 'torrent');
  await writeFile(layout.manifestFile('web', version), JSON.stringify(minimalManifest('web', version, { payload: record(version, infoHash) })));
};

describe("serve's payload service", () => {
  let work: string;
  let paths: HomePaths;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-payload-service-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const service = () => openPayloadService({ paths, exec: () => Promise.reject(new Error('no builds here')), now: () => new Date(), nowMs: () => 0, log: () => undefined });

  test('an info hash remembered for a version that "image rm" removed since is not answered any more', async () => {
    const payloads = service();
    await publishedVersion(paths, 1, 'a'.repeat(40));
    await publishedVersion(paths, 2, 'b'.repeat(40));
    expect(await payloads.versionOfInfoHash('web', 'a'.repeat(40))).toBe(1);
    expect(await payloads.versionOfInfoHash('other', 'a'.repeat(40))).toBeUndefined();
    await rm(imageLayout(paths).versionDir('web', 1), { recursive: true });
    expect(await payloads.versionOfInfoHash('web', 'a'.repeat(40))).toBeUndefined();
    expect(await payloads.versionOfInfoHash('web', 'b'.repeat(40))).toBe(2);
  });

  test("/healthz's name for a swarm: image@version while that version still has that payload, nothing after", async () => {
    const payloads = service();
    await publishedVersion(paths, 1, 'a'.repeat(40));
    expect(await payloads.refOfInfoHash('a'.repeat(40))).toBeUndefined();
    await payloads.versionOfInfoHash('web', 'a'.repeat(40));
    expect(await payloads.refOfInfoHash('a'.repeat(40))).toBe('web@1');
    await rm(imageLayout(paths).versionDir('web', 1), { recursive: true });
    expect(await payloads.refOfInfoHash('a'.repeat(40))).toBeUndefined();
  });

  test('a version whose payload was rebuilt with another info hash answers for the new one only', async () => {
    const payloads = service();
    await publishedVersion(paths, 1, 'a'.repeat(40));
    expect(await payloads.versionOfInfoHash('web', 'a'.repeat(40))).toBe(1);
    await publishedVersion(paths, 1, 'c'.repeat(40));
    expect(await payloads.versionOfInfoHash('web', 'a'.repeat(40))).toBeUndefined();
    expect(await payloads.versionOfInfoHash('web', 'c'.repeat(40))).toBe(1);
  });
});
