import type { Command } from '@commander-js/extra-typings';
import type { ContextSeed } from '../context.js';

/** Placeholder until the inventory commands land. */
export const registerInventoryCommands = (program: Command, seed: ContextSeed): void => {
  void program;
  void seed;
};
