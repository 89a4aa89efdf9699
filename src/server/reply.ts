import { isRootcastError } from '../errors/rootcast-error.js';
import type { ErrorCode } from '../errors/codes.js';

/** What a handler returns; only http-server.ts turns it into bytes on a socket. */
export type Reply =
  | { kind: 'body'; status: number; contentType: string; body: string; headers?: Record<string, string> }
  | { kind: 'file'; contentType: string; path: string; size: number };

export const textReply = (status: number, text: string, headers?: Record<string, string>): Reply => ({
  kind: 'body',
  status,
  contentType: 'text/plain; charset=utf-8',
  body: text.endsWith('\n') ? text : `${text}\n`,
  ...(headers === undefined ? {} : { headers }),
});

export const jsonReply = (status: number, value: unknown): Reply => ({
  kind: 'body',
  status,
  contentType: 'application/json',
  body: `${JSON.stringify(value, null, 2)}\n`,
});

const statusByCode: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  AUTH_FAILED: 403,
  PERMISSION: 403,
  UNAVAILABLE: 503,
  LOCKED: 503,
  TEMPORARY: 503,
  INTERRUPTED: 503,
};

/** A RootcastError's message is written for users, so it may be shown; anything else is answered by the caller's catch-all. */
export const replyForError = (error: unknown): Reply | undefined => {
  if (!isRootcastError(error)) return undefined;
  const status = statusByCode[error.code] ?? 500;
  const hint = error.hint === undefined ? '' : `\nhint: ${error.hint}`;
  return textReply(status, `${error.message}${hint}`, status === 503 ? { 'retry-after': '10' } : undefined);
};
