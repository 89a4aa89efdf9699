import { ExitStatus } from './codes.js';
import { isRootcastError } from './rootcast-error.js';

export interface PrintedError {
  code: string;
  exitStatus: number;
  message: string;
  hint?: string;
  details: readonly string[];
}

/** Turns anything thrown into what the CLI prints; unknown throwables are internal errors. */
export const describeError = (error: unknown): PrintedError => {
  if (isRootcastError(error)) {
    return {
      code: error.code,
      exitStatus: error.exitStatus,
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      details: error.details,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    exitStatus: ExitStatus.software,
    message: `internal error: ${message}`,
    hint: 'this is a bug in rootcast; please report it with the command you ran',
    details: error instanceof Error && error.stack !== undefined ? error.stack.split('\n').slice(1, 6) : [],
  };
};

/** A usage error without a hint gets `hint` (the bundle's pointer to its --help; the CLI gives its usage line). */
export const withUsageHint = (printed: PrintedError, hint: string): PrintedError =>
  printed.code === 'USAGE' && printed.hint === undefined ? { ...printed, hint } : printed;

export const formatErrorText = (printed: PrintedError): string => {
  const lines = [`rootcast: error [${printed.code}]: ${printed.message}`];
  for (const detail of printed.details) lines.push(`  ${detail}`);
  if (printed.hint !== undefined) lines.push(`  hint: ${printed.hint}`);
  return `${lines.join('\n')}\n`;
};
