import type { Command } from '@commander-js/extra-typings';
import { loadAnswerAssets } from '../../answer/answer-assets.js';
import { RootcastError } from '../../errors/rootcast-error.js';
import { ensurePrivateHome } from '../../home/private-home.js';
import { hostAnswerProblems } from '../../fleet-check/answer-check.js';
import { formatIssue } from '../../inventory/issue.js';
import { readInventoryText } from '../../inventory/load.js';
import { resolveHost } from '../../inventory/resolve.js';
import { guessServerUrl } from '../../inventory/server-url-guess.js';
import { renderStarterInventory, type ServerUrlSource } from '../../inventory/starter.js';
import type { HostDef } from '../../inventory/types.js';
import { validateInventoryText } from '../../inventory/validate.js';
import { withInventoryLock, writeInventoryIfUnchanged } from '../../inventory/write.js';
import { defaultHttpListen } from '../../server/listen-address.js';
import { readRouteFacts } from '../../sys/default-route.js';
import { buildContext } from '../context.js';
import { printResult } from '../output.js';
import { dryRunNote } from '../../text/format.js';
import type { ContextSeed } from '../context.js';

const alreadyExists = (file: string): RootcastError =>
  new RootcastError('ALREADY_EXISTS', `the inventory ${file} already exists`, {
    hint: 'nothing was written; edit it (a server URL goes in  server: {url: "http://ADDRESS:8780"}), or move it away to start afresh',
  });

/** The URL as typed or guessed; a guess that fails asks for --server-url (64). */
const chooseServerUrl = async (given: string | undefined): Promise<{ url: string; source: ServerUrlSource }> => {
  if (given !== undefined) return { url: given, source: { kind: 'given' } };
  const guess = guessServerUrl(await readRouteFacts(), defaultHttpListen.port);
  if (!guess.ok) {
    throw new RootcastError('USAGE', `cannot guess the server URL: ${guess.problem}`, {
      hint: `nothing was written; pass --server-url http://ADDRESS:${defaultHttpListen.port} (the address installing hosts reach rootcast serve at)`,
    });
  }
  return { url: guess.url, source: { kind: 'guessed', interface: guess.interface } };
};

/** The starter must pass `inventory check` once hosts exist: its URL goes through the file's and the answer files' own rules. */
const checkStarter = async (text: string, url: string): Promise<void> => {
  const { errors, inventory } = validateInventoryText(text);
  const probe: HostDef = { name: 'probe', macs: [], groups: [], vars: {}, source: { key: 'probe', fromRange: false } };
  const input = { inventory, root: {}, assets: await loadAnswerAssets(), refs: new Map() };
  const answerProblems = errors.length > 0 || inventory.server === undefined ? [] : hostAnswerProblems(resolveHost(inventory, probe), input, inventory.server.url);
  const problems = [...errors, ...answerProblems.filter((issue) => issue.severity === 'error' && issue.path[0] === 'server')];
  if (problems.length > 0) {
    throw new RootcastError('USAGE', `--server-url ${JSON.stringify(url)} is not a URL installing hosts can use`, {
      details: problems.map((issue) => formatIssue({ severity: issue.severity, path: issue.path, message: issue.message })),
      hint: 'write it like http://10.0.0.1:8780 (http or https, an address or DNS name, an optional port)',
    });
  }
};

/** `rootcast init`: a commented starter inventory with the server URL every answer file needs. */
export const registerInitCommand = (program: Command, seed: ContextSeed): void => {
  program
    .command('init')
    .description("write a commented starter inventory (server URL, install defaults, examples); refuses to overwrite one")
    .option('--server-url <url>', "where installing hosts reach rootcast serve (default: this machine's address on its default route, port 8780)")
    .option('--dry-run', 'print the file that would be written and write nothing')
    .action(async (options, command) => {
      const ctx = buildContext(command, seed);
      const file = ctx.paths.inventoryFile;
      if ((await readInventoryText(file)) !== undefined) throw alreadyExists(file);
      const { url, source } = await chooseServerUrl(options.serverUrl);
      const text = renderStarterInventory(url, source);
      await checkStarter(text, url);
      const dryRun = options.dryRun === true;
      if (!dryRun) {
        await ensurePrivateHome(ctx.paths);
        await withInventoryLock(file, async () => {
          if (!(await writeInventoryIfUnchanged(file, undefined, text))) throw alreadyExists(file);
        });
      }
      if (!ctx.json && source.kind === 'guessed') {
        ctx.stderr.write(`rootcast: guessed server URL ${url} from the default route's interface ${source.interface}; pass --server-url to change it\n`);
      }
      const summary = `${dryRun ? 'would write' : 'wrote'} a starter inventory to ${file} (server ${url}); edit it, then run "rootcast inventory check"`;
      printResult(ctx, { dryRun, file, serverUrl: url, guessedFrom: source.kind === 'guessed' ? source.interface : null, ...(dryRun ? { text } : {}) }, () =>
        dryRun ? `${dryRunNote(summary)}\n${text}` : summary,
      );
    });
};
