import { dryRunNote, formatBytes, formatTable } from '../text/format.js';
import { formatSource, type ImageSummary, type VersionDetails, type VersionSummary } from './image-summary.js';
import type { CaptureWarning } from './manifest.js';
import type { PrunePlan } from './remove.js';
import type { RemovalPlan } from './removal-plan.js';

const day = (iso: string): string => iso.replace('T', ' ').slice(0, 16);

/** `imagesDir` is where the list was read, so an empty list says which home it looked in. */
export const renderImageList = (rows: readonly ImageSummary[], imagesDir: string): string => {
  if (rows.length === 0) {
    return [
      `no images in ${imagesDir} (--home DIR or ROOTCAST_HOME choose another home)`,
      'create one with "rootcast capture root@HOST --image NAME" or "rootcast capture --from-dir DIR --image NAME"',
    ].join('\n');
  }
  return formatTable(
    ['IMAGE', 'VERSIONS', 'LATEST', 'TAGS', 'SIZE', 'FILES', 'CREATED'],
    rows.map((row) => [
      row.image,
      String(row.versions.length),
      `@${row.latest}`,
      Object.entries(row.tags).map(([tag, version]) => `${tag}=@${version}`).join(',') || '-',
      formatBytes(row.sizeBytes),
      String(row.fileCount),
      day(row.createdAt),
    ]),
  );
};

/** `web01,web02`, then `deploying web03`, `rollback web04`: a deployed host is named bare, the others with why they hold the version. */
const holdersCell = (row: Pick<VersionSummary, 'deployedOn' | 'deployingOn' | 'rollbackFor'>): string =>
  [
    ...(row.deployedOn.length > 0 ? [row.deployedOn.join(',')] : []),
    ...(row.deployingOn.length > 0 ? [`deploying ${row.deployingOn.join(',')}`] : []),
    ...(row.rollbackFor.length > 0 ? [`rollback ${row.rollbackFor.join(',')}`] : []),
  ].join('; ') || '-';

export const renderVersionList = (rows: readonly VersionSummary[]): string =>
  formatTable(
    ['VERSION', 'CREATED', 'SIZE', 'FILES', 'TAGS', 'DEPLOYED', 'SOURCE'],
    rows.map((row) => [
      row.ref,
      day(row.createdAt),
      formatBytes(row.sizeBytes),
      String(row.fileCount),
      row.tags.join(',') || '-',
      holdersCell(row),
      `${row.source}${row.secrets > 0 ? ` [${row.secrets} secrets!]` : ''}`,
    ]),
  );

const count = (value: number): string => value.toLocaleString('en-US');

/** One headline per kind, so a new kind does not compile without its text. */
const captureWarningHeadline: { [K in CaptureWarning['kind']]: (n: number) => string } = {
  vanished: (n) =>
    `${n === 0 ? 'files' : `${count(n)} file(s)`} vanished on the golden client while it was captured (rsync exit 24); they are not in the image`,
  unstable: (n) =>
    `${count(n)} file(s) were still changing after the last re-pull; their stored copies may mix two writes ` +
    '(stop what writes them or exclude them, then capture again; --settle N allows more re-pulls)',
};

/** A warning as lines: the headline (with a colon when paths follow), its first paths indented, how many more there were. */
export const renderCaptureWarning = (warning: CaptureWarning, indent: string): string[] => {
  const more = warning.count - warning.first.length;
  const paths = [...warning.first.map((path) => `${indent}${path}`), ...(more > 0 ? [`${indent}... and ${count(more)} more`] : [])];
  return [`${captureWarningHeadline[warning.kind](warning.count)}${paths.length > 0 ? ':' : ''}`, ...paths];
};

export const renderVersionDetails = (details: VersionDetails): string => {
  const m = details.manifest;
  const lines = [
    `${details.ref}`,
    `  created:   ${m.createdAt} by rootcast ${m.rootcastVersion}`,
    `  source:    ${formatSource(m.source)}${m.parentVersion === undefined ? '' : ` (files shared with ${details.image}@${m.parentVersion})`}`,
    `  distro:    ${m.distro === undefined ? 'unknown' : (m.distro.prettyName ?? `${m.distro.id} ${m.distro.versionId ?? ''}`.trim())}`,
    `  kernels:   ${m.kernels.join(', ') || 'none in /boot'}`,
    `  size:      ${formatBytes(m.sizeBytes)} in ${m.fileCount} files`,
    `  excludes:  ${m.excludes.length === 0 ? 'none' : m.excludes.join(' ')}`,
    `  tags:      ${details.tags.join(', ') || 'none'}`,
    `  deployed:  ${details.deployedOn.join(', ') || 'nowhere'}`,
    ...(details.deployingOn.length > 0 ? [`  deploying: ${details.deployingOn.join(', ')} (handed out by serve, not done yet)`] : []),
    ...(details.rollbackFor.length > 0 ? [`  rollback:  ${details.rollbackFor.join(', ')} (kept for rollback: the version they ran before)`] : []),
  ];
  if (m.note !== undefined) lines.push(`  note:      ${m.note}`);
  for (const warning of m.warnings ?? []) {
    const [headline, ...paths] = renderCaptureWarning(warning, '    ');
    lines.push(`  WARNING: ${headline ?? ''}`, ...paths);
  }
  if (m.secrets.length === 0) {
    lines.push('  secrets:   none found');
  } else {
    lines.push(`  WARNING: ${m.secrets.length} likely secret(s) were captured into this image; every host deployed from it gets them:`);
    for (const secret of m.secrets) lines.push(`    ${secret.path} (${secret.kind}: ${secret.detail})`);
  }
  return lines.join('\n');
};

export const renderRemoval = (plan: RemovalPlan, dryRun: boolean): string => {
  const what = plan.whole ? `image ${plan.image} (versions ${plan.versions.join(', ')})` : plan.versions.map((v) => `${plan.image}@${v}`).join(', ');
  return [
    dryRun ? dryRunNote(`would remove ${what}`) : `removed ${what}`,
    ...(plan.dropTags.length > 0 && !plan.whole ? [`${dryRun ? 'would drop' : 'dropped'} tags: ${plan.dropTags.join(', ')}`] : []),
    ...(plan.orphanedHosts.length > 0 ? [`warning: still recorded as running, being given or keeping for rollback a removed version: ${plan.orphanedHosts.join(', ')}`] : []),
  ].join('\n');
};

export const renderPrune = (plan: PrunePlan, dryRun: boolean): string => {
  const lines = plan.decisions.map((d) => `${d.action === 'keep' ? 'keep  ' : 'remove'}  ${plan.image}@${d.version}  (${d.reasons.join('; ')})`);
  const removed = plan.removal.versions.length;
  lines.push(removed === 0 ? 'nothing to prune' : dryRun ? dryRunNote(`would remove ${removed} version(s)`) : `${removed} version(s) removed`);
  return lines.join('\n');
};
