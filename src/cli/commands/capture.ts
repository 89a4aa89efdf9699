import type { Command } from '@commander-js/extra-typings';
import type { ContextSeed } from '../context.js';

/** Placeholder until the capture commands land. */
export const registerCaptureCommand = (program: Command, seed: ContextSeed): void => {
  void program;
  void seed;
};
