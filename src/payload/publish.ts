import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HomePaths } from '../home/paths.js';
import { withImageLock } from '../image/lock.js';
import type { ImageManifest, PayloadRecord } from '../image/manifest.js';
import { imageLayout } from '../image/layout.js';
import { readManifest, resolveImageRef, type ResolvedVersion } from '../image/versions.js';
import { rootcastVersion } from '../package/version.js';
import { writeFileAtomic } from '../sys/atomic-write.js';
import type { Exec } from '../sys/exec.js';
import { createTarArchive, payloadZstdLevel } from '../sys/tar-archive.js';
import { hashPayload } from './hash-payload.js';
import { payloadFiles, type PayloadFiles } from './payload-layout.js';
import { buildInfoOnlyTorrent, defaultPieceLength, infoHashOf, type TorrentInfo } from './torrent.js';

/** What `image publish` found and will do: nothing when the version already has its payload. */
export interface PublishPlan {
  version: ResolvedVersion;
  files: PayloadFiles;
  /** The record already in the manifest, when its files are in place. */
  existing?: PayloadRecord;
  /** Rebuild even when published (`--force`). */
  force: boolean;
}

export type PublishOutcome = { kind: 'planned'; plan: PublishPlan } | { kind: 'existing'; ref: string; record: PayloadRecord; files: PayloadFiles } | { kind: 'built'; ref: string; record: PayloadRecord; files: PayloadFiles; seconds: number };

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

/** A record counts only while both of its files are there (a crash between rename and manifest leaves neither half trusted). */
const publishedRecord = async (manifest: ImageManifest, files: PayloadFiles): Promise<PayloadRecord | undefined> =>
  manifest.payload !== undefined && (await exists(files.archive)) && (await exists(files.torrent)) ? manifest.payload : undefined;

/** Reads what publishing REF needs; throws NOT_FOUND for an unknown reference before anything is written. */
export const planPublish = async (paths: HomePaths, ref: string, force = false): Promise<PublishPlan> => {
  const version = await resolveImageRef(paths, ref);
  const files = payloadFiles(version.dir, version.image, version.version);
  const existing = await publishedRecord(await readManifest(paths, version.image, version.version), files);
  return { version, files, force, ...(existing === undefined ? {} : { existing }) };
};

const syncFile = async (path: string): Promise<void> => {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/**
 * Puts the staged files in place. A first build renames the whole directory; a rebuild (`--force`) renames each
 * file over its old one, so `payload/` always holds a complete file of each name (a download already running
 * keeps reading the old one) and is never missing; the manifest written after this is the commit point.
 */
const swapIntoPlace = async (staging: string, files: PayloadFiles): Promise<void> => {
  if (!(await exists(files.dir))) {
    await rename(staging, files.dir);
    return;
  }
  await rename(join(staging, files.archiveName), files.archive);
  await rename(join(staging, files.torrentName), files.torrent);
};

/** Builds archive + torrent in a hidden directory of the version, then renames it to `payload/` and records it in the manifest. */
const buildPayload = async (paths: HomePaths, plan: PublishPlan, exec: Exec, now: () => Date): Promise<PayloadRecord> => {
  const { version, files } = plan;
  // Leftovers of a killed build (we hold the lock, so nobody else is building).
  for (const name of await readdir(version.dir)) if (name.startsWith('.payload-')) await rm(join(version.dir, name), { recursive: true, force: true });
  const staging = join(version.dir, `.payload-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    const archive = join(staging, files.archiveName);
    await createTarArchive(exec, version.root, archive);
    await syncFile(archive);
    const digests = await hashPayload(archive, defaultPieceLength);
    const info: TorrentInfo = { name: files.archiveName, length: digests.bytes, pieceLength: defaultPieceLength, pieces: digests.pieces };
    // Only the info dictionary is stored; serve adds the announce and web seed URLs for each host.
    await writeFile(join(staging, files.torrentName), buildInfoOnlyTorrent(info), { mode: 0o600 });
    await syncFile(join(staging, files.torrentName));
    await swapIntoPlace(staging, files);
    const record: PayloadRecord = {
      file: files.archiveName,
      bytes: digests.bytes,
      sha256: digests.sha256,
      infoHash: infoHashOf(info),
      pieceLength: defaultPieceLength,
      zstdLevel: payloadZstdLevel,
      builtAt: now().toISOString(),
      rootcastVersion,
    };
    // The manifest is the commit point: a payload/ directory it does not name is rebuilt by the next publish.
    const manifest = { ...(await readManifest(paths, version.image, version.version)), payload: record };
    await writeFileAtomic(imageLayout(paths).manifestFile(version.image, version.version), `${JSON.stringify(manifest, null, 2)}\n`);
    return record;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
};

export interface PublishEffects {
  exec: Exec;
  /** @default () => new Date() */
  now?: () => Date;
  /** @default Date.now-based */
  monotonicMs?: () => number;
}

/**
 * Publishes the version under its image lock (LOCKED while a capture or another publish holds it). Re-checks
 * under the lock, so two publishers of one version build it once.
 */
export const applyPublish = async (paths: HomePaths, plan: PublishPlan, effects: PublishEffects): Promise<PublishOutcome> => {
  const clock = effects.monotonicMs ?? (() => performance.now());
  const started = clock();
  return withImageLock(paths, plan.version.image, async () => {
    const again = await planPublish(paths, plan.version.ref, plan.force);
    if (again.existing !== undefined && !plan.force) return { kind: 'existing', ref: again.version.ref, record: again.existing, files: again.files };
    const record = await buildPayload(paths, again, effects.exec, effects.now ?? (() => new Date()));
    return { kind: 'built', ref: again.version.ref, record, files: again.files, seconds: (clock() - started) / 1000 };
  });
};
