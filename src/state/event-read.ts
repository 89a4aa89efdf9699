import { readFile } from 'node:fs/promises';
import type { StoredEvent } from '../protocol/host-event.js';
import type { HomePaths } from '../home/paths.js';
import { applyStoredEvent } from './apply-event.js';
import { listEventSegments, streamEvents, type EventSegment } from './event-segments.js';
import { currentInstall, emptyHostStatus, hostStatusSchema, type HostStatus } from './host-status.js';
import { hostStateLayout } from './layout.js';
import { defaultEventRetention } from './event-retention.js';

/** The checkpoint, or undefined when there is none or it is damaged (the logs are replayed instead). */
const readCheckpoint = async (paths: HomePaths, host: string): Promise<HostStatus | undefined> => {
  const text = await readFile(hostStateLayout(paths).statusFile(host), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = hostStatusSchema.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.host === host ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

export interface ReplayedStatus {
  status: HostStatus;
  segments: EventSegment[];
  /** The newest segment's complete length (a torn tail starts there). */
  completeBytes: number;
}

/**
 * The host's status: its checkpoint, plus every event logged after it (the rest of the newest
 * install's log, and any newer install's), streamed, never the whole history.
 */
export const replayHostStatus = async (paths: HomePaths, host: string, keep?: number): Promise<ReplayedStatus> => {
  const segments = await listEventSegments(paths, host);
  const checkpoint = await readCheckpoint(paths, host);
  const keepInstalls = keep ?? checkpoint?.keepInstalls ?? defaultEventRetention.keepInstalls;
  let status = checkpoint ?? emptyHostStatus(host);
  const checkpointed = currentInstall(status)?.install ?? 0;
  let completeBytes = status.logBytes;
  for (const segment of segments) {
    if (segment.install < checkpointed) continue;
    let offset = segment.install === checkpointed ? status.logBytes : 0;
    for await (const { event, end } of streamEvents(segment.file, offset)) {
      if (event.seq > status.seq) status = applyStoredEvent(status, event, keepInstalls);
      offset = end;
    }
    status = { ...status, logBytes: offset };
    completeBytes = offset;
  }
  return { status, segments, completeBytes };
};

/** What `rootcast status` and the dashboard show for one host (read-only). */
export const readHostStatus = async (paths: HomePaths, host: string): Promise<HostStatus> => (await replayHostStatus(paths, host)).status;

export interface EventPageQuery {
  /** @default the newest install on disk */
  install?: number;
  /** Only events with a larger sequence number. @default 0 */
  after?: number;
  /** @default 1000 */
  limit?: number;
}

export interface EventPage {
  host: string;
  /** The install listed, or null when the host has no log. */
  install: number | null;
  /** Installs whose logs are on disk, oldest first. */
  installs: number[];
  events: StoredEvent[];
  /** More events follow the last one listed (ask again with `after` = its seq). */
  more: boolean;
}

export const maxEventPage = 1000;

/** One page of an install's events, oldest first, streamed from its log. */
export const readEventPage = async (paths: HomePaths, host: string, query: EventPageQuery = {}): Promise<EventPage> => {
  const segments = await listEventSegments(paths, host);
  const installs = segments.map((segment) => segment.install);
  const install = query.install ?? installs.at(-1);
  const segment = segments.find((candidate) => candidate.install === install);
  const limit = Math.min(query.limit ?? maxEventPage, maxEventPage);
  const events: StoredEvent[] = [];
  let more = false;
  if (segment !== undefined) {
    for await (const { event } of streamEvents(segment.file)) {
      if (event.seq <= (query.after ?? 0)) continue;
      if (events.length === limit) {
        more = true;
        break;
      }
      events.push(event);
    }
  }
  return { host, install: segment === undefined ? null : segment.install, installs, events, more };
};
