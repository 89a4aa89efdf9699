import type { Command } from '@commander-js/extra-typings';
import type { ContextSeed } from '../context.js';

/** Placeholder until the host commands land. */
export const registerHostCommands = (program: Command, seed: ContextSeed): void => {
  void program;
  void seed;
};
