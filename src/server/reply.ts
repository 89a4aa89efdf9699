import { basename } from 'node:path';
import { isRootcastError } from '../errors/rootcast-error.js';
import type { ErrorCode } from '../errors/codes.js';
import type { HomePaths } from '../home/paths.js';

/** What a handler returns; only http-server.ts turns it into bytes on a socket. */
export type Reply =
  | { kind: 'body'; status: number; contentType: string; body: string | Buffer; headers?: Record<string, string> }
  | {
      kind: 'file';
      contentType: string;
      path: string;
      size: number;
      range?: { start: number; end: number };
      headers?: Record<string, string>;
      /** Awaited before each chunk at `offset` is written (the web seed's pacing). */
      pace?: (offset: number, length: number) => Promise<void>;
    }
  | { kind: 'stream'; contentType: string; open: (write: (text: string) => void) => () => void };

/** A reply of HTML, or of one of the dashboard's fixed assets. */
export const htmlReply = (status: number, html: string): Reply => ({
  kind: 'body',
  status,
  contentType: 'text/html; charset=utf-8',
  body: html,
  headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" },
});

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

/**
 * HTTP status per error code. 409: the server's own data (inventory, image store) cannot produce the
 * answer for this well-formed request (a debian host's kickstart, a static host without its network);
 * the message says which setting to fix. Only unexpected failures are 500.
 */
const statusByCode = {
  USAGE: 400,
  INVALID_DATA: 409,
  INVENTORY_INVALID: 409,
  ALREADY_EXISTS: 409,
  IN_USE: 409,
  NOT_FOUND: 404,
  AUTH_FAILED: 403,
  PERMISSION: 403,
  HOST_KEY_MISMATCH: 403,
  HOST_KEY_UNKNOWN: 403,
  UNREACHABLE: 502,
  REMOTE_TOOL_MISSING: 502,
  UNAVAILABLE: 503,
  LOCKED: 503,
  TEMPORARY: 503,
  INTERRUPTED: 503,
  TIMEOUT: 504,
  NO_SPACE: 507,
  INTERNAL: 500,
  SUBPROCESS_FAILED: 500,
} as const satisfies Record<ErrorCode, number>;

export const httpStatusFor = (code: ErrorCode): number => statusByCode[code];

/** Where serve keeps its files: the home, and the inventory (under the home with --home, else in /etc/rootcast). */
export type ServerPaths = Pick<HomePaths, 'home' | 'inventoryFile'>;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * An HTTP body names no server path: a path under the home becomes home-relative ("images/web/2/manifest.json"),
 * the inventory its file name, the home itself "<home>". Only whole path components match (/srv/home2 is not /srv/home).
 */
export const hideServerPaths = (text: string, paths: ServerPaths): string => {
  const named = text.replace(new RegExp(`(?<![\\w.-])${escapeRegExp(paths.inventoryFile)}(?![\\w./-])`, 'g'), basename(paths.inventoryFile));
  return named.replace(new RegExp(`(?<![\\w./-])${escapeRegExp(paths.home.replace(/(.)\/+$/, '$1'))}(?:/+|(?![\\w.-]))`, 'g'), (match) => (match.endsWith('/') ? '' : '<home>'));
};

/** A RootcastError's message is written for users, so it may be shown (with its details and hint); anything else is answered by the caller's catch-all. */
export const replyForError = (error: unknown): Reply | undefined => {
  if (!isRootcastError(error)) return undefined;
  const status = httpStatusFor(error.code);
  // A 4xx's details name settings to fix; a 5xx's may be a subprocess's stderr (server paths), so they stay in the log.
  const details = status < 500 ? error.details.map((line) => `\n  ${line}`).join('') : '';
  const hint = error.hint === undefined ? '' : `\nhint: ${error.hint}`;
  return textReply(status, `${error.message}${details}${hint}`, status === 503 ? { 'retry-after': '10' } : undefined);
};

/**
 * Every error reply (status 400 and up, whoever wrote it) passes here on its way out: its server paths
 * hidden, and the text as written kept in `full` for serve's log when that changed anything.
 */
export const hidePathsInErrorReply = (reply: Reply, paths: ServerPaths): { reply: Reply; full?: string } => {
  if (reply.kind !== 'body' || reply.status < 400 || typeof reply.body !== 'string') return { reply };
  const shown = hideServerPaths(reply.body, paths);
  return shown === reply.body ? { reply } : { reply: { ...reply, body: shown }, full: reply.body };
};
