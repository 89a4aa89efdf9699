import type { Command } from '@commander-js/extra-typings';
import { buildContext, type ContextSeed } from '../context.js';
import { outliveClosedOutput, realUpdateEffects, runAndPrintUpdate } from '../../update/update-main.js';
import { parseUpdateOptions, updateOptionTable, type RawUpdateOptions } from '../../update/update-options.js';

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** `rootcast update`: on a deployed host, the same update the runner bundle runs (`node runner.cjs update`). */
export const registerUpdateCommand = (program: Command, seed: ContextSeed): void => {
  const update = program
    .command('update')
    .description('bring this deployed host to a version of its image plus its override layers (run on the host)');
  for (const spec of updateOptionTable.filter((option) => option.global !== true)) {
    const help = spec.default === undefined ? spec.help : `${spec.help} (default ${spec.default})`;
    update.option(`--${spec.flag}${spec.value === undefined ? '' : ` <${spec.value.toLowerCase()}>`}`, help);
  }
  update.action(async (_flags, command) => {
    const ctx = buildContext(command, seed);
    const given = command.opts() as Record<string, string | boolean | undefined>;
    // commander keeps --no-delete as delete: false; the table's key is noDelete.
    const valueOf = (flag: string): string | boolean | undefined =>
      flag.startsWith('no-') ? (given[camel(flag.slice(3))] === false ? true : undefined) : given[camel(flag)];
    const raw = Object.fromEntries(updateOptionTable.map((spec) => [spec.key, spec.global === true ? undefined : valueOf(spec.flag)])) as RawUpdateOptions;
    const options = parseUpdateOptions({ ...raw, json: ctx.json });
    // As the bundle's update: an SSH session that drops mid-update must not end it at its next line.
    if (seed.closedOutput !== undefined) seed.closedOutput.outlive();
    else if (ctx.stdout === process.stdout) outliveClosedOutput([process.stdout, process.stderr]);
    await runAndPrintUpdate(options, { ...realUpdateEffects(ctx.stderr), exec: ctx.exec, now: ctx.now }, ctx.stdout);
  });
};
