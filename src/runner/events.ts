import type { RunnerEvent, RunnerEventStatus, RunnerPhase } from '../protocol/deploy-protocol.js';
import { formatBytes } from '../text/format.js';

export interface EventDetails {
  percent?: number;
  bytes?: number;
  rate?: number;
  message?: string;
}

export const maxMessageLength = 4096;

/** Builds the wire event; undefined details are left out so the JSON stays small. */
export const buildEvent = (host: string, phase: RunnerPhase, status: RunnerEventStatus, at: Date, details: EventDetails = {}, run?: string): RunnerEvent => ({
  host,
  ...(run === undefined ? {} : { run }),
  phase,
  status,
  at: at.toISOString(),
  ...(details.percent === undefined ? {} : { percent: details.percent }),
  ...(details.bytes === undefined ? {} : { bytes: details.bytes }),
  ...(details.rate === undefined ? {} : { rate: details.rate }),
  // The server refuses messages over 4096 characters; a long stderr must not cost the event.
  ...(details.message === undefined ? {} : { message: details.message.slice(0, maxMessageLength) }),
});

/** One log/terminal line: "2025-01-01T10:00:00.000Z sync-image progress 45% 1.2 GiB 80.0 MiB/s". */
export const formatEventLine = (event: RunnerEvent): string =>
  [
    event.at,
    event.phase,
    event.status,
    event.percent === undefined ? undefined : `${event.percent}%`,
    event.bytes === undefined ? undefined : formatBytes(event.bytes),
    event.rate === undefined ? undefined : `${formatBytes(event.rate)}/s`,
    event.message,
  ]
    .filter((part): part is string => part !== undefined)
    .join(' ');
