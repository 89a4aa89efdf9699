import { exitStatusByCode, type ErrorCode, type ExitStatusValue } from './codes.js';

export interface RootcastErrorOptions {
  /** What the user can do next; printed on its own line. */
  hint?: string;
  /** Extra lines (e.g. every inventory error, a subprocess's stderr tail). */
  details?: readonly string[];
  cause?: unknown;
}

/** The one error type commands throw for anything the user can act on. */
export class RootcastError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: RootcastErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RootcastError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }

  get exitStatus(): ExitStatusValue {
    return exitStatusByCode[this.code];
  }
}

export const isRootcastError = (value: unknown): value is RootcastError => value instanceof RootcastError;
