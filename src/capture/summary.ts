import { formatBytes } from '../text/format.js';
import type { CaptureWarning, SecretFinding } from '../image/manifest.js';
import { formatImageRef } from '../image/ref.js';
import { renderCaptureWarning } from '../image/report-text.js';
import { unmadeStagingName } from '../image/shell-plan.js';
import { formatPlannedCommandLines } from '../sys/planned-command.js';
import type { Inspection } from './inspection.js';
import type { CapturePlan } from './plan.js';
import type { CaptureOutcome } from './run-capture.js';

const count = (value: number): string => value.toLocaleString('en-US');

const settleText = (settle: Extract<CaptureOutcome, { kind: 'captured' }>['settle']): string =>
  settle.repulledFiles === 0 ? '' : `, ${count(settle.repulledFiles)} re-pulled after changing during the capture`;

/** `captured web@2 from root@host:22: 6,812 files, 196.6 MiB (3 changed, 1.2 MiB transferred) in 4.1 s`: files and size as stored. */
export const formatCaptureSummary = (outcome: Extract<CaptureOutcome, { kind: 'captured' }>): string => {
  const { manifest, stats } = outcome;
  return (
    `captured ${formatImageRef(manifest.image, manifest.version)} from ${outcome.plan.sourceLabel}: ` +
    `${count(manifest.fileCount)} files, ${formatBytes(manifest.sizeBytes)} ` +
    `(${count(stats.transferredFiles)} changed, ${formatBytes(stats.transferredSizeBytes)} transferred${settleText(outcome.settle)}) ` +
    `in ${(outcome.elapsedMs / 1000).toFixed(1)} s`
  );
};

/** The capture's warnings for stderr: `warning: HEADLINE:` then the first paths. */
export const formatCaptureWarnings = (warnings: readonly CaptureWarning[]): string =>
  warnings.map((warning) => `warning: ${renderCaptureWarning(warning, '  ').join('\n')}\n`).join('');

/** One warning line per likely secret left in the image. */
export const formatSecretWarnings = (secrets: readonly SecretFinding[]): string =>
  secrets.length === 0
    ? ''
    : [
        `warning: ${secrets.length} likely secret(s) left in the image (listed in its manifest; exclude them with --exclude if clones must not share them):`,
        ...secrets.map((secret) => `  ${secret.path}: ${secret.detail} (${secret.kind})`),
      ].join('\n') + '\n';

const commandLines = (indent: string) => (command: Parameters<typeof formatPlannedCommandLines>[0]) => formatPlannedCommandLines(command, indent);

const formatSettlePlan = (settle: CapturePlan['settle']): string[] => {
  if (settle.repulls === 0) return ['  settle: off (--settle 0): files rewritten while the pull read them are not detected'];
  const listing =
    settle.changed === undefined
      ? ['    list: each pass again as an itemized dry run', ...settle.list.flatMap(commandLines('      '))]
      : [
          '    list: the names changed since the pull began, then rsync compares just those (none: nothing to compare)',
          ...commandLines('      ')(settle.changed),
          ...commandLines('      ')(settle.check),
          '    or, where that find cannot run: each pass again as an itemized dry run',
          ...settle.list.flatMap(commandLines('      ')),
        ];
  return [
    `  settle: list what changed since the pull read it; re-pull those files (up to ${settle.repulls} time(s)) until a listing finds none:`,
    ...listing,
    '    re-pull (each listed file unlinked from staging first):',
    ...commandLines('      ')(settle.repull),
  ];
};

/** What --dry-run prints: the plan, nothing else happens. */
export const formatCapturePlan = (plan: CapturePlan, inspection: Inspection): string => {
  const lines = [
    `would capture ${plan.sourceLabel} into a new version of "${plan.image}"${plan.parentVersion === undefined ? '' : ` (hard-linking unchanged files to ${formatImageRef(plan.image, plan.parentVersion)})`}`,
    `  distro: ${inspection.distro?.prettyName ?? inspection.distro?.id ?? 'unknown'}; kernels: ${inspection.kernels.join(', ') || 'none'}`,
    `  staging: ${plan.stagingRoot}${plan.stagingRoot.includes(unmadeStagingName) ? ` (${unmadeStagingName}: named when the capture runs; the commands below say it too)` : ''}`,
    ...plan.linkDest.map((dir) => `  link-dest: ${dir}`),
    `  excludes:`,
    ...plan.excludes.map((rule) => `    ${rule.pattern}  (${rule.reason})`),
    ...plan.includes.map((pattern) => `    +${pattern}  (re-included by --include)`),
    ...plan.mountSkips.map((skip) => `    ${skip.mountPoint}/*  (${skip.reason})`),
    ...(plan.localMounts === undefined || plan.localMounts.length === 0 ? [] : [`  extra local filesystems: ${plan.localMounts.join(', ')}`]),
    ...(plan.inspection === undefined ? [] : ['  inspection (over ssh2, already run to make this plan; a known host is inspected beside the pull):', ...commandLines('    ')(plan.inspection)]),
    `  commands (rsync's exit 23 counts only when every error is a vanished file):`,
    ...plan.pull.flatMap(commandLines('    ')),
    ...formatSettlePlan(plan.settle),
    `  secrets scan: ${plan.secretScanPlaces.join(' ')}`,
  ];
  return lines.map((line, index) => (index === 0 ? `dry-run: ${line}` : line)).join('\n');
};
