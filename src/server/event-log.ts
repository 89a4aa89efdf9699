import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HomePaths } from '../home/paths.js';
import { hostStateLayout } from '../state/layout.js';
import type { RunnerEvent } from '../protocol/deploy-protocol.js';

/** A runner event as stored: what the runner sent plus when the server received it (server clock). */
export type StoredEvent = RunnerEvent & { receivedAt: string };

export interface EventLog {
  append(host: string, event: StoredEvent): Promise<void>;
  /** The newest `limit` events, oldest first; a torn last line (crash mid-append) is skipped. */
  list(host: string, limit?: number): Promise<StoredEvent[]>;
}

export const eventLogFile = (paths: HomePaths, host: string): string => hostStateLayout(paths).eventLogFile(host);

/** @default 1000 events per listing */
export const defaultEventListLimit = 1000;

/** Appends are serialised per host so concurrent POSTs never interleave inside one line. */
export const openEventLog = (paths: HomePaths): EventLog => {
  const queues = new Map<string, Promise<void>>();
  return {
    append: (host, event) => {
      const file = eventLogFile(paths, host);
      const previous = queues.get(host) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(async () => {
        await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
        await appendFile(file, `${JSON.stringify(event)}\n`, { mode: 0o600 });
      });
      queues.set(host, next);
      return next;
    },
    list: async (host, limit = defaultEventListLimit) => {
      let text: string;
      try {
        text = await readFile(eventLogFile(paths, host), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const events = text.split('\n').flatMap((line) => {
        try {
          return line === '' ? [] : [JSON.parse(line) as StoredEvent];
        } catch {
          return [];
        }
      });
      return events.slice(-limit);
    },
  };
};
