import type { Command } from '@commander-js/extra-typings';
import type { ContextSeed } from '../context.js';

/** Placeholder until the group commands land. */
export const registerGroupCommands = (program: Command, seed: ContextSeed): void => {
  void program;
  void seed;
};
