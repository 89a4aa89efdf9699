import type { CommanderError } from 'commander';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { RootcastError, isRootcastError } from '../errors/rootcast-error.js';

/** `rootcast image list`: the words a user types to reach a command. */
export const commandPath = (command: CommandUnknownOpts): string => {
  const names: string[] = [];
  for (let current: CommandUnknownOpts | null = command; current !== null; current = current.parent) names.unshift(current.name());
  return names.join(' ');
};

/** `rootcast image list [options] [name]`, as commander's help prints it. */
export const usageLine = (command: CommandUnknownOpts): string => `${commandPath(command)} ${command.usage()}`;

/** commander's text without its "error: " prefix, its "Did you mean" suggestion kept on the same line. */
const usageMessage = (error: CommanderError, command: CommandUnknownOpts): string => {
  // commander answers a noun without a verb (and `help NOSUCH`) by printing help; say what is wrong instead.
  if (error.code === 'commander.help') {
    const path = commandPath(command);
    const verbs = command.commands.map((sub) => sub.name());
    const unknown = command.args.find((arg) => arg !== 'help' && !verbs.includes(arg));
    const problem = unknown === undefined ? 'needs a command' : `has no command '${unknown}'`;
    return `${path} ${problem}: ${verbs.join(', ')} (${path} --help describes them)`;
  }
  const message = error.message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  // Without a close match to suggest, list what exists.
  if (error.code === 'commander.unknownCommand' && !message.includes('Did you mean')) {
    return `${message} (commands: ${command.commands.map((sub) => sub.name()).join(', ')})`;
  }
  return message;
};

/** A commander usage error as the RootcastError main.ts prints: USAGE (64), with the command's usage line as the hint. */
export const toUsageError = (error: CommanderError, command: CommandUnknownOpts): RootcastError =>
  new RootcastError('USAGE', usageMessage(error, command), { hint: `usage: ${usageLine(command)}`, cause: error });

/**
 * A usage error a command's action raised (a bad option value, options that do not go together) in the
 * same shape as commander's: the command's usage line is the hint, and what the action said to do moves
 * into the details, first. Anything else passes through unchanged.
 */
export const withUsageLine = (error: unknown, command: CommandUnknownOpts): unknown => {
  if (!isRootcastError(error) || error.code !== 'USAGE') return error;
  const hint = `usage: ${usageLine(command)}`;
  if (error.hint === hint) return error;
  return new RootcastError('USAGE', error.message, { hint, details: [...(error.hint === undefined ? [] : [error.hint]), ...error.details], cause: error });
};

/**
 * Makes commander throw every usage error of `command` and its subcommands as a RootcastError and print
 * nothing itself, so errors have one printer (main.ts) and honour --json; help and --version (exit 0)
 * still print to `writeOut` and are thrown as commander's own error.
 */
export const routeUsageErrors = (command: CommandUnknownOpts, writeOut: (text: string) => void): void => {
  command.exitOverride((error) => {
    throw error.exitCode === 0 ? error : toUsageError(error, command);
  });
  // commander writes to stderr only for errors (and the help it shows after them): those are ours to print.
  command.configureOutput({ writeOut, writeErr: () => undefined, outputError: () => undefined });
  command.showHelpAfterError(false);
  for (const subcommand of command.commands) routeUsageErrors(subcommand, writeOut);
};
