import { formatBytes, formatTable } from '../text/format.js';
import { cleanEnvironmentNames } from '../runner/command-environment.js';
import { formatPlannedCommandLines } from '../sys/planned-command.js';
import type { UpdateReport } from './run-update.js';
import type { UpdateCommand } from './update-commands.js';

const signedBytes = (delta: number): string => (delta === 0 ? '0' : `${delta > 0 ? '+' : '-'}${formatBytes(Math.abs(delta))}`);

/** `3 changes: 1 add, 1 change, 1 delete, 0 attrs (+12 B)`. */
export const formatUpdateSummary = (report: Pick<UpdateReport, 'summary'>): string => {
  const { summary } = report;
  return `${summary.files} change${summary.files === 1 ? '' : 's'}: ${summary.add} add, ${summary.change} change, ${summary.delete} delete, ${summary.attrs} attrs (${signedBytes(summary.sizeDelta)})`;
};

/** The plan's commands as a dry run lists them: `$ ` runs here, `ns$ ` in the update's private namespace; each line's condition after it. */
const formatCommandList = (plan: readonly UpdateCommand[]): string[] =>
  plan.length === 0
    ? []
    : [
        `commands, in the order an update runs them (each with only ${cleanEnvironmentNames.join(', ')} in its environment unless noted; "ns$ " in its private mount+PID namespace):`,
        ...plan.flatMap((entry) => {
          const [line = '', ...notes] = formatPlannedCommandLines(entry.command, '  ', { env: cleanEnvironmentNames });
          return [`${line}    # ${entry.what}${entry.when === undefined ? '' : `, ${entry.when}`}`, ...notes];
        }),
      ];

/** The text an admin reads: header, one row per path (dry run: with size change and owner), summary, notes. */
export const formatUpdateReport = (report: UpdateReport): string => {
  const diffs = (report.diffs ?? []).map((diff) => ('patch' in diff ? diff.patch : `${diff.path}: ${diff.skipped}`));
  const header = `${report.dryRun ? 'would update' : 'updated'} ${report.host}: ${report.from ?? '(unknown)'} -> ${report.ref}${report.resumed === null ? '' : ` (finishing the interrupted update to ${report.resumed})`}`;
  const rows = report.changes.map((change) => [change.action, report.dryRun ? signedBytes(change.sizeDelta) : '', change.owner, change.path]);
  const table = rows.length === 0 ? '  nothing to change' : formatTable(['ACTION', report.dryRun ? 'SIZE' : '', 'OWNER', 'PATH'], rows).split('\n').map((line) => `  ${line.trimEnd()}`).join('\n');
  const tail = [
    `${formatUpdateSummary(report)}${report.dryRun ? '' : `, ${formatBytes(report.bytes)} transferred`}${report.rebootNeeded ? '; reboot needed' : ''}`,
    ...report.notes.map((note) => `note: ${note}`),
    ...formatCommandList(report.plan ?? []),
  ];
  return [header, table, ...diffs.map((text) => text.trimEnd()), ...tail].join('\n');
};
