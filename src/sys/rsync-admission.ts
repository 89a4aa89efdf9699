/** How many rsync connections serve admits, and how long one may stay unauthenticated. */
export interface RsyncConnectionLimits {
  /** Connections one client address may hold at once (a deploy needs one). @default 4 */
  perClient: number;
  /** Connections in all. @default 64 */
  total: number;
  /** How long a connection may go without authenticating before it is closed. @default 10000 */
  preAuthMs: number;
}

export const defaultRsyncLimits: RsyncConnectionLimits = { perClient: 4, total: 64, preAuthMs: 10_000 };

export type Admission = { admit: true } | { admit: false; reason: string };

/** Pure: whether one more connection from `client` fits, given who holds connections now. */
export const admitConnection = (held: readonly string[], client: string, limits: RsyncConnectionLimits): Admission => {
  const fromClient = held.filter((address) => address === client).length;
  if (fromClient >= limits.perClient) return { admit: false, reason: `max connections (${limits.perClient} from your address) reached -- try again later` };
  if (held.length >= limits.total) return { admit: false, reason: `max connections (${limits.total}) reached -- try again later` };
  return { admit: true };
};

/**
 * What a refused client reads: the daemon greeting, then an @ERROR line. rsync clients print it and
 * exit 5; the runner retries on "max connections" (src/runner/rsync-exit.ts).
 */
export const refusalGreeting = (reason: string): string => `@RSYNCD: 31.0\n@ERROR: ${reason}\n`;

/** The PID of a daemon log line that says the connection authenticated (`[PID] rsync on MODULE from USER@HOST (IP)`). */
export const authenticatedPid = (line: string): number | undefined => {
  const match = /\[(\d+)\] rsync (?:on|to) \S+ from \S+@/.exec(line);
  return match === null ? undefined : Number(match[1]);
};
