import type { CaptureWarning, ImageManifest, ManifestSource, SecretFinding } from '../image/manifest.js';
import type { Inspection } from './inspection.js';
import type { CapturePlan } from './plan.js';

export interface ManifestFacts {
  plan: CapturePlan;
  inspection: Inspection;
  /** Of the staging tree as it will be committed (measureTree), not of rsync's sender file list. */
  stored: { sizeBytes: number; fileCount: number };
  secrets: SecretFinding[];
  warnings: CaptureWarning[];
  createdAt: Date;
  rootcastVersion: string;
}

const manifestSource = (plan: CapturePlan): ManifestSource =>
  plan.source.kind === 'dir'
    ? { kind: 'dir', path: plan.source.path }
    : { kind: 'ssh', user: plan.source.user, host: plan.source.host, port: plan.source.port };

/** The manifest of a finished capture; size and count describe what was stored (files that vanished are not in it). */
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
    sizeBytes: facts.stored.sizeBytes,
    fileCount: facts.stored.fileCount,
    ...(inspection.distro === undefined ? {} : { distro: inspection.distro }),
    kernels: inspection.kernels,
    mounts: inspection.mounts,
    disks: inspection.disks,
    excludes: [...plan.excludes.map((rule) => rule.pattern), ...plan.mountSkips.map((skip) => `${skip.mountPoint}/*`)],
    ...(plan.includes.length === 0 ? {} : { includes: [...plan.includes] }),
    secrets: facts.secrets,
    ...(facts.warnings.length === 0 ? {} : { warnings: facts.warnings }),
  };
};
