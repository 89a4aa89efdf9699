import { CommanderError } from 'commander';
import { ExitStatus } from '../errors/codes.js';
import { describeError, formatErrorText } from '../errors/format-error.js';
import { RootcastError } from '../errors/rootcast-error.js';
import type { ContextSeed, OutputStream } from './context.js';
import { buildProgram } from './program.js';
import { ResultFailure } from './result-failure.js';
import { routeUsageErrors, withUsageLine } from './usage-errors.js';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';

/** Runs one rootcast invocation and returns its exit status; every error is printed here and only here. */
export const runCli = async (argv: readonly string[], seed: ContextSeed = {}): Promise<number> => {
  const stderr: OutputStream = seed.stderr ?? process.stderr;
  const json = argv.includes('--json');
  const program = buildProgram(seed);
  routeUsageErrors(program, (text) => (seed.stdout ?? process.stdout).write(text));
  // The verb whose action runs: its usage line is the hint of the usage errors the action raises.
  let acting: CommandUnknownOpts | undefined;
  program.hook('preAction', (_program, action) => {
    acting = action as unknown as CommandUnknownOpts;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitStatus.ok;
  } catch (thrown) {
    // --help and --version: commander already printed them.
    if (thrown instanceof CommanderError && thrown.exitCode === 0) return ExitStatus.ok;
    // The command printed its results; some of them failed (push, drift).
    if (thrown instanceof ResultFailure) return thrown.exitStatus;
    // routeUsageErrors converts commander's errors; one it missed is still a usage error, not a bug.
    const error = thrown instanceof CommanderError
      ? new RootcastError('USAGE', thrown.message.replace(/^error: /, ''), { cause: thrown })
      : acting === undefined ? thrown : withUsageLine(thrown, acting);
    const printed = describeError(error);
    stderr.write(json ? `${JSON.stringify({ error: printed })}\n` : formatErrorText(printed));
    return printed.exitStatus;
  }
};
