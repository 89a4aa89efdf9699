import type { Command } from '@commander-js/extra-typings';
import type { ContextSeed } from '../context.js';

/** Placeholder until the image commands land. */
export const registerImageCommands = (program: Command, seed: ContextSeed): void => {
  void program;
  void seed;
};
