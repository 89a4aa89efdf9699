import type { Command } from '@commander-js/extra-typings';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RootcastError, isRootcastError } from '../../errors/rootcast-error.js';
import { resolveImageRef, type ResolvedVersion } from '../../image/versions.js';
import { loadInventory } from '../../inventory/load.js';
import { hostNameProblem } from '../../inventory/names.js';
import { resolveHosts, type ResolvedHost } from '../../inventory/resolve.js';
import type { Inventory } from '../../inventory/types.js';
import { describeExplanation, explainPath, explanationJson, imageAtPath, normaliseTreePath } from '../../overrides/explain.js';
import { diffHostTrees, renderHostDiff } from '../../overrides/host-diff.js';
import { loadHostOverrides, readHostLayers, withIdentityLayer, type HostOverrides } from '../../overrides/host-overrides.js';
import { readImageView } from '../../overrides/image-view.js';
import { findResolvedHost, imageRefOf, layerRequestFor, overridesRequestWithIdentity } from '../../overrides/inventory-request.js';
import { ancestorsOf } from '../../overrides/layer-entry.js';
import { buildTreeReport, renderTreeReport } from '../../overrides/tree-report.js';
import { assertUsableOutDir, writeHostTreeTo } from '../../overrides/write-tree.js';
import { buildContext, type CommandContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';
import { dryRunNote, formatTable } from '../../text/format.js';

interface InventoryHost {
  inventory: Inventory;
  host: ResolvedHost;
}

/** Read: the inventory, and one host of it resolved (NOT_FOUND names the file). */
const readInventoryHost = async (ctx: CommandContext, name: string): Promise<InventoryHost> => {
  const { file, validation } = await loadInventory(ctx.paths);
  return { inventory: validation.inventory, host: findResolvedHost(resolveHosts(validation.inventory), name, file) };
};

/**
 * Runs `use` with a private scratch directory for the identity layers it generates, removed afterwards:
 * render and explain show the identity serve would generate without writing into the home.
 */
const withIdentityScratch = async <T>(use: (dir: string) => Promise<T>): Promise<T> => {
  const dir = await mkdtemp(join(tmpdir(), 'rootcast-identity-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** Read → plan: the host's layers (its identity layer generated under `identityDir`) resolved, rendered and placed over the version it deploys. */
const loadOverrides = async (ctx: CommandContext, name: string, identityDir: string): Promise<HostOverrides> => {
  const { inventory, host } = await readInventoryHost(ctx, name);
  const version = await resolveImageRef(ctx.paths, imageRefOf(host));
  return loadHostOverrides(await overridesRequestWithIdentity(ctx.paths, inventory, host, version, identityDir));
};

/** The version a host deploys, or undefined when the store cannot say (explain works without it). */
const versionOrUnknown = (ctx: CommandContext, host: ResolvedHost): Promise<ResolvedVersion | undefined> =>
  resolveImageRef(ctx.paths, imageRefOf(host)).catch((error: unknown) => (isRootcastError(error) && error.code === 'NOT_FOUND' ? undefined : Promise.reject(error)));

/** `rootcast render` and `rootcast explain`: the one resolver of override layers, shown. */
export const registerOverrideCommands = (program: Command, seed: ContextSeed): void => {
  program
    .command('render')
    .description("the tree HOST gets from its override layers (all → image → groups → host): a listing, the tree written with --out, or the difference to HOST2's with --diff")
    .argument('<host>', 'an inventory host')
    .option('--out <dir>', 'write the tree into DIR (new or empty) with owners, modes, times, ACLs and xattrs')
    .option('--diff <host2>', "how HOST2's tree differs from HOST's, with the layers and unified diffs of changed text files (private ones named, not shown)")
    .option('--dry-run', 'with --out: list what would be written and write nothing')
    .action(async (name, options, command) => {
      const ctx = buildContext(command, seed);
      if (options.out !== undefined && options.diff !== undefined) throw new RootcastError('USAGE', 'render takes --out DIR or --diff HOST2, not both');
      if (options.dryRun === true && options.out === undefined) throw new RootcastError('USAGE', '--dry-run goes with --out DIR (a listing writes nothing anyway)');
      const otherProblem = options.diff === undefined ? undefined : hostNameProblem(options.diff);
      if (otherProblem !== undefined) throw new RootcastError('USAGE', `--diff: ${otherProblem}`);
      await withIdentityScratch(async (identityDir) => {
        const overrides = await loadOverrides(ctx, name, identityDir);
        if (options.diff !== undefined) {
          const other = await loadOverrides(ctx, options.diff, identityDir);
          printResult(ctx, await diffHostTrees(ctx.exec, overrides, other), renderHostDiff);
          return;
        }
        const report = buildTreeReport(overrides);
        if (options.out === undefined) {
          printResult(ctx, report, (value) => renderTreeReport(value, formatTable));
          return;
        }
        const out = options.out;
        if (options.dryRun === true) await assertUsableOutDir(out);
        else await writeHostTreeTo(ctx.exec, overrides, out);
        const summary = `${report.entries.length} path(s) of ${report.host}'s tree (${report.image})`;
        printResult(ctx, { ...report, out, dryRun: options.dryRun === true }, (value) =>
          options.dryRun === true ? `${renderTreeReport(value, formatTable)}\n${dryRunNote(`would write ${summary} into ${out}`)}` : `wrote ${summary} into ${out}`,
        );
      });
    });

  program
    .command('explain')
    .description('which layer provides PATH on HOST (or deletes it by a whiteout, or leaves it to the image), and which layers it shadows')
    .argument('<host>', 'an inventory host')
    .argument('<path>', 'a path as the host sees it, e.g. /etc/motd')
    .action(async (name, pathText, _options, command) => {
      const ctx = buildContext(command, seed);
      const path = normaliseTreePath(pathText);
      const { inventory, host } = await readInventoryHost(ctx, name);
      const version = await versionOrUnknown(ctx, host);
      const explanation = await withIdentityScratch(async (identityDir) => {
        // Without the version in the store there is no image to plan the identity over: hand-written layers only.
        const request =
          version === undefined
            ? layerRequestFor(ctx.paths, inventory, host, host.image?.name ?? imageRefOf(host))
            : await withIdentityLayer(await overridesRequestWithIdentity(ctx.paths, inventory, host, version, identityDir));
        const { merged } = await readHostLayers(request);
        const view = version === undefined ? undefined : await readImageView(version.root, [...ancestorsOf(path), ...(path === '' ? [] : [path])]);
        return explainPath(merged, path, imageAtPath(view, path));
      });
      const ref = version?.ref ?? imageRefOf(host);
      printResult(ctx, { host: host.name, imageRef: ref, ...(explanationJson(explanation) as object) }, () => describeExplanation(explanation, ref));
    });
};
