import { readFile } from 'node:fs/promises';
import { createTwoFilesPatch } from 'diff';
import { escapePath } from './path-escape.js';
import { createPrivacyCheck } from './private-content.js';
import type { TreeChange } from './tree-diff.js';
import { absolutePath } from './tree-walk.js';

export interface TextDiffOptions {
  /** Files larger than this (either side) are not diffed. @default 1048576 */
  maxFileBytes?: number;
  /** Give up on a file whose diff needs more line edits than this. @default 2000 */
  maxEditLength?: number;
  /** Give up on one file's diff after this many milliseconds. @default 5000 */
  timeoutMs?: number;
}

/** A unified diff, or the reason none is shown (private, binary, too large, too different). */
export type TextDiff = { path: string; patch: string } | { path: string; skipped: string };

const isBinary = (data: Buffer): boolean => data.includes(0);

/**
 * Unified diffs of changed regular files whose content differs; never hangs on big rewrites (capped). A file only
 * its owner/group may read (private-content.ts) is named and never read.
 */
export const textDiffs = async (
  rootA: string,
  rootB: string,
  changes: readonly TreeChange[],
  options: TextDiffOptions = {},
): Promise<TextDiff[]> => {
  const maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
  const maxEditLength = options.maxEditLength ?? 2000;
  const timeout = options.timeoutMs ?? 5000;
  const privacy = createPrivacyCheck();
  const diffs: TextDiff[] = [];
  for (const change of changes) {
    if (change.kind !== 'changed' || change.type !== 'file') continue;
    if (!change.fields.some((f) => f.field === 'content' || f.field === 'size')) continue;
    const path = escapePath(change.path);
    const hidden = await privacy(rootA, rootB, change);
    if (hidden !== undefined) {
      diffs.push({ path, skipped: hidden });
      continue;
    }
    if (change.before.size > maxFileBytes || change.after.size > maxFileBytes) {
      diffs.push({ path, skipped: `larger than ${maxFileBytes} bytes; not diffed` });
      continue;
    }
    const [before, after] = await Promise.all([readFile(absolutePath(rootA, change.path)), readFile(absolutePath(rootB, change.path))]);
    if (isBinary(before) || isBinary(after)) {
      diffs.push({ path, skipped: 'binary file (contains NUL bytes); not diffed' });
      continue;
    }
    const patch = createTwoFilesPatch(`a${path}`, `b${path}`, before.toString('utf8'), after.toString('utf8'), undefined, undefined, {
      maxEditLength,
      timeout,
    });
    diffs.push(
      patch === undefined
        ? { path, skipped: `too different to diff (more than ${maxEditLength} line edits or ${timeout} ms); not shown` }
        : { path, patch },
    );
  }
  return diffs;
};
