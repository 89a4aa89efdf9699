import type { Command } from '@commander-js/extra-typings';
import { addTableOptions, rawOptionsOf } from '../bundle-options.js';
import { buildContext, type ContextSeed } from '../context.js';
import { runDeploy } from '../../runner/deploy.js';
import { runnerOptionTable, type RawRunnerOptions } from '../../runner/option-table.js';
import { parseRunnerOptions } from '../../runner/options.js';
import { realRunnerEffects } from '../../runner/real-effects.js';
import { readTokenFile } from '../../runner/token-file.js';

/** `rootcast runner`: the same plan the installer's %post runs, started by hand. */
export const registerRunnerCommand = (program: Command, seed: ContextSeed): void => {
  const runner = program
    .command('runner')
    .description('deploy a host\'s image onto an installed root by hand (what the installer\'s %post runs)');
  // The bundle's own table (src/runner/option-table.ts); --json is rootcast's global option.
  addTableOptions(runner as unknown as Command, runnerOptionTable);
  runner.action(async (_flags, command) => {
    // A deploy stops only at its own end (or failure), never at a line nobody reads.
    seed.closedOutput?.outlive();
    const ctx = buildContext(command, seed);
    const raw = rawOptionsOf<RawRunnerOptions>(command, runnerOptionTable);
    const options = parseRunnerOptions(await readTokenFile({ ...raw, json: ctx.json }), ctx.env);
    await runDeploy(options, { ...realRunnerEffects(), exec: ctx.exec, now: ctx.now, stdout: ctx.stdout, stderr: ctx.stderr });
  });
};
