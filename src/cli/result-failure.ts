/**
 * Thrown by a command that printed its results and must still exit 1 (push: a host failed; drift: a host
 * drifted). main.ts prints nothing more for it: the results already say which hosts and why.
 */
export class ResultFailure extends Error {
  readonly exitStatus = 1;
}
