import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { ensurePrivateHome } from '../home/private-home.js';
import type { WaitOptions } from '../sys/lock-file.js';
import { originalLines, type EditResult } from './edit.js';
import type { InventoryIssue } from './issue.js';
import { loadInventory, type LoadedInventory } from './load.js';
import type { CheckedText, Locator } from './source.js';
import { withInventoryLock, writeInventoryIfUnchanged } from './write.js';

export interface ApplyEditOptions {
  /** What the edit does, for messages: `add web07`. */
  what: string;
  dryRun: boolean;
  /** Problems beyond the file that the edit introduces (answer files, the image store), reported as warnings. @default none */
  introducedWarnings?: IntroducedWarnings;
  /** Times to re-read and re-plan when the file changed between reading and writing it. @default 3 */
  attempts?: number;
  lockWait?: WaitOptions;
}

/** What the file before and after an edit would make commands refuse later (the CLI passes the fleet check). */
export type IntroducedWarnings = (before: CheckedText, after: CheckedText, context: { storeImages: readonly string[]; locate: Locator }) => Promise<InventoryIssue[]>;

/** A planned (and unless --dry-run, written) edit, with every warning it introduces. */
export interface AppliedEdit<P> {
  plan: P;
  warnings: InventoryIssue[];
}

const planOnce = async <P extends { edit: EditResult }>(paths: HomePaths, options: ApplyEditOptions, plan: (loaded: LoadedInventory) => P) => {
  const loaded = await loadInventory(paths);
  const planned = plan(loaded);
  const answerWarnings =
    options.introducedWarnings === undefined
      ? []
      : await options.introducedWarnings(
          { source: loaded.source, inventory: loaded.validation.inventory },
          { source: planned.edit.source, inventory: planned.edit.validation.inventory },
          { storeImages: loaded.storeImages, locate: originalLines(loaded) },
        );
  return { loaded, applied: { plan: planned, warnings: [...planned.edit.newWarnings, ...answerWarnings] } };
};

/**
 * Read → plan → write for one inventory edit. Writers are serialised by the lock beside the file, so
 * two `host add` never lose one another; a file changed behind the lock's back (an editor) between
 * reading and renaming is re-read and re-planned, at most `attempts` times, then refused (75).
 */
export const applyInventoryEdit = async <P extends { edit: EditResult }>(
  paths: HomePaths,
  options: ApplyEditOptions,
  plan: (loaded: LoadedInventory) => P,
): Promise<AppliedEdit<P>> => {
  if (options.dryRun) return (await planOnce(paths, options, plan)).applied;
  // Refusals come before the lock (or its directory) exists: bad input creates nothing and waits for nobody.
  plan(await loadInventory(paths));
  await ensurePrivateHome(paths);
  const attempts = options.attempts ?? 3;
  return withInventoryLock(
    paths.inventoryFile,
    async () => {
      for (let attempt = 0; attempt < attempts; attempt += 1) {
        const { loaded, applied } = await planOnce(paths, options, plan);
        if (await writeInventoryIfUnchanged(loaded.file, loaded.exists ? loaded.text : undefined, applied.plan.edit.text)) return applied;
      }
      throw new RootcastError('TEMPORARY', `the inventory ${paths.inventoryFile} changed while rootcast was trying to ${options.what} (${attempts} times); re-run`, {
        hint: 'nothing was written; something edits the file without rootcast (an editor still saving?): let it finish',
      });
    },
    options.lockWait,
  );
};
