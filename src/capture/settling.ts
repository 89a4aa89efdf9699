import { rm } from 'node:fs/promises';
import { absolutePath } from '../image/tree-walk.js';
import type { CapturePlan } from './plan.js';
import { buildFilesFromList, decideAfterListing, selectChangedFiles } from './settle.js';
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
  /** Listings run (rsync --dry-run scans of the whole source). */
  listings: number;
  /** Files re-pulled, over all re-pulls. */
  repulledFiles: number;
  /** Image paths (raw) of stored files that changed again after their last copy. */
  unstable: Buffer[];
  /** Listings and re-pulls together: their vanished files count like the pull's. */
  outcome: TransferOutcome;
}

const onlyVanished = (outcome: TransferOutcome): TransferOutcome => ({ ...emptyTransferOutcome, vanished: outcome.vanished, vanishedExit: outcome.vanishedExit });

/**
 * Lists what changed since the pull and re-pulls only that, until a listing finds nothing or `repulls`
 * re-pulls have run. Each listed file is unlinked from staging first: staging shares unchanged inodes
 * with earlier versions (--link-dest), and rsync would set a changed mode or owner on the existing
 * file in place — on every version at once.
 */
export const settleStaging = async (settle: CapturePlan['settle'], stagingRoot: string, options: TransferOptions): Promise<SettleOutcome> => {
  let outcome = emptyTransferOutcome;
  let repulledFiles = 0;
  if (settle.repulls === 0) return { status: 'off', repulls: 0, listings: 0, repulledFiles, unstable: [], outcome };
  for (let listing = 1; ; listing += 1) {
    const listed = await runTransfers(settle.list, options);
    outcome = mergeOutcomes(outcome, onlyVanished(listed));
    const changed = selectChangedFiles(listed.changes);
    const decision = decideAfterListing(listing, settle.repulls, changed.length);
    if (decision !== 'repull') {
      const unstable = decision === 'unsettled' ? changed : [];
      return { status: decision, repulls: listing - 1, listings: listing, repulledFiles, unstable, outcome };
    }
    await Promise.all(changed.map((path) => rm(absolutePath(stagingRoot, path), { force: true })));
    const pulled = await runTransfers([settle.repull], { ...options, filesFrom: buildFilesFromList(changed) });
    outcome = mergeOutcomes(outcome, onlyVanished(pulled));
    repulledFiles += changed.length;
  }
};
