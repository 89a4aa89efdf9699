import type { Command } from '@commander-js/extra-typings';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadAnswerAssets, type AnswerAssets } from '../../answer/answer-assets.js';
import type { AnswerFileInput } from '../../answer/answer-file-input.js';
import { answerInputsFromInventory, type AnswerSelector, type InstallTokenSource } from '../../answer/inventory-inputs.js';
import { answerFileKinds, checkDistroOption, distroIdsFor, planAnswerFiles, type AnswerFileKind } from '../../answer/answer-file-plan.js';
import { loadDistroProfilesSync } from '../../answer/load-distro-profiles.js';
import { describeError } from '../../errors/format-error.js';
import { findPackageRoot } from '../../package/package-root.js';
import { checkKickstart, formatKickstartProblem } from '../../answer/kickstart-check/check-kickstart.js';
import { isKickstartDialect, type KickstartDialect } from '../../answer/kickstart-check/dialect.js';
import { issueInstallToken } from '../../credentials/issue-token.js';
import { unissuedInstallToken } from '../../credentials/token.js';
import { RootcastError } from '../../errors/rootcast-error.js';
import { installAccessPolicy } from '../../inventory/install-access.js';
import { loadInventory } from '../../inventory/load.js';
import type { RenderedAnswerFile } from '../../render/render-answer-file.js';
import { writeFileAtomic } from '../../sys/atomic-write.js';
import { buildContext, type CommandContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';
import { dryRunNote } from '../../text/format.js';


/** The selected hosts' answer-file inputs, built with whatever tokens `tokenFor` gives, and how long issued tokens last. */
export interface AnswerSource {
  inputs: (tokenFor: InstallTokenSource) => Promise<readonly AnswerFileInput[]>;
  installTokenLifetimeMs: number;
}

/** Resolves inventory hosts into an answer source. Throws NOT_FOUND for an unknown host or group. */
export type AnswerInputLoader = (ctx: CommandContext, selector: AnswerSelector) => Promise<AnswerSource>;

const loadInventoryAnswerSource: AnswerInputLoader = async (ctx, selector) => {
  const { file, validation } = await loadInventory(ctx.paths);
  return {
    inputs: (tokenFor) => answerInputsFromInventory(validation.inventory, file, ctx.paths, selector, tokenFor),
    installTokenLifetimeMs: installAccessPolicy(validation.inventory).installTokenLifetimeMs,
  };
};

/** The seed, plus the effects only the answer-file verbs need (tests inject them). */
export interface AnswerFileSeed extends ContextSeed {
  loadAnswerInputs?: AnswerInputLoader;
  /** Reads all of stdin (for `--check -`). @default process.stdin */
  readStdin?: () => Promise<string>;
  /** Package root holding kickstart/ and templates/. @default the one rootcast ships in */
  assetRoot?: string;
}

const readProcessStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
};

interface GenerateOptions {
  group?: string;
  distro?: string;
  out?: string;
  dryRun?: boolean;
}

interface WritePlanEntry {
  host: string;
  distro: string;
  path: string | null;
  bytes: number;
}

const isDirectory = async (path: string): Promise<boolean | undefined> =>
  stat(path).then((stats) => stats.isDirectory(), () => undefined);

/** Where each rendered file goes; checks every target before anything is written. */
const planTargets = async (files: readonly RenderedAnswerFile[], out: string | undefined, group: boolean): Promise<(string | null)[]> => {
  if (out === undefined) {
    if (group) throw new RootcastError('USAGE', '--group writes one file per host: give --out DIR');
    return files.map(() => null);
  }
  const outIsDir = await isDirectory(out);
  if (group || outIsDir === true) {
    if (outIsDir !== true) {
      throw new RootcastError('USAGE', `output directory ${out} does not exist`, { hint: `create it (mkdir -p ${out}) or choose another --out` });
    }
    return files.map((file) => join(out, file.fileName));
  }
  if ((await isDirectory(dirname(out))) !== true) {
    throw new RootcastError('USAGE', `cannot write ${out}: directory ${dirname(out)} does not exist`, {
      hint: `create it (mkdir -p ${dirname(out)}) or choose another --out`,
    });
  }
  return [out];
};

const generate = async (
  kind: AnswerFileKind,
  host: string | undefined,
  options: GenerateOptions,
  ctx: CommandContext,
  seed: AnswerFileSeed,
): Promise<void> => {
  if ((host === undefined) === (options.group === undefined)) {
    throw new RootcastError('USAGE', `rootcast ${kind} needs a HOST or --group G (not both)`);
  }
  const assets: AnswerAssets = await loadAnswerAssets(seed.assetRoot);
  const selector: AnswerSelector = host === undefined ? { kind: 'group', name: options.group ?? '' } : { kind: 'host', name: host };
  const request = { kind, ...(options.distro === undefined ? {} : { distro: options.distro }) };
  // A bad --distro is reported before the inventory is read.
  checkDistroOption(assets.catalog, request);
  const source = await (seed.loadAnswerInputs ?? loadInventoryAnswerSource)(ctx, selector);
  // Every host must render, and every target be writable, before a token is issued: a failed run leaves the old answer files working.
  const trial = planAnswerFiles(await source.inputs(async () => unissuedInstallToken), assets.catalog, assets.templates, request);
  const targets = await planTargets(trial, options.out, selector.kind === 'group');
  const issue: InstallTokenSource = async (name) =>
    (await issueInstallToken(ctx.paths, name, { now: ctx.now(), lifetimeMs: source.installTokenLifetimeMs, issuedBy: `rootcast ${kind}` })).token;
  const files = options.dryRun === true ? trial : planAnswerFiles(await source.inputs(issue), assets.catalog, assets.templates, request);
  const plan: WritePlanEntry[] = files.map((file, index) => ({ host: file.host, distro: file.distro, path: targets[index] ?? null, bytes: Buffer.byteLength(file.content) }));
  if (targets.every((target) => target === null)) {
    if (ctx.json) printResult(ctx, files.map((file) => ({ host: file.host, distro: file.distro, content: file.content })), () => '');
    else for (const file of files) ctx.stdout.write(file.content);
    return;
  }
  if (options.dryRun !== true) {
    // The files carry install tokens: readable by root only.
    for (const [index, file] of files.entries()) await writeFileAtomic(targets[index] ?? '', file.content, { mode: 0o600 });
  }
  printResult(ctx, plan, (entries) =>
    entries.map((entry) => {
      const line = `${options.dryRun === true ? 'would write' : 'wrote'} ${entry.path} (${entry.host}, ${entry.distro}, ${entry.bytes} bytes)`;
      return options.dryRun === true ? dryRunNote(line) : line;
    }).join('\n'),
  );
};

const dialectFor = (assets: AnswerAssets, distro: string | undefined): KickstartDialect => {
  if (distro === undefined) return 'rhel9';
  if (isKickstartDialect(distro)) return distro;
  const dialect = assets.catalog.get(distro)?.kickstartDialect;
  if (dialect === undefined) {
    const known = distroIdsFor(assets.catalog, 'kickstart');
    throw new RootcastError('USAGE', `--distro "${distro}" is not a kickstart distro; use one of: ${known.join(', ')}`);
  }
  return dialect;
};

const check = async (file: string, distro: string | undefined, ctx: CommandContext, seed: AnswerFileSeed): Promise<void> => {
  const dialect = dialectFor(await loadAnswerAssets(seed.assetRoot), distro);
  const name = file === '-' ? 'stdin' : file;
  const text =
    file === '-'
      ? await (seed.readStdin ?? readProcessStdin)()
      : await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') throw new RootcastError('NOT_FOUND', `kickstart file ${file} does not exist`);
          const code = error.code === 'EACCES' || error.code === 'EPERM' ? 'PERMISSION' : 'USAGE';
          throw new RootcastError(code, `cannot read kickstart file ${file}: ${error.message}`);
        });
  const problems = checkKickstart(text, dialect);
  if (problems.length > 0) {
    throw new RootcastError('INVALID_DATA', `kickstart ${name} has ${problems.length} problem(s) for ${dialect}`, {
      details: problems.map(formatKickstartProblem),
      hint: 'fix the listed lines (the syntax table is in docs/answer-files.md)',
    });
  }
  printResult(ctx, { file: name, dialect, problems: [] }, () => `${name}: ok (${dialect} kickstart syntax)`);
};

/** The --distro values, read from kickstart/*.yaml only when help is shown (every other run skips the read). */
const distroHelp = (kind: AnswerFileKind, assetRoot: string | undefined): string => {
  const directory = join(assetRoot ?? findPackageRoot(), 'kickstart');
  try {
    return `\nDistros for --distro (profiles in ${directory}):\n  ${distroIdsFor(loadDistroProfilesSync(directory), kind).join(', ')}`;
  } catch (error) {
    return `\n--distro values: cannot read the profiles in ${directory}: ${describeError(error).message}`;
  }
};

/** `rootcast kickstart` and `rootcast preseed`: answer files for the distributions' own installers. */
export const registerAnswerFileCommands = (program: Command, seed: AnswerFileSeed): void => {
  program
    .command('kickstart')
    .description('print or write the Anaconda kickstart for a host (or each host of a group); --check validates a file')
    .argument('[host]', 'host name from the inventory')
    .option('--group <group>', 'every host of a group (needs --out DIR)')
    .option('--distro <id>', `distro profile from kickstart/ (default: the host's, else ${answerFileKinds.kickstart.defaultDistro})`)
    .option('--out <path>', 'write to a file (or DIR/<host>.ks) atomically instead of printing')
    .option('--dry-run', 'show what would be written, write nothing')
    .option('--check <file>', 'validate a kickstart file ("-" reads stdin) against Anaconda syntax for --distro (default rhel9)')
    .addHelpText('after', () => distroHelp('kickstart', seed.assetRoot))
    .action(async (host, options, command) => {
      const ctx = buildContext(command, seed);
      if (options.check !== undefined) {
        if (host !== undefined || options.group !== undefined || options.out !== undefined) {
          throw new RootcastError('USAGE', '--check takes a file and no HOST, --group or --out');
        }
        return check(options.check, options.distro, ctx, seed);
      }
      return generate('kickstart', host, options, ctx, seed);
    });

  program
    .command('preseed')
    .description('print or write the debian-installer preseed for a host (or each host of a group)')
    .argument('[host]', 'host name from the inventory')
    .option('--group <group>', 'every host of a group (needs --out DIR)')
    .option('--distro <id>', `distro profile from kickstart/ (default: the host's, else ${answerFileKinds.preseed.defaultDistro})`)
    .option('--out <path>', 'write to a file (or DIR/<host>.preseed.cfg) atomically instead of printing')
    .option('--dry-run', 'show what would be written, write nothing')
    .addHelpText('after', () => distroHelp('preseed', seed.assetRoot))
    .action(async (host, options, command) => generate('preseed', host, options, buildContext(command, seed), seed));
};
