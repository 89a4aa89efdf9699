import type { Command } from '@commander-js/extra-typings';
import { RootcastError } from '../../errors/rootcast-error.js';
import { applyInventoryEdit } from '../../inventory/apply-edit.js';
import { fleetEditWarnings } from '../../fleet-check/full-check.js';
import { parseGroupAddRequest, planGroupAdd, planGroupRemove } from '../../inventory/group-edit.js';
import { parseGroupSetRequest, planGroupSet } from '../../inventory/group-set.js';
import { loadInventory } from '../../inventory/load.js';
import { dash, formatVars, formatWarnings, issueJson, renderGroupDetails, summariseGroup, type GroupSummary } from '../../inventory/present.js';
import { buildContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';
import { dryRunNote, formatTable } from '../../text/format.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const renderGroupTable = (groups: readonly GroupSummary[]): string =>
  formatTable(
    ['NAME', 'IMAGE', 'NETWORK', 'HOSTS', 'VARS'],
    groups.map((group) => [group.name, dash(group.image), dash(group.network), String(group.hosts.length), dash(formatVars(group.vars))]),
  );

/** `rootcast group add|set|list|show|rm`. */
export const registerGroupCommands = (program: Command, seed: ContextSeed): void => {
  const group = program.command('group').description('add, change, list, show and remove host groups in the inventory');

  group
    .command('add')
    .description('add a group: image, network and vars its hosts share')
    .argument('<name>', 'group name')
    .option('--image <ref>', 'image for the group: web, web@3 or web@stable')
    .option('--network <name>', 'network from the inventory')
    .option('--var <name=value>', 'a group var, repeatable', collect, [] as string[])
    .option('--description <text>', 'a free-text description')
    .option('--dry-run', 'print the group that would be added and change nothing')
    .action(async (name, options, command) => {
      const ctx = buildContext(command, seed);
      const planned = parseGroupAddRequest({ name, image: options.image, network: options.network, vars: options.var, description: options.description });
      const dryRun = options.dryRun === true;
      const { plan, warnings } = await applyInventoryEdit(ctx.paths, { what: `add group ${name}`, dryRun, introducedWarnings: fleetEditWarnings(ctx.paths) }, (loaded) => planGroupAdd(loaded, planned));
      if (!ctx.json) ctx.stderr.write(formatWarnings(warnings));
      const summary = `${dryRun ? 'would add' : 'added'} group ${name} to ${plan.file}`;
      printResult(ctx, { dryRun, file: plan.file, added: plan.group, warnings: warnings.map(issueJson) }, () =>
        [dryRun ? dryRunNote(summary) : summary, renderGroupDetails({ ...plan.group, hosts: [] })].join('\n'),
      );
    });

  group
    .command('set')
    .description("change a group in place: image, network, vars, description")
    .argument('<name>', 'group name')
    .option('--image <ref>', 'image for the group: web, web@3 or web@stable')
    .option('--network <name>', 'network from the inventory')
    .option('--var <name=value>', 'set a group var, repeatable', collect, [] as string[])
    .option('--unset-var <name>', 'remove a group var, repeatable', collect, [] as string[])
    .option('--description <text>', 'a free-text description')
    .option('--dry-run', 'print the group as it would become and change nothing')
    .action(async (name, options, command) => {
      const ctx = buildContext(command, seed);
      const changes = parseGroupSetRequest({ name, image: options.image, network: options.network, vars: options.var, unsetVars: options.unsetVar, description: options.description });
      const dryRun = options.dryRun === true;
      const { plan, warnings } = await applyInventoryEdit(ctx.paths, { what: `change group ${name}`, dryRun, introducedWarnings: fleetEditWarnings(ctx.paths) }, (loaded) => planGroupSet(loaded, changes));
      if (!ctx.json) ctx.stderr.write(formatWarnings(warnings));
      const summary = summariseGroup(plan.group, plan.edit.validation.inventory.hosts);
      const line = `${dryRun ? 'would update' : 'updated'} group ${name} in ${plan.file}`;
      printResult(ctx, { dryRun, file: plan.file, updated: summary, warnings: warnings.map(issueJson) }, () =>
        [dryRun ? dryRunNote(line) : line, renderGroupDetails(summary)].join('\n'),
      );
    });

  group
    .command('list')
    .description('list groups with their image, network, host count and vars')
    .action(async (_options, command) => {
      const ctx = buildContext(command, seed);
      const { validation, file } = await loadInventory(ctx.paths);
      const { groups, hosts } = validation.inventory;
      const summaries = Object.values(groups).map((entry) => summariseGroup(entry, hosts));
      printResult(ctx, summaries, (list) => (list.length === 0 ? `no groups (inventory: ${file})` : renderGroupTable(list)));
    });

  group
    .command('show')
    .description('show one group and the hosts in it')
    .argument('<name>', 'group name')
    .action(async (name, _options, command) => {
      const ctx = buildContext(command, seed);
      const { validation, file } = await loadInventory(ctx.paths);
      const found = validation.inventory.groups[name];
      if (found === undefined) {
        throw new RootcastError('NOT_FOUND', `group "${name}" is not in the inventory ${file}`, {
          hint: 'run "rootcast group list" to see the groups',
        });
      }
      printResult(ctx, summariseGroup(found, validation.inventory.hosts), renderGroupDetails);
    });

  group
    .command('rm')
    .description('remove a group no host uses')
    .argument('<name>', 'group name')
    .option('--dry-run', 'print what would be removed and change nothing')
    .action(async (name, options, command) => {
      const ctx = buildContext(command, seed);
      const dryRun = options.dryRun === true;
      const { plan } = await applyInventoryEdit(ctx.paths, { what: `remove group ${name}`, dryRun }, (loaded) => planGroupRemove(loaded, name));
      const summary = `${dryRun ? 'would remove' : 'removed'} group ${name} from ${plan.file}`;
      printResult(ctx, { dryRun, file: plan.file, removed: plan.group }, () => (dryRun ? dryRunNote(summary) : summary));
    });
};
