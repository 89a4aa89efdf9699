import { rm } from 'node:fs/promises';
import { absolutePath } from '../image/tree-walk.js';
import type { SettlePlan } from './plan.js';
import { buildFilesFromList, decideAfterListing, selectChangedFiles } from './settle.js';
import { buildChangedNamesList, selectChangedNames } from './settle-window.js';
import { emptyTransferOutcome, mergeOutcomes, runTransfers, type TransferOptions, type TransferOutcome } from './transfer.js';

/** What settling found. */
export interface SettleOutcome {
  /**
   * `stable`: a listing found no stored file changed since it was read; `unsettled`: the listing after the
   * last re-pull still found some (`unstable`); `off`: --settle 0.
   */
  status: 'stable' | 'unsettled' | 'off';
  /** Re-pulls run. */
  repulls: number;
  /** Listings run (each a change listing and rsync over its names, or an rsync --dry-run scan of the whole source). */
  listings: number;
  /** Files re-pulled, over all re-pulls. */
  repulledFiles: number;
  /** Image paths (raw) of stored files that changed again after their last copy. */
  unstable: Buffer[];
  /** Listings and re-pulls together: their vanished files count like the pull's. */
  outcome: TransferOutcome;
}

/** Lists the names changed since the pull began (find's NUL-separated output), or undefined when it cannot. */
export type ChangeLister = (command: NonNullable<SettlePlan['changed']>) => Promise<Buffer | undefined>;

const onlyVanished = (outcome: TransferOutcome): TransferOutcome => ({ ...emptyTransferOutcome, vanished: outcome.vanished, vanishedExit: outcome.vanishedExit });

/**
 * One listing: rsync's itemized comparison over the names whose inode changed since the pull began (none:
 * nothing to compare), or over everything when those names cannot be listed. A name gone since find printed
 * it is no news (its stored copy, if any, was whole when the pull read it).
 */
const listChanges = async (settle: SettlePlan, options: TransferOptions, listChanged: ChangeLister | undefined): Promise<TransferOutcome> => {
  const output = settle.changed === undefined || listChanged === undefined ? undefined : await listChanged(settle.changed);
  if (output === undefined) return runTransfers(settle.list, { ...options, itemized: true });
  const names = selectChangedNames(output, options.sourceRoot);
  if (names.length === 0) return emptyTransferOutcome;
  return { ...(await runTransfers([settle.check], { ...options, itemized: true, filesFrom: buildChangedNamesList(names) })), missing: [] };
};

/**
 * Lists what changed since the pull and re-pulls only that, until a listing finds nothing or `repulls`
 * re-pulls have run. Each listed file is unlinked from staging first: staging shares unchanged inodes
 * with earlier versions (--link-dest), and rsync would set a changed mode or owner on the existing
 * file in place — on every version at once.
 */
export const settleStaging = async (settle: SettlePlan, stagingRoot: string, options: TransferOptions, listChanged?: ChangeLister): Promise<SettleOutcome> => {
  let outcome = emptyTransferOutcome;
  let repulledFiles = 0;
  if (settle.repulls === 0) return { status: 'off', repulls: 0, listings: 0, repulledFiles, unstable: [], outcome };
  for (let listing = 1; ; listing += 1) {
    const listed = await listChanges(settle, options, listChanged);
    outcome = mergeOutcomes(outcome, onlyVanished(listed));
    const changed = selectChangedFiles(listed.changes);
    const decision = decideAfterListing(listing, settle.repulls, changed.length);
    if (decision !== 'repull') {
      const unstable = decision === 'unsettled' ? changed : [];
      return { status: decision, repulls: listing - 1, listings: listing, repulledFiles, unstable, outcome };
    }
    await Promise.all(changed.map((path) => rm(absolutePath(stagingRoot, path), { force: true })));
    const pulled = await runTransfers([settle.repull], { ...options, itemized: true, filesFrom: buildFilesFromList(changed) });
    // A listed file gone before the re-pull read it is no longer in staging (it was unlinked): it vanished.
    outcome = mergeOutcomes(outcome, { ...onlyVanished(pulled), vanished: [...pulled.vanished, ...pulled.missing] });
    repulledFiles += changed.length;
  }
};
