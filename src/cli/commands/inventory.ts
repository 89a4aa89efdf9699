import type { Command } from '@commander-js/extra-typings';
import { inventoryInvalidError, loadInventory } from '../../inventory/load.js';
import { formatWarnings, issueJson } from '../../inventory/present.js';
import { buildContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `rootcast inventory check`. */
export const registerInventoryCommands = (program: Command, seed: ContextSeed): void => {
  const inventory = program.command('inventory').description('check the inventory file');

  inventory
    .command('check')
    .description('validate the inventory and print every error at once, each with its path and line')
    .action(async (_options, command) => {
      const ctx = buildContext(command, seed);
      const loaded = await loadInventory(ctx.paths, { mustExist: true, allowInvalid: true });
      const { errors, warnings, inventory: checked } = loaded.validation;
      if (errors.length > 0) {
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
