import { RootcastError } from '../errors/rootcast-error.js';

/** A spawn that failed with ENOENT: the program is not there, which the user fixes by installing it. */
export const programMissingError = (command: string, hint: string): RootcastError =>
  new RootcastError('UNAVAILABLE', `${command} is not installed or not on PATH`, { hint });
