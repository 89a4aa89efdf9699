import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { withImageLock } from '../../src/image/lock.js';
import type { ImageManifest } from '../../src/image/manifest.js';
import { beginStaging, commitStaging } from '../../src/image/staging.js';
import { listVersions } from '../../src/image/versions.js';
import { imageLayout } from '../../src/image/layout.js';
import { execProcess } from '../../src/sys/exec.js';
import { runRsync } from '../../src/sys/rsync.js';
import { emptyHostRecord, recordDeployStarting, recordDone } from '../../src/state/host-record.js';
import { writeHostRecord } from '../../src/state/host-record-store.js';

/** A throwaway --home for one test. */
export const makeTempHome = async (prefix = 'rootcast-image-'): Promise<HomePaths> =>
  resolveHomePaths({ home: await mkdtemp(join(tmpdir(), prefix)) });

export const minimalManifest = (image: string, version: number, overrides: Partial<ImageManifest> = {}): ImageManifest => ({
  formatVersion: 1,
  image,
  version,
  ...(version > 1 ? { parentVersion: version - 1 } : {}),
  createdAt: new Date(Date.UTC(2024, 0, version)).toISOString(),
  source: { kind: 'dir', path: '/test/source' },
  rootcastVersion: '0.0.0-test',
  sizeBytes: 1000 * version,
  fileCount: 10 * version,
  kernels: [],
  mounts: [],
  disks: [],
  excludes: ['/proc/*'],
  secrets: [],
  ...overrides,
});

/**
 * Adds the next version of `image` exactly as capture does: real rsync of `sourceDir` into a
 * staging root, hard-linking unchanged files to the previous version, then commitStaging.
 */
export const addVersion = async (paths: HomePaths, image: string, sourceDir: string, overrides: Partial<ImageManifest> = {}): Promise<number> =>
  withImageLock(paths, image, async () => {
    const versions = await listVersions(paths, image);
    const previous = versions[versions.length - 1];
    const staging = await beginStaging(paths, image);
    await runRsync(execProcess, {
      sources: [`${sourceDir}/`],
      destination: `${staging.root}/`,
      includes: [],
      excludes: [],
      linkDest: previous === undefined ? [] : [imageLayout(paths).versionRoot(image, previous)],
    });
    const manifest = await commitStaging(paths, staging, (version) => minimalManifest(image, version, overrides));
    return manifest.version;
  });

/** Records `host` as running image@version, the way serve does when its runner reports done. */
export const recordDeployment = async (paths: HomePaths, host: string, image: string, version: number): Promise<void> => {
  const deployed = { image, version, ref: `${image}@${version}` };
  const starting = recordDeployStarting(emptyHostRecord(host), deployed, 1, new Date('2024-01-01T00:00:00Z'));
  await writeHostRecord(paths, recordDone(starting, 1, new Date('2024-01-01T00:10:00Z')));
};

export const removeHome = async (paths: HomePaths): Promise<void> => {
  await rm(paths.home, { recursive: true, force: true });
};

export const inodeOf = async (path: string): Promise<bigint> => (await stat(path, { bigint: true })).ino;

export const namesIn = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[])).sort();

