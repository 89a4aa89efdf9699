import type { Command } from '@commander-js/extra-typings';
import { RootcastError } from '../../errors/rootcast-error.js';
import { applyInventoryEdit } from '../../inventory/apply-edit.js';
import { fleetEditWarnings } from '../../fleet-check/full-check.js';
import { checkEntityArgument, checkImageArgument, parseHostSpec } from '../../inventory/arguments.js';
import { parseHostAddRequest, planHostAdd, type PlannedHost } from '../../inventory/host-add.js';
import { planHostRemove } from '../../inventory/host-remove.js';
import { parseHostSetRequest, planHostSet } from '../../inventory/host-set.js';
import { loadInventory } from '../../inventory/load.js';
import { dash, formatVars, formatWarnings, issueJson, renderHostDetails } from '../../inventory/present.js';
import { resolveHosts, type ResolvedHost } from '../../inventory/resolve.js';
import { buildContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';
import { dryRunNote, formatTable } from '../../text/format.js';
import { describeInstallToken } from '../../credentials/install-generation.js';
import { readCurrentGeneration } from '../../credentials/install-generation-store.js';
import { revokeInstallTokens } from '../../credentials/issue-token.js';
import { credentialRows } from '../../credentials/present.js';
import { readHostRecord, readHostRecords } from '../../state/host-record-store.js';
import type { HostRecord } from '../../state/host-record.js';
import { hostRecordColumns, hostRecordRows } from '../../state/present.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

const renderHostTable = (hosts: readonly ResolvedHost[], withVars = false, records?: ReadonlyMap<string, HostRecord>): string =>
  formatTable(
    ['NAME', 'IP', 'MAC', 'IMAGE', 'GROUPS', ...(withVars ? ['VARS'] : []), ...(records === undefined ? [] : ['DEPLOYED', 'LAST'])],
    hosts.map((host) => [
      host.name, dash(host.ip), dash(host.macs.join(',')), dash(host.image?.ref), dash(host.groups.join(',')),
      ...(withVars ? [dash(formatVars(host.vars))] : []),
      ...(records === undefined ? [] : hostRecordColumns(records.get(host.name))),
    ]),
  );

const renderPlannedHosts = (hosts: readonly PlannedHost[]): string =>
  formatTable(
    ['NAME', 'IP', 'MAC', 'IMAGE', 'GROUPS', 'VARS'],
    hosts.map((host) => [host.name, dash(host.ip), dash(host.macs.join(',')), dash(host.image), dash(host.groups.join(',')), dash(formatVars(host.vars))]),
  );

/** `rootcast host add|set|list|show|rm`. */
export const registerHostCommands = (program: Command, seed: ContextSeed): void => {
  const host = program.command('host').description('add, change, list, show and remove hosts in the inventory');

  host
    .command('add')
    .description("add a host or a range of hosts ('web[01-03]'), one inventory entry per host")
    .argument('<hosts>', "a host name or a range such as 'web[01-03]'")
    .option('--image <ref>', 'image for these hosts: web, web@3 or web@stable (else their first group with one)')
    .option('--group <group>', 'a group, repeatable; the order given is the override order', collect, [] as string[])
    .option('--ip <address>', 'IPv4 address; a range counts up from it')
    .option('--mac <mac>', 'MAC address, repeatable (single host only)', collect, [] as string[])
    .option('--network <name>', 'network from the inventory (else their first group with one)')
    .option('--var <name=value>', 'a host var, repeatable', collect, [] as string[])
    .option('--dry-run', 'print the hosts that would be added and change nothing')
    .action(async (spec, options, command) => {
      const ctx = buildContext(command, seed);
      const hosts = parseHostAddRequest({
        spec,
        image: options.image,
        groups: options.group,
        ip: options.ip,
        macs: options.mac,
        network: options.network,
        vars: options.var,
      });
      const dryRun = options.dryRun === true;
      const { plan, warnings } = await applyInventoryEdit(ctx.paths, { what: `add ${spec}`, dryRun, introducedWarnings: fleetEditWarnings(ctx.paths) }, (loaded) => planHostAdd(loaded, spec, hosts));
      if (!ctx.json) ctx.stderr.write(formatWarnings(warnings));
      const summary = `${dryRun ? 'would add' : 'added'} ${plural(hosts.length, 'host')} to ${plan.file}`;
      printResult(ctx, { dryRun, file: plan.file, added: hosts, warnings: warnings.map(issueJson) }, () =>
        `${dryRun ? dryRunNote(summary) : summary}\n${renderPlannedHosts(hosts)}`,
      );
    });

  host
    .command('set')
    .description("change hosts in place: a name, several names ('web[01-03]') or a range key written in the file")
    .argument('<hosts>', "a host name, a range of hosts that each have their own entry, or a range key exactly as written")
    .option('--mac <mac>', 'replace the MAC list with these, repeatable (single host only)', collect, [] as string[])
    .option('--add-mac <mac>', 'add a MAC, repeatable (single host only)', collect, [] as string[])
    .option('--remove-mac <mac>', 'remove a MAC, repeatable', collect, [] as string[])
    .option('--ip <address>', 'IPv4 address; several hosts count up from it, a range key gets it as its start')
    .option('--image <ref>', 'image: web, web@3 or web@stable')
    .option('--network <name>', 'network from the inventory')
    .option('--group <group>', 'replace the group list with these, in this order, repeatable', collect, [] as string[])
    .option('--add-group <group>', 'append a group, repeatable', collect, [] as string[])
    .option('--remove-group <group>', 'remove a group, repeatable', collect, [] as string[])
    .option('--var <name=value>', 'set a host var, repeatable', collect, [] as string[])
    .option('--unset-var <name>', "remove a host var, repeatable (a group's var is changed with group set)", collect, [] as string[])
    .option('--dry-run', 'print the hosts as they would become and change nothing')
    .action(async (spec, options, command) => {
      const ctx = buildContext(command, seed);
      const changes = parseHostSetRequest({
        spec,
        macs: options.mac,
        addMacs: options.addMac,
        removeMacs: options.removeMac,
        ip: options.ip,
        image: options.image,
        network: options.network,
        groups: options.group,
        addGroups: options.addGroup,
        removeGroups: options.removeGroup,
        vars: options.var,
        unsetVars: options.unsetVar,
      });
      const dryRun = options.dryRun === true;
      const { plan, warnings } = await applyInventoryEdit(ctx.paths, { what: `change ${spec}`, dryRun, introducedWarnings: fleetEditWarnings(ctx.paths) }, (loaded) => planHostSet(loaded, changes));
      if (!ctx.json) ctx.stderr.write(formatWarnings(warnings));
      const summary = `${dryRun ? 'would update' : 'updated'} ${plural(plan.hosts.length, 'host')} in ${plan.file}`;
      printResult(ctx, { dryRun, file: plan.file, keys: plan.keys, updated: plan.hosts, warnings: warnings.map(issueJson) }, () =>
        `${dryRun ? dryRunNote(summary) : summary}\n${renderHostTable(plan.hosts, true)}`,
      );
    });

  host
    .command('list')
    .description('list hosts with their effective image and groups')
    .option('--group <group>', 'only hosts in this group')
    .option('--image <image>', 'only hosts whose effective image is this name or reference')
    .action(async (options, command) => {
      const ctx = buildContext(command, seed);
      // A filter no entry could match (a typo'd name) is a usage error, not an empty list.
      if (options.group !== undefined) checkEntityArgument('group', options.group, '--group');
      if (options.image !== undefined) checkImageArgument(options.image);
      const loaded = await loadInventory(ctx.paths);
      const hosts = resolveHosts(loaded.validation.inventory).filter(
        (entry) =>
          (options.group === undefined || entry.groups.includes(options.group)) &&
          (options.image === undefined || entry.image?.name === options.image || entry.image?.ref === options.image),
      );
      const records = new Map((await readHostRecords(ctx.paths)).map((record) => [record.host, record]));
      const listed = hosts.map((entry) => ({ ...entry, record: records.get(entry.name) ?? null }));
      printResult(ctx, listed, (list) => (list.length === 0 ? `no hosts${options.group !== undefined || options.image !== undefined ? ' match' : ''} (inventory: ${loaded.file})` : renderHostTable(list, false, records)));
    });

  host
    .command('show')
    .description('show one host: effective image, network, groups and merged vars, and where each comes from')
    .argument('<name>', 'host name')
    .action(async (name, _options, command) => {
      const ctx = buildContext(command, seed);
      const loaded = await loadInventory(ctx.paths);
      const found = resolveHosts(loaded.validation.inventory).find((entry) => entry.name === name);
      if (found === undefined) {
        throw new RootcastError('NOT_FOUND', `host "${name}" is not in the inventory ${loaded.file}`, {
          hint: 'run "rootcast host list" to see the hosts',
        });
      }
      const record = await readHostRecord(ctx.paths, found.name);
      const installToken = describeInstallToken(await readCurrentGeneration(ctx.paths, found.name), record.completedGeneration, ctx.now());
      const rows = [...hostRecordRows(record), ...credentialRows(installToken, record.credentialGeneration)];
      printResult(ctx, { ...found, state: { record, installToken: installToken ?? null } }, (host) =>
        [renderHostDetails(host), ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(12)}${value}`)].join('\n'),
      );
    });

  host
    .command('reinstall')
    .description('revoke the install token of every answer file issued so far; the next answer file starts a new install')
    .argument('<host>', 'host name')
    .option('--dry-run', 'say what would be revoked and change nothing')
    .action(async (name, options, command) => {
      const ctx = buildContext(command, seed);
      const loaded = await loadInventory(ctx.paths);
      if (!loaded.validation.inventory.hosts.some((entry) => entry.name === name)) {
        throw new RootcastError('NOT_FOUND', `host "${name}" is not in the inventory ${loaded.file}`, { hint: 'run "rootcast host list" to see the hosts' });
      }
      const dryRun = options.dryRun === true;
      const current = await readCurrentGeneration(ctx.paths, name);
      const revocation = dryRun ? undefined : await revokeInstallTokens(ctx.paths, name, { now: ctx.now(), issuedBy: 'rootcast host reinstall' });
      const text = `${dryRun ? 'would revoke' : 'revoked'} ${name}'s install tokens${current === undefined ? ' (none was issued yet)' : ` up to generation ${current.generation}`}; fetch a new answer file to install it again (rootcast kickstart/preseed ${name}, or its PXE entry)`;
      printResult(ctx, { dryRun, host: name, revokedThrough: current?.generation ?? null, generation: revocation?.generation ?? null }, () => (dryRun ? dryRunNote(text) : text));
    });

  host
    .command('rm')
    .description("remove hosts (a name or a range such as 'web[01-03]')")
    .argument('<hosts>', 'a host name or range')
    .option('--dry-run', 'print the hosts that would be removed and change nothing')
    .action(async (spec, options, command) => {
      const ctx = buildContext(command, seed);
      parseHostSpec(spec);
      const dryRun = options.dryRun === true;
      const { plan } = await applyInventoryEdit(ctx.paths, { what: `remove ${spec}`, dryRun }, (loaded) => planHostRemove(loaded, spec));
      const summary = `${dryRun ? 'would remove' : 'removed'} ${plural(plan.hosts.length, 'host')} from ${plan.file}: ${plan.hosts.join(', ')}`;
      printResult(ctx, { dryRun, file: plan.file, removed: plan.hosts, keys: plan.keys }, () => (dryRun ? dryRunNote(summary) : summary));
    });
};
