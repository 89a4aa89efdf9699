import type { ImageManifest, ManifestSource, SecretFinding } from '../image/manifest.js';
import type { RsyncStats } from '../sys/rsync-stats.js';
import type { Inspection } from './inspection.js';
import type { CapturePlan } from './plan.js';

export interface ManifestFacts {
  plan: CapturePlan;
  inspection: Inspection;
  stats: RsyncStats;
  secrets: SecretFinding[];
  vanished: boolean;
  createdAt: Date;
  rootcastVersion: string;
}

const manifestSource = (plan: CapturePlan): ManifestSource =>
  plan.source.kind === 'dir'
    ? { kind: 'dir', path: plan.source.path }
    : { kind: 'ssh', user: plan.source.user, host: plan.source.host, port: plan.source.port };

/** The manifest of a finished capture; sizes come from rsync --stats, not from walking the tree. */
export const buildCaptureManifest = (facts: ManifestFacts, version: number): ImageManifest => {
  const { plan, inspection } = facts;
  return {
    formatVersion: 1,
    image: plan.image,
    version,
    ...(plan.parentVersion === undefined ? {} : { parentVersion: plan.parentVersion }),
    createdAt: facts.createdAt.toISOString(),
    source: manifestSource(plan),
    rootcastVersion: facts.rootcastVersion,
    sizeBytes: facts.stats.totalSizeBytes,
    fileCount: facts.stats.files,
    ...(inspection.distro === undefined ? {} : { distro: inspection.distro }),
    kernels: inspection.kernels,
    mounts: inspection.mounts,
    disks: inspection.disks,
    excludes: [...plan.excludes.map((rule) => rule.pattern), ...plan.mountSkips.map((skip) => `${skip.mountPoint}/*`)],
    secrets: facts.secrets,
    ...(facts.vanished ? { note: 'some files vanished on the golden client while it was captured (rsync exit 24)' } : {}),
  };
};
