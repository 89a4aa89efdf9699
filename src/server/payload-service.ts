import { readFile } from 'node:fs/promises';
import { isRootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { imageLayout } from '../image/layout.js';
import { formatImageRef } from '../image/ref.js';
import type { ImageManifest, PayloadRecord } from '../image/manifest.js';
import { listVersions, readManifest, type ResolvedVersion } from '../image/versions.js';
import { payloadFiles, type PayloadFiles } from '../payload/payload-layout.js';
import { applyPublish, planPublish } from '../payload/publish.js';
import type { Exec } from '../sys/exec.js';

export interface PublishedPayload {
  record: PayloadRecord;
  files: PayloadFiles;
  manifest: ImageManifest;
}

export type PayloadState = { state: 'ready'; payload: PublishedPayload } | { state: 'building' } | { state: 'failed'; reason: string };

/** serve's view of the published payloads: found on disk, built once on the first install that asks. */
export interface PayloadService {
  /** The version's payload, starting its build when it has none (one build per version at a time). */
  ensure(version: ResolvedVersion): Promise<PayloadState>;
  /** The published payload of image@version, or undefined. */
  find(image: string, version: number): Promise<PublishedPayload | undefined>;
  /** The version of `image` whose payload has this info hash (the tracker serves nothing else). */
  versionOfInfoHash(image: string, infoHash: string): Promise<number | undefined>;
  /** `web@8` for an info hash the tracker has accepted, while that version still has that payload. */
  refOfInfoHash(infoHash: string): Promise<string | undefined>;
}

export interface PayloadServiceOptions {
  paths: HomePaths;
  exec: Exec;
  now: () => Date;
  nowMs: () => number;
  log: (line: string) => void;
  /** A failed build is not retried before this long. @default 60000 */
  retryAfterFailureMs?: number;
}

export const openPayloadService = (options: PayloadServiceOptions): PayloadService => {
  const building = new Map<string, Promise<void>>();
  const failures = new Map<string, { reason: string; atMs: number }>();
  const byInfoHash = new Map<string, { image: string; version: number }>();
  /** The remembered version of an info hash, checked on use: "image rm" or a rebuild may have taken it away since. */
  const rememberedVersion = async (infoHash: string): Promise<{ image: string; version: number } | undefined> => {
    const known = byInfoHash.get(infoHash);
    if (known !== undefined && (await find(known.image, known.version))?.record.infoHash === infoHash) return known;
    byInfoHash.delete(infoHash);
    return undefined;
  };
  const find = async (image: string, version: number): Promise<PublishedPayload | undefined> => {
    const manifest = await readManifest(options.paths, image, version).catch(() => undefined);
    const record = manifest?.payload;
    if (manifest === undefined || record === undefined) return undefined;
    const files = payloadFiles(imageLayout(options.paths).versionDir(image, version), image, version);
    // The manifest names it, but a half-removed version or a hand-deleted file is not served.
    const present = await readFile(files.torrent).then(() => true, () => false);
    if (!present) return undefined;
    byInfoHash.set(record.infoHash, { image, version });
    return { record, files, manifest };
  };
  const build = (version: ResolvedVersion): Promise<void> =>
    (async () => {
      const started = options.nowMs();
      options.log(`payload: building ${version.ref} for torrent installs`);
      try {
        const plan = await planPublish(options.paths, version.ref);
        await applyPublish(options.paths, plan, { exec: options.exec, now: options.now });
        options.log(`payload: ${version.ref} published in ${((options.nowMs() - started) / 1000).toFixed(1)} s`);
      } catch (error) {
        const reason = isRootcastError(error) ? `${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}` : String(error);
        // Someone else holds the image lock (a capture, "image publish"): not a failure, the next request looks again.
        if (!isRootcastError(error) || error.code !== 'LOCKED') failures.set(version.ref, { reason, atMs: options.nowMs() });
        options.log(`payload: building ${version.ref} failed: ${reason}`);
      } finally {
        building.delete(version.ref);
      }
    })();
  return {
    find,
    ensure: async (version) => {
      const ready = await find(version.image, version.version);
      if (ready !== undefined) return { state: 'ready', payload: ready };
      const failure = failures.get(version.ref);
      if (failure !== undefined && options.nowMs() - failure.atMs < (options.retryAfterFailureMs ?? 60_000)) return { state: 'failed', reason: failure.reason };
      failures.delete(version.ref);
      if (!building.has(version.ref)) building.set(version.ref, build(version));
      return { state: 'building' };
    },
    refOfInfoHash: async (infoHash) => {
      const known = await rememberedVersion(infoHash);
      return known === undefined ? undefined : formatImageRef(known.image, known.version);
    },
    versionOfInfoHash: async (image, infoHash) => {
      const known = await rememberedVersion(infoHash);
      if (known !== undefined) return known.image === image ? known.version : undefined;
      for (const version of await listVersions(options.paths, image)) {
        const found = await find(image, version);
        if (found?.record.infoHash === infoHash) return version;
      }
      return undefined;
    },
  };
};
