import type { Command } from '@commander-js/extra-typings';
import { buildContext, type ContextSeed } from '../context.js';
import { runDeploy } from '../../runner/deploy.js';
import { describeRunnerOption, runnerOptionTable, type RawRunnerOptions } from '../../runner/option-table.js';
import { parseRunnerOptions } from '../../runner/options.js';
import { realRunnerEffects } from '../../runner/real-effects.js';
import { readTokenFile } from '../../runner/token-file.js';

/** `rootcast runner`: the same plan the installer's %post runs, started by hand. */
export const registerRunnerCommand = (program: Command, seed: ContextSeed): void => {
  const runner = program
    .command('runner')
    .description('deploy a host\'s image onto an installed root by hand (what the installer\'s %post runs)');
  // The bundle's own table (src/runner/option-table.ts); --json is rootcast's global option.
  for (const spec of runnerOptionTable.filter((option) => option.global !== true)) {
    runner.option(`--${spec.flag}${spec.value === undefined ? '' : ` <${spec.value.toLowerCase()}>`}`, describeRunnerOption(spec));
  }
  runner.action(async (_flags, command) => {
    // A deploy stops only at its own end (or failure), never at a line nobody reads.
    seed.closedOutput?.outlive();
    const ctx = buildContext(command, seed);
    // commander stores --work-dir as workDir: the table's keys are those camel-case names.
    const given = command.opts() as Record<string, string | boolean | undefined>;
    // commander keeps a "--no-X" switch as X: false (true when absent).
    const valueOf = (spec: (typeof runnerOptionTable)[number]): string | boolean | undefined =>
      spec.flag.startsWith('no-') ? given[spec.key.replace(/^no([A-Z])/, (_, letter: string) => letter.toLowerCase())] === false : given[spec.key];
    const raw = Object.fromEntries(runnerOptionTable.map((spec) => [spec.key, spec.global === true ? undefined : valueOf(spec)])) as RawRunnerOptions;
    const options = parseRunnerOptions(await readTokenFile({ ...raw, json: ctx.json }), ctx.env);
    await runDeploy(options, { ...realRunnerEffects(), exec: ctx.exec, now: ctx.now, stdout: ctx.stdout, stderr: ctx.stderr });
  });
};
