import { readFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import { RootcastError } from '../../errors/rootcast-error.js';
import { applyInventoryEdit } from '../../inventory/apply-edit.js';
import { checkOptionValue, parseHostSpec } from '../../inventory/arguments.js';
import { formatWarnings, issueJson } from '../../inventory/present.js';
import { planDhcpConfig } from '../../pxe/dhcp-plan.js';
import { parseLeases } from '../../pxe/leases.js';
import { planLearnMacs } from '../../pxe/learn-plan.js';
import { renderKeaConfig } from '../../render/kea-config.js';
import { buildContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';
import { dryRunNote, formatTable } from '../../text/format.js';
import { readPxeInputs } from './pxe-inputs.js';

const formats = ['isc', 'dnsmasq', 'kea'] as const;
type DhcpFormat = (typeof formats)[number];

const parseFormat = (text: string): DhcpFormat => {
  const format = formats.find((candidate) => candidate === text);
  if (format === undefined) throw new RootcastError('USAGE', `--format "${text}" is not one of ${formats.join(', ')}`);
  return format;
};

/** `rootcast dhcp config|learn`. */
export const registerDhcpCommands = (program: Command, seed: ContextSeed): void => {
  const dhcp = program.command('dhcp').description("DHCP for PXE: configs for the site's own server, MACs learned from leases (docs/pxe.md)");

  dhcp
    .command('config')
    .description('print a DHCP server config from the inventory: pool, reservations, next-server, boot file per client architecture, the image server option')
    .requiredOption('--format <format>', `isc (dhcpd.conf), dnsmasq or kea (kea-dhcp4 JSON)`)
    .option('--proxy', 'proxy-DHCP: boot information only, beside the site\'s DHCP server (dnsmasq only: ISC dhcpd and Kea cannot be proxy-DHCP servers)')
    .option('--interface <name>', 'the interface the server listens on (default: pxe.interface)')
    .action(async (options, command) => {
      const ctx = buildContext(command, seed);
      const format = parseFormat(options.format);
      const proxy = options.proxy === true;
      if (proxy && format !== 'dnsmasq') {
        // Checked against the real daemons: given boot information but no pool, neither offers anything (dhcpd: "no free leases").
        throw new RootcastError('USAGE', `--proxy works with --format dnsmasq only: ${format === 'isc' ? 'ISC dhcpd' : 'Kea'} cannot be a proxy-DHCP server: it answers a PXE client only with an address lease and has no PXE boot service on port 4011, so it cannot add boot information beside another DHCP server`, {
          hint: `to leave the site's DHCP server as it is, run "rootcast serve --pxe" with pxe.mode: proxy (or "rootcast dhcp config --format dnsmasq --proxy" for a dnsmasq of your own); if that server is ${format === 'isc' ? 'ISC dhcpd' : 'Kea'} and you may change it, "--format ${format}" without --proxy prints the classes, next-server and reservations to merge into its config`,
        });
      }
      const inputs = await readPxeInputs(ctx.paths);
      const context = planDhcpConfig(inputs.settings, inputs.resolved, { proxy, ...(options.interface === undefined ? {} : { interface: options.interface }) });
      const text = format === 'kea' ? renderKeaConfig(context) : format === 'isc' ? inputs.templates.isc(context) : inputs.templates.dnsmasq(context);
      ctx.stdout.write(text);
    });

  dhcp
    .command('learn')
    .description('turn the leases of a first boot round into MACs of the hosts that have none, in boot order (boot the machines one by one in host order)')
    .requiredOption('--leases <file>', 'a dnsmasq leases file, ISC dhcpd.leases or Kea kea-leases4.csv')
    .option('--hosts <hosts>', "only these hosts, in this order ('web[01-10]')")
    .option('--dry-run', 'print the MACs that would be written; change nothing')
    .action(async (options, command) => {
      const ctx = buildContext(command, seed);
      const only = options.hosts === undefined ? undefined : checkOptionValue('--hosts', () => parseHostSpec(options.hosts ?? ''));
      let text: string;
      try {
        text = await readFile(options.leases, 'utf8');
      } catch (error) {
        throw new RootcastError('NOT_FOUND', `cannot read the leases file ${options.leases}: ${(error as Error).message}`);
      }
      const { format, leases } = parseLeases(text, options.leases);
      const dryRun = options.dryRun === true;
      const { plan, warnings } = await applyInventoryEdit(ctx.paths, { what: 'learn MACs', dryRun }, (loaded) => planLearnMacs(loaded, leases, only));
      if (!ctx.json) ctx.stderr.write(formatWarnings(warnings));
      const summary = `${dryRun ? 'would set' : 'set'} ${plan.learned.length} MAC(s) from ${leases.length} lease(s) (${format}) in ${plan.file}`;
      printResult(ctx, { dryRun, file: plan.file, format, learned: plan.learned, unmatched: plan.unmatched, waiting: plan.waiting, warnings: warnings.map(issueJson) }, (value) =>
        [
          dryRun ? dryRunNote(summary) : summary,
          ...(value.learned.length === 0 ? [] : [formatTable(['HOST', 'MAC', 'LEASED'], value.learned.map((entry) => [entry.host, entry.mac, entry.leasedIp]))]),
          ...value.unmatched.map((lease) => `no host left for ${lease.mac} (${lease.ip})`),
          ...(value.waiting.length === 0 ? [] : [`still without a MAC: ${value.waiting.join(', ')}`]),
        ].join('\n'),
      );
    });
};
