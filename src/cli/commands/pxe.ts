import type { Command } from '@commander-js/extra-typings';
import { RootcastError } from '../../errors/rootcast-error.js';
import { hostNameProblem } from '../../inventory/names.js';
import { writeBootChoice } from '../../pxe/boot-choice-store.js';
import type { PxeBootChoice } from '../../pxe/host-boots.js';
import { formatStatusLine } from '../../pxe/status.js';
import { buildContext, type CommandContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';
import { dryRunNote, formatTable } from '../../text/format.js';
import { readPxeInputs } from './pxe-inputs.js';
import { foreignWarning, incompleteTreeError, planStatus, planSync, readPxeStatus, syncBootTree } from './pxe-sync.js';

const warnAll = (ctx: CommandContext, warnings: readonly string[]): void => {
  for (const warning of warnings) ctx.stderr.write(`rootcast: warning: ${warning}\n`);
};

/** `pxe localboot|reinstall HOST`: stores the choice, then rewrites that host's entries. */
const switchHost = async (ctx: CommandContext, host: string, next: PxeBootChoice['next'], dryRun: boolean): Promise<void> => {
  const problem = hostNameProblem(host);
  if (problem !== undefined) throw new RootcastError('USAGE', problem);
  const name = host;
  const before = await readPxeInputs(ctx.paths);
  const resolved = before.resolved.find((candidate) => candidate.name === name);
  if (resolved === undefined) throw new RootcastError('NOT_FOUND', `no host named "${name}" in ${before.file}`, { hint: 'rootcast host list shows the hosts' });
  if (resolved.macs.length === 0) {
    throw new RootcastError('INVALID_DATA', `${name} has no MAC in the inventory: PXE cannot tell it from other machines`, { hint: `rootcast host set ${name} --mac MAC (or rootcast dhcp learn)` });
  }
  const choice: PxeBootChoice = { next, why: `rootcast pxe ${next === 'local' ? 'localboot' : 'reinstall'}`, at: ctx.now().toISOString() };
  const verb = next === 'local' ? 'boots its local disk' : 'installs';
  if (dryRun) {
    printResult(ctx, { dryRun, host: name, macs: resolved.macs, next }, () => dryRunNote(`the next PXE boot of ${name} (${resolved.macs.join(', ')}) would be: ${verb}`));
    return;
  }
  await writeBootChoice(ctx.paths, name, choice);
  const inputs = await readPxeInputs(ctx.paths);
  const { plan } = await syncBootTree(inputs, { fetch: globalThis.fetch, configsOnly: true });
  const row = (await readPxeStatus(inputs, plan)).filter((status) => status.host === name);
  warnAll(ctx, plan.warnings.filter((warning) => warning.startsWith(`${name} `)));
  printResult(ctx, { host: name, next, status: row }, () => row.map(formatStatusLine).join('\n'));
};

/** `rootcast pxe sync|localboot|reinstall|status`. */
export const registerPxeCommands = (program: Command, seed: ContextSeed): void => {
  const pxe = program.command('pxe').description('the PXE boot tree: loaders, installers and each host\'s next network boot (docs/pxe.md)');

  pxe
    .command('sync')
    .description('build <home>/pxe from the installed boot packages, the installers in pxe.installers and the inventory; writes all it can, then exits 66/69 naming any missing file')
    .option('--refetch', 'download installer files given as URLs again')
    .option('--dry-run', 'print what would be copied, fetched and written; change nothing')
    .action(async (options, command) => {
      const ctx = buildContext(command, seed);
      const inputs = await readPxeInputs(ctx.paths);
      if (options.dryRun === true) {
        const plan = await planSync(inputs);
        warnAll(ctx, plan.warnings);
        printResult(ctx, { dryRun: true, root: plan.root, copies: plan.copies, files: plan.files.map((file) => file.path), problems: plan.problems, warnings: plan.warnings }, (value) =>
          [
            dryRunNote(`would build the boot tree ${value.root}`),
            ...value.copies.map((copy) => `  ${copy.tree}  <-  ${copy.from.kind === 'url' ? copy.from.url : copy.from.path}`),
            ...value.files.map((file) => `  ${file}  (generated)`),
            ...value.problems.map((problem) => `  missing: ${problem.message}`),
          ].join('\n'),
        );
        return;
      }
      const { plan, result } = await syncBootTree(inputs, { fetch: globalThis.fetch, refetch: options.refetch === true });
      warnAll(ctx, [...plan.warnings, ...result.foreign.map(foreignWarning)]);
      printResult(ctx, { root: plan.root, ...result, warnings: plan.warnings, problems: plan.problems }, (value) =>
        `boot tree ${value.root}: ${value.copied.length} copied, ${value.fetched.length} fetched, ${value.written.length} written, ${value.removed.length} removed, ${value.unchanged} unchanged`,
      );
      // Written what it could; the missing files still make the command fail (and name them).
      if (plan.problems.length > 0) throw incompleteTreeError(plan);
    });

  pxe
    .command('localboot')
    .description("make HOST's next network boot fall through to its local disk (PXE once; serve does this when an install reports done)")
    .argument('<host>', 'a host name')
    .option('--dry-run', 'say what would change; change nothing')
    .action(async (host, options, command) => switchHost(buildContext(command, seed), host, 'local', options.dryRun === true));

  pxe
    .command('reinstall')
    .description("make HOST's next network boot start its installer again")
    .argument('<host>', 'a host name')
    .option('--dry-run', 'say what would change; change nothing')
    .action(async (host, options, command) => switchHost(buildContext(command, seed), host, 'install', options.dryRun === true));

  pxe
    .command('status')
    .description('what each MAC boots next over the network, and whether the boot tree says so already')
    .action(async (_options, command) => {
      const ctx = buildContext(command, seed);
      const inputs = await readPxeInputs(ctx.paths);
      const plan = await planStatus(inputs);
      const rows = await readPxeStatus(inputs, plan);
      printResult(ctx, { root: inputs.root, mode: inputs.settings.mode, loader: inputs.settings.loader, unknownMachines: 'local', hosts: rows, problems: plan.problems }, (value) =>
        [
          formatTable(
            ['MAC', 'HOST', 'NEXT', 'WHY', 'SYNCED'],
            value.hosts.map((row) => [row.mac, row.host, row.next === 'install' ? `install ${row.distro ?? ''}` : 'local', row.problem ?? row.why, row.synced ? 'yes' : 'no (run rootcast pxe sync)']),
          ),
          'unknown machines: local boot',
          ...value.problems.map((problem) => `missing: ${problem.message}`),
        ].join('\n'),
      );
    });
};
