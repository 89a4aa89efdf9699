import type { Command } from '@commander-js/extra-typings';
import { inventoryFileWarnings } from '../../inventory/file-privacy.js';
import { checkInventoryFully } from '../../fleet-check/full-check.js';
import { inventoryInvalidError, loadInventory, readInventoryMode } from '../../inventory/load.js';
import { formatWarnings, issueJson } from '../../inventory/present.js';
import { documentLocator } from '../../inventory/source.js';
import { buildContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `rootcast inventory check`. */
export const registerInventoryCommands = (program: Command, seed: ContextSeed): void => {
  const inventory = program.command('inventory').description('check the inventory file');

  inventory
    .command('check')
    .description("validate the inventory, every host's answer file and the override layer directories; print every error at once, each with its path and line; warn when other users can read its secrets")
    .action(async (_options, command) => {
      const ctx = buildContext(command, seed);
      const loaded = await loadInventory(ctx.paths, { mustExist: true, allowInvalid: true });
      const checked = loaded.validation.inventory;
      const report = await checkInventoryFully(
        { source: loaded.source, inventory: checked, errors: loaded.validation.errors, warnings: loaded.validation.warnings },
        { paths: ctx.paths, storeImages: loaded.storeImages },
        documentLocator(loaded.source),
      );
      const errors = report.errors;
      // Who else can read or change the file comes first: it is about the file, not one entry.
      const warnings = [...inventoryFileWarnings(loaded.file, await readInventoryMode(loaded.file), loaded.source), ...report.warnings];
      if (errors.length > 0) {
        // --json: the structured report on stdout for scripts; the error (and exit 65) as for every command.
        if (ctx.json) printResult(ctx, { ok: false, file: loaded.file, errors: errors.map(issueJson), warnings: warnings.map(issueJson) }, () => '');
        throw inventoryInvalidError(`the inventory ${loaded.file} has ${plural(errors.length, 'error')}`, errors, warnings, `fix the entries above in ${loaded.file} and run "rootcast inventory check" again`);
      }
      const images = new Set([...Object.keys(checked.images), ...loaded.storeImages]);
      const counts = { hosts: checked.hosts.length, groups: Object.keys(checked.groups).length, images: images.size, networks: Object.keys(checked.networks).length };
      if (!ctx.json) ctx.stderr.write(formatWarnings(warnings));
      printResult(ctx, { ok: true, file: loaded.file, ...counts, warnings: warnings.map(issueJson) }, () =>
        `inventory ok: ${plural(counts.hosts, 'host')}, ${plural(counts.groups, 'group')}, ${plural(counts.images, 'image')}${warnings.length > 0 ? ` (${plural(warnings.length, 'warning')})` : ''}`,
      );
    });
};
