import { CommanderError } from 'commander';
import { ExitStatus } from '../errors/codes.js';
import { describeError, formatErrorText } from '../errors/format-error.js';
import type { ContextSeed, OutputStream } from './context.js';
import { buildProgram } from './program.js';

/** Runs one rootcast invocation and returns its exit status; every error is printed here and only here. */
export const runCli = async (argv: readonly string[], seed: ContextSeed = {}): Promise<number> => {
  const stderr: OutputStream = seed.stderr ?? process.stderr;
  const json = argv.includes('--json');
  const program = buildProgram(seed);
  program.exitOverride();
  program.configureOutput({
    writeOut: (text) => (seed.stdout ?? process.stdout).write(text),
    writeErr: (text) => stderr.write(text),
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitStatus.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message (or the help text) to stderr/stdout.
      return error.exitCode === 0 ? ExitStatus.ok : ExitStatus.usage;
    }
    const printed = describeError(error);
    stderr.write(json ? `${JSON.stringify({ error: printed })}\n` : formatErrorText(printed));
    return printed.exitStatus;
  }
};
