import type { FieldChange, TreeChange } from './tree-diff.js';
import type { TextDiff } from './text-diff.js';
import { escapePath } from './path-escape.js';

/** One change as printed and as emitted by --json; `path` is escaped (\n, \xff, \\) so it is one line. */
export interface DiffLine {
  change: 'added' | 'removed' | 'changed';
  path: string;
  type: string;
  fields?: FieldChange[];
}

export interface DiffReport {
  from: string;
  to: string;
  summary: { added: number; removed: number; changed: number };
  changes: DiffLine[];
  text?: TextDiff[];
}

export const buildDiffReport = (from: string, to: string, changes: readonly TreeChange[], text?: TextDiff[]): DiffReport => ({
  from,
  to,
  summary: {
    added: changes.filter((c) => c.kind === 'added').length,
    removed: changes.filter((c) => c.kind === 'removed').length,
    changed: changes.filter((c) => c.kind === 'changed').length,
  },
  changes: changes.map((c) => ({
    change: c.kind,
    path: escapePath(c.path),
    type: c.type,
    ...(c.kind === 'changed' ? { fields: c.fields } : {}),
  })),
  ...(text === undefined ? {} : { text }),
});

const letter: Record<DiffLine['change'], string> = { added: 'A', removed: 'D', changed: 'M' };

/** `mode 0644→0600 size 10→12`; a bare mtime is shown only when nothing else changed (it always follows an edit). */
const formatFields = (fields: readonly FieldChange[]): string => {
  const shown = fields.length === 1 ? fields : fields.filter((f) => f.field !== 'mtime');
  return shown.map((f) => (f.field === 'content' ? 'content' : `${f.field} ${f.from}→${f.to}`)).join(' ');
};

export const renderDiffReport = (report: DiffReport): string => {
  const lines = report.changes.map((c) => {
    const suffix = c.type === 'dir' ? '/' : '';
    const fields = c.fields === undefined ? '' : ` ${formatFields(c.fields)}`;
    return `${letter[c.change]} ${c.path}${suffix}${c.change === 'changed' ? fields : c.type === 'file' || c.type === 'dir' ? '' : ` (${c.type})`}`;
  });
  const { added, removed, changed } = report.summary;
  lines.push(
    added + removed + changed === 0
      ? `${report.from} and ${report.to} are identical`
      : `${report.from} → ${report.to}: ${added} added, ${removed} removed, ${changed} changed`,
  );
  for (const text of report.text ?? []) {
    lines.push('patch' in text ? text.patch.trimEnd() : `--- ${text.path}: ${text.skipped}`);
  }
  return lines.join('\n');
};
