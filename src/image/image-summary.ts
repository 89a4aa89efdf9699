import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { readVersionHolders } from './host-state.js';
import type { ImageManifest, ManifestSource } from './manifest.js';
import { assertImageName } from './name.js';
import { tagsOf } from './tags-store.js';
import { holdersOf, type VersionHolders } from './version-holders.js';
import { listImages, listVersions, readManifest, readTags, resolveImageRef, type Tags } from './versions.js';

/** One row of `image list`. */
export interface ImageSummary {
  image: string;
  versions: number[];
  latest: number;
  tags: Tags;
  /** Of the latest version, from its manifest. */
  sizeBytes: number;
  fileCount: number;
  createdAt: string;
}

/** One row of `image list NAME`. */
export interface VersionSummary {
  ref: string;
  version: number;
  createdAt: string;
  source: string;
  sizeBytes: number;
  fileCount: number;
  tags: string[];
  /** Hosts that run this version (serve recorded their runner's done). */
  deployedOn: string[];
  /** Hosts serve handed this version to, not done yet. */
  deployingOn: string[];
  /** Hosts whose rollback target this is (the version they ran before). */
  rollbackFor: string[];
  secrets: number;
}

/** What `image show` reports. */
export interface VersionDetails {
  ref: string;
  image: string;
  version: number;
  tags: string[];
  /** As in VersionSummary. */
  deployedOn: string[];
  deployingOn: string[];
  rollbackFor: string[];
  manifest: ImageManifest;
}

/** The JSON fields of who holds a version, by why. */
const holderFields = (holders: VersionHolders): Pick<VersionSummary, 'deployedOn' | 'deployingOn' | 'rollbackFor'> => ({
  deployedOn: holders.deployed,
  deployingOn: holders.deploying,
  rollbackFor: holders.rollback,
});

const sourceText: { [K in ManifestSource['kind']]: (source: Extract<ManifestSource, { kind: K }>) => string } = {
  ssh: (s) => `ssh ${s.user}@${s.host}:${s.port}`,
  dir: (s) => `dir ${s.path}`,
  shell: (s) => `shell on ${s.from}${s.command === '' ? ' (interactive)' : `: ${s.command}`}`,
  copy: (s) => `copy of ${s.from}`,
};

export const formatSource = (source: ManifestSource): string =>
  (sourceText[source.kind] as (s: ManifestSource) => string)(source);

export const summariseImages = async (paths: HomePaths): Promise<ImageSummary[]> => {
  const summaries: ImageSummary[] = [];
  for (const image of await listImages(paths)) {
    const versions = await listVersions(paths, image);
    const latest = versions[versions.length - 1];
    if (latest === undefined) continue; // an image dir holding only an interrupted first capture
    const manifest = await readManifest(paths, image, latest);
    summaries.push({
      image,
      versions,
      latest,
      tags: await readTags(paths, image),
      sizeBytes: manifest.sizeBytes,
      fileCount: manifest.fileCount,
      createdAt: manifest.createdAt,
    });
  }
  return summaries;
};

export const summariseVersions = async (paths: HomePaths, name: string): Promise<VersionSummary[]> => {
  const image = assertImageName(name);
  const versions = await listVersions(paths, image);
  if (versions.length === 0) {
    throw new RootcastError('NOT_FOUND', `image "${image}" does not exist`, { hint: 'run "rootcast image list" to see images' });
  }
  const tags = await readTags(paths, image);
  const holders = await readVersionHolders(paths, image);
  const rows: VersionSummary[] = [];
  for (const version of versions) {
    const manifest = await readManifest(paths, image, version);
    rows.push({
      ref: `${image}@${version}`,
      version,
      createdAt: manifest.createdAt,
      source: formatSource(manifest.source),
      sizeBytes: manifest.sizeBytes,
      fileCount: manifest.fileCount,
      tags: tagsOf(tags, version),
      ...holderFields(holdersOf(holders, version)),
      secrets: manifest.secrets.length,
    });
  }
  return rows;
};

export const describeVersion = async (paths: HomePaths, refText: string): Promise<VersionDetails> => {
  const resolved = await resolveImageRef(paths, refText);
  const manifest = await readManifest(paths, resolved.image, resolved.version);
  const holders = await readVersionHolders(paths, resolved.image);
  return {
    ref: resolved.ref,
    image: resolved.image,
    version: resolved.version,
    tags: tagsOf(await readTags(paths, resolved.image), resolved.version),
    ...holderFields(holdersOf(holders, resolved.version)),
    manifest,
  };
};
