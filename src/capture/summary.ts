import { formatBytes } from '../cli/output.js';
import type { SecretFinding } from '../image/manifest.js';
import { formatImageRef } from '../image/ref.js';
import { buildRsyncArgs } from '../sys/rsync.js';
import { formatCommandLine } from '../sys/command-line.js';
import type { Inspection } from './inspection.js';
import type { CapturePlan } from './plan.js';
import type { CaptureOutcome } from './run-capture.js';

const count = (value: number): string => value.toLocaleString('en-US');

/** `captured web@2 from root@host:22: 6,812 files, 206 MB (3 changed, 1.2 MB transferred) in 4.1 s` */
export const formatCaptureSummary = (outcome: Extract<CaptureOutcome, { kind: 'captured' }>): string => {
  const { manifest, stats } = outcome;
  return (
    `captured ${formatImageRef(manifest.image, manifest.version)} from ${outcome.plan.sourceLabel}: ` +
    `${count(stats.files)} files, ${formatBytes(stats.totalSizeBytes)} ` +
    `(${count(stats.transferredFiles)} changed, ${formatBytes(stats.transferredSizeBytes)} transferred) ` +
    `in ${(outcome.elapsedMs / 1000).toFixed(1)} s`
  );
};

/** One warning line per likely secret left in the image. */
export const formatSecretWarnings = (secrets: readonly SecretFinding[]): string =>
  secrets.length === 0
    ? ''
    : [
        `warning: ${secrets.length} likely secret(s) left in the image (listed in its manifest; exclude them with --exclude if clones must not share them):`,
        ...secrets.map((secret) => `  ${secret.path}: ${secret.detail} (${secret.kind})`),
      ].join('\n') + '\n';

/** What --dry-run prints: the plan, nothing else happens. */
export const formatCapturePlan = (plan: CapturePlan, inspection: Inspection): string => {
  const lines = [
    `would capture ${plan.sourceLabel} into a new version of "${plan.image}"${plan.parentVersion === undefined ? '' : ` (hard-linking unchanged files to ${formatImageRef(plan.image, plan.parentVersion)})`}`,
    `  distro: ${inspection.distro?.prettyName ?? inspection.distro?.id ?? 'unknown'}; kernels: ${inspection.kernels.join(', ') || 'none'}`,
    `  staging: ${plan.stagingRoot}`,
    ...plan.linkDest.map((dir) => `  link-dest: ${dir}`),
    `  excludes:`,
    ...plan.excludes.map((rule) => `    ${rule.pattern}  (${rule.reason})`),
    ...plan.includes.map((pattern) => `    +${pattern}  (re-included by --include)`),
    ...plan.mountSkips.map((skip) => `    ${skip.mountPoint}/*  (${skip.reason})`),
    ...(plan.localMounts === undefined || plan.localMounts.length === 0 ? [] : [`  extra local filesystems: ${plan.localMounts.join(', ')}`]),
    `  commands:`,
    ...plan.transfers.map((transfer) => `    ${formatCommandLine('rsync', buildRsyncArgs(transfer))}`),
    `  secrets scan: ${plan.secretScanPlaces.join(' ')}`,
  ];
  return lines.map((line, index) => (index === 0 ? `dry-run: ${line}` : line)).join('\n');
};
