import { randomBytes } from 'node:crypto';
import type { RunnerEventStatus, RunnerPhase } from '../protocol/deploy-protocol.js';
import { hostEventLimits, hostEventSchemaVersion, type ImageTransfer, type PhaseEvent, type RunnerEvent, type RunnerStartedEvent } from '../protocol/host-event.js';
import { formatBytes } from '../text/format.js';

export interface EventDetails {
  percent?: number;
  bytes?: number;
  rate?: number;
  message?: string;
  /** The last lines of the log before a failure. */
  log?: readonly string[];
  /** The image pass's transport and byte sources (sync-image succeeded). */
  transfer?: ImageTransfer;
}

export const maxMessageLength = hostEventLimits.messageChars;

/** A new event id: unique per event, the same on every retry of its post (serve stores it once). */
export const newEventId = (): string => randomBytes(12).toString('hex');

/** The last log lines as the schema takes them: at most 50, each cut to 512 characters. */
export const fitLogLines = (lines: readonly string[]): string[] =>
  lines.slice(-hostEventLimits.logLines).map((line) => line.slice(0, hostEventLimits.logLineChars));

/** Builds the wire event; undefined details are left out so the JSON stays small. */
export const buildEvent = (host: string, phase: RunnerPhase, status: RunnerEventStatus, at: Date, details: EventDetails = {}, run?: string, id = newEventId()): PhaseEvent => ({
  v: hostEventSchemaVersion,
  kind: 'phase',
  id,
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
  ...(details.log === undefined || details.log.length === 0 ? {} : { log: fitLogLines(details.log) }),
  ...(details.transfer === undefined ? {} : { transfer: details.transfer }),
});

/** The first word of a run: the runner has its instructions and starts its plan. */
export const buildRunnerStarted = (host: string, at: Date, run?: string, id = newEventId()): RunnerStartedEvent => ({
  v: hostEventSchemaVersion,
  kind: 'runner-started',
  id,
  host,
  ...(run === undefined ? {} : { run }),
  at: at.toISOString(),
  via: 'install',
});

/** One log/terminal line: "2025-01-01T10:00:00.000Z sync-image progress 45% 1.2 GiB 80.0 MiB/s". */
export const formatEventLine = (event: RunnerEvent): string =>
  event.kind === 'runner-started'
    ? [event.at, 'runner started', event.run === undefined ? undefined : `(run ${event.run})`].filter((part): part is string => part !== undefined).join(' ')
    : [
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
