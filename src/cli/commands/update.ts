import type { Command } from '@commander-js/extra-typings';
import { addTableOptions, rawOptionsOf } from '../bundle-options.js';
import { buildContext, type ContextSeed } from '../context.js';
import { outliveClosedOutput, realUpdateEffects, runAndPrintUpdate } from '../../update/update-main.js';
import { parseUpdateOptions, updateOptionTable, type RawUpdateOptions } from '../../update/update-options.js';

/** `rootcast update`: on a deployed host, the same update the runner bundle runs (`node runner.cjs update`). */
export const registerUpdateCommand = (program: Command, seed: ContextSeed): void => {
  const update = program
    .command('update')
    .description('bring this deployed host to a version of its image plus its override layers (run on the host)');
  addTableOptions(update as unknown as Command, updateOptionTable);
  update.action(async (_flags, command) => {
    const ctx = buildContext(command, seed);
    const raw = rawOptionsOf<RawUpdateOptions>(command, updateOptionTable);
    const options = parseUpdateOptions({ ...raw, json: ctx.json });
    // As the bundle's update: an SSH session that drops mid-update must not end it at its next line.
    if (seed.closedOutput !== undefined) seed.closedOutput.outlive();
    else if (ctx.stdout === process.stdout) outliveClosedOutput([process.stdout, process.stderr]);
    await runAndPrintUpdate(options, { ...realUpdateEffects(ctx.stderr), exec: ctx.exec, now: ctx.now }, ctx.stdout);
  });
};
