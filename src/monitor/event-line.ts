import type { HostEventKind, HostEventOf, StoredEvent } from '../protocol/host-event.js';
import { formatBytes } from '../text/format.js';

type Describe<K extends HostEventKind> = (event: HostEventOf<K> & StoredEvent) => string;

const phaseText: Describe<'phase'> = (event) =>
  [
    event.phase,
    event.status,
    event.percent === undefined ? undefined : `${Math.floor(event.percent)}%`,
    event.bytes === undefined ? undefined : formatBytes(event.bytes),
    event.rate === undefined ? undefined : `${formatBytes(Math.round(event.rate))}/s`,
    event.message === undefined ? undefined : `${event.status === 'failed' ? '— ' : ''}${event.message}`,
  ]
    .filter((part): part is string => part !== undefined)
    .join(' ');

/** One phrase per kind of event (a new kind does not compile without its text). */
const describers: { [K in HostEventKind]: Describe<K> } = {
  'answer-file-served': (event) => `answer file (${event.answer}) served to ${event.client}, install token generation ${event.generation}`,
  'installer-started': (event) => `installer started${event.installer === undefined ? '' : ` (${event.installer})`}${event.from === undefined ? '' : ` at ${event.from}`}`,
  'runner-started': (event) =>
    `runner started: ${event.via ?? 'install'}${event.ref === undefined ? '' : ` of ${event.ref}`}${event.run === undefined ? '' : ` (run ${event.run})`}${event.message === undefined ? '' : ` ${event.message}`}`,
  phase: phaseText,
  failed: (event) => `${event.stage} failed${event.exitCode === undefined ? '' : ` (exit ${event.exitCode})`} — ${event.message}`,
  booted: (event) => `booted${event.message === undefined || event.message === 'booted' ? '' : `: ${event.message}`}`,
};

/** What an event says, in words (pure). */
export const describeEvent = (event: StoredEvent): string => (describers[event.kind] as (event: StoredEvent) => string)(event);

/** One line of `rootcast logs` (serve's clock): "2026-01-02T03:04:05.000Z #12 sync-image progress 45% …". */
export const formatEventLine = (event: StoredEvent): string => `${event.receivedAt} #${event.seq} ${describeEvent(event)}`;

/** The event's line, then the log lines a failure carried, indented. */
export const formatEventLines = (event: StoredEvent): string[] => [
  formatEventLine(event),
  ...(event.kind === 'phase' || event.kind === 'failed' ? (event.log ?? []).map((line) => `    | ${line}`) : []),
];
