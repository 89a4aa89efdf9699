import { RootcastError } from '../errors/rootcast-error.js';
import type { ItemizedChange } from '../sys/rsync-output.js';

/** More re-pulls rarely help: a file rewritten during each of ten is being rewritten for good. */
export const maxSettleRepulls = 10;

/** @default 1: one listing catches files written while the pull read them, for the cost of one rsync file-list scan. */
export const defaultSettleRepulls = 1;

/** Parses `--settle N`: a whole number of re-pulls from 0 (0: no settling at all) to maxSettleRepulls. */
export const parseSettleRepulls = (text: string): number => {
  const repulls = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(repulls) || repulls > maxSettleRepulls) {
    throw new RootcastError('USAGE', `--settle "${text}" is not a whole number from 0 to ${maxSettleRepulls}`, {
      hint: '--settle 1 (the default) re-pulls once what changed during the pull; --settle 0 turns settling off',
    });
  }
  return repulls;
};

/**
 * Stored regular files whose source changed after the pass before read them: rsync would re-send them
 * (`>f`), or re-point one of their hard-linked names (`hf`). New names are not in the image and
 * attribute-only changes cannot leave content torn, so neither counts.
 */
export const selectChangedFiles = (changes: readonly ItemizedChange[]): Buffer[] =>
  changes.filter((change) => change.type === 'f' && !change.created && ['>', 'c', 'h'].includes(change.update)).map((change) => change.name);

/**
 * What to do after listing `listing` (from 1) found `changedFiles` stored files changed, with up to
 * `maxRepulls` re-pulls: `stable` when none changed (every stored file was read while it held still),
 * `repull` while re-pulls remain, else `unsettled`: name them.
 */
export type SettleDecision = 'stable' | 'repull' | 'unsettled';

export const decideAfterListing = (listing: number, maxRepulls: number, changedFiles: number): SettleDecision => {
  if (changedFiles === 0) return 'stable';
  return listing <= maxRepulls ? 'repull' : 'unsettled';
};

/** The re-pull's stdin for `--files-from=- --from0`: image paths made relative to the source root, NUL-terminated. */
export const buildFilesFromList = (paths: readonly Buffer[]): Buffer =>
  Buffer.concat(paths.flatMap((path) => [path[0] === 0x2f ? path.subarray(1) : path, Buffer.from([0])]));
