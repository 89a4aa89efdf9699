import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDiffReport, renderDiffReport, type DiffLine, type DiffReport } from '../image/diff-report.js';
import { textDiffs } from '../image/text-diff.js';
import { diffTrees, type TreeChange } from '../image/tree-diff.js';
import type { Exec } from '../sys/exec.js';
import type { HostOverrides } from './host-overrides.js';
import { layerLabel } from './layer-id.js';
import { materialiseHostTree } from './write-tree.js';

/** A change between two hosts' trees, with the layer that provides the path on each side. */
export type HostDiffLine = DiffLine & { fromLayer?: string; toLayer?: string };

export interface HostDiffReport extends DiffReport {
  changes: HostDiffLine[];
}

const layerOf = (overrides: HostOverrides): ((path: string) => string | undefined) => {
  const byPath = new Map(overrides.tree.nodes.map((node) => [node.path, layerLabel(node.layer)]));
  return (path) => byPath.get(path);
};

/** Adds each side's layer to the image-diff report of the two materialised trees (pure). */
export const annotateHostDiff = (report: DiffReport, changes: readonly TreeChange[], from: HostOverrides, to: HostOverrides): HostDiffReport => {
  const fromLayer = layerOf(from);
  const toLayer = layerOf(to);
  return {
    ...report,
    changes: report.changes.map((line, index) => {
      const path = changes[index]?.path.toString('utf8') ?? '';
      const a = fromLayer(path);
      const b = toLayer(path);
      return { ...line, ...(a === undefined ? {} : { fromLayer: a }), ...(b === undefined ? {} : { toLayer: b }) };
    }),
  };
};

/**
 * How two hosts' trees differ: both are written into a private scratch directory (removed afterwards)
 * and compared the way `image diff --text` compares versions (same report, same unified diffs).
 */
export const diffHostTrees = async (exec: Exec, from: HostOverrides, to: HostOverrides): Promise<HostDiffReport> => {
  const scratch = await mkdtemp(join(tmpdir(), 'rootcast-render-diff-'));
  try {
    const [rootA, rootB] = [join(scratch, 'a'), join(scratch, 'b')];
    await mkdir(rootA);
    await mkdir(rootB);
    await materialiseHostTree(exec, from, rootA, join(scratch, 'a.templates'));
    await materialiseHostTree(exec, to, rootB, join(scratch, 'b.templates'));
    const changes = await diffTrees(rootA, rootB);
    const text = await textDiffs(rootA, rootB, changes);
    return annotateHostDiff(buildDiffReport(from.host, to.host, changes, text), changes, from, to);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};

/** The image-diff text with each change line followed by its layers (`[all → host/web08]`). */
export const renderHostDiff = (report: HostDiffReport): string => {
  const lines = renderDiffReport(report).split('\n');
  // renderDiffReport prints one line per change first (paths are escaped onto one line), then the rest.
  return lines
    .map((line, index) => {
      const change = report.changes[index];
      if (change === undefined || index >= report.changes.length) return line;
      return `${line}  [${change.fromLayer ?? '-'} → ${change.toLayer ?? '-'}]`;
    })
    .join('\n');
};
