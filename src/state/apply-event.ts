import type { HostEvent, HostEventKind, HostEventOf, StoredEvent } from '../protocol/host-event.js';
import { currentInstall, type HostState, type HostStatus, type InstallSummary, type PhaseSpan, type TimelinePhase } from './host-status.js';

/** How many event ids a host remembers for recognising retried posts. */
export const rememberedEventIds = 256;

const finished = (summary: InstallSummary): boolean => summary.state === 'done' || summary.state === 'booted' || summary.state === 'failed';
const hasSpan = (summary: InstallSummary, phase: TimelinePhase): boolean => summary.spans.some((span) => span.phase === phase);
const runnerBegan = (summary: InstallSummary): boolean => summary.run !== undefined || summary.spans.some((span) => span.phase !== 'installer');

/**
 * Whether an event starts a new install rather than joining the current one (pure). An answer file
 * always does; the installer and the runner join an install that has not got that far yet; a runner
 * event of another run (a re-run) starts its own.
 */
const opensInstall: { [K in HostEventKind]: (current: InstallSummary, event: HostEventOf<K>) => boolean } = {
  'answer-file-served': () => true,
  'installer-started': (current) => finished(current) || hasSpan(current, 'installer') || runnerBegan(current),
  'runner-started': (current, event) => finished(current) || runnerBegan(current) || (current.run !== undefined && current.run !== event.run),
  phase: (current, event) => (event.run !== undefined && current.run !== undefined && current.run !== event.run) || (current.run === undefined && finished(current)),
  // The installer's or the bootstrap's failure ends the install it belongs to (after the runner's own, when that failed first).
  failed: () => false,
  booted: () => false,
};

/** The install an event belongs to: the current one, or the next number (pure). */
export const installForEvent = (status: HostStatus, event: HostEvent): number => {
  const current = currentInstall(status);
  if (current === undefined) return 1;
  const opens = (opensInstall[event.kind] as (current: InstallSummary, event: HostEvent) => boolean)(current, event);
  return opens ? current.install + 1 : current.install;
};

const endSpans = (spans: readonly PhaseSpan[], at: string, result: PhaseSpan['result'], only?: TimelinePhase): PhaseSpan[] =>
  spans.map((span) => (span.result === 'running' && (only === undefined || span.phase === only) ? { ...span, end: at, result } : span));

const startSpan = (spans: readonly PhaseSpan[], phase: TimelinePhase, at: string): PhaseSpan[] => [...endSpans(spans, at, 'succeeded'), { phase, start: at, result: 'running' }];

/** Installing or updating, unless the install already ended (cleanup events follow a failure). */
const active = (summary: InstallSummary): HostState => (finished(summary) ? summary.state : summary.via === 'install' ? 'installing' : 'updating');

const withoutProgress = ({ percent: _percent, bytes: _bytes, rate: _rate, ...rest }: InstallSummary): InstallSummary => rest;

type Apply<K extends HostEventKind> = (summary: InstallSummary, event: StoredEvent & HostEventOf<K>) => InstallSummary;

const applyPhase: Apply<'phase'> = (summary, event) => {
  const at = event.receivedAt;
  const base = { ...summary, phase: event.phase, ...(event.run === undefined ? {} : { run: event.run }), ...(event.message === undefined ? {} : { message: event.message }) };
  const numbers = { ...(event.percent === undefined ? {} : { percent: event.percent }), ...(event.bytes === undefined ? {} : { bytes: event.bytes }), ...(event.rate === undefined ? {} : { rate: event.rate }) };
  if (event.phase === 'done') {
    if (event.status !== 'succeeded') return { ...base, state: event.status === 'failed' ? 'failed' : summary.state };
    return { ...withoutProgress(base), state: 'done', endedAt: at, phase: 'reboot', spans: startSpan(summary.spans, 'reboot', at) };
  }
  const phase = event.phase;
  switch (event.status) {
    case 'started':
      return { ...withoutProgress(base), ...numbers, state: active(summary), spans: startSpan(summary.spans, phase, at) };
    case 'progress':
      return { ...base, ...numbers, state: active(summary), spans: hasSpan(summary, phase) ? summary.spans : startSpan(summary.spans, phase, at) };
    case 'succeeded':
    case 'skipped': {
      const { rate: _rate, ...rest } = base;
      return { ...rest, ...numbers, spans: endSpans(summary.spans, at, event.status, phase) };
    }
    case 'failed':
      return {
        ...withoutProgress(base),
        state: 'failed',
        endedAt: at,
        failure: { phase, reason: event.message ?? `${phase} failed`, log: event.log ?? [], at },
        spans: endSpans(summary.spans, at, 'failed', phase),
      };
  }
};

/** What each kind of event does to its install's summary (pure); serve's clock times everything. */
const appliers: { [K in HostEventKind]: Apply<K> } = {
  'answer-file-served': (summary, event) => ({ ...summary, state: 'waiting', phase: 'answer-file', answer: { kind: event.answer, client: event.client, generation: event.generation } }),
  'installer-started': (summary, event) => ({ ...summary, state: 'installing', phase: 'installer', spans: startSpan(summary.spans, 'installer', event.receivedAt) }),
  'runner-started': (summary, event) => ({
    ...summary,
    via: event.via ?? summary.via,
    state: (event.via ?? 'install') === 'install' ? 'installing' : 'updating',
    phase: 'runner',
    ...(event.run === undefined ? {} : { run: event.run }),
    ...(event.ref === undefined ? {} : { ref: event.ref }),
    ...(event.message === undefined ? {} : { message: event.message }),
    spans: endSpans(summary.spans, event.receivedAt, 'succeeded', 'installer'),
  }),
  phase: applyPhase,
  // The first failure is the one to show: the runner's own, when it reported before the bootstrap or installer saw it exit.
  failed: (summary, event) =>
    summary.state === 'failed'
      ? summary
      : {
          ...withoutProgress(summary),
          state: 'failed',
          phase: event.stage,
          message: event.message,
          endedAt: event.receivedAt,
          failure: { phase: event.stage, reason: event.message, log: event.log ?? [], at: event.receivedAt },
          spans: endSpans(summary.spans, event.receivedAt, 'failed'),
        },
  booted: (summary, event) =>
    summary.state === 'done'
      ? { ...summary, state: 'booted', phase: 'reboot', message: event.message ?? 'booted', spans: endSpans(summary.spans, event.receivedAt, 'succeeded', 'reboot') }
      : { ...summary, message: event.message ?? 'booted' },
};

const newInstall = (event: StoredEvent): InstallSummary => ({
  install: event.install,
  via: event.kind === 'runner-started' ? (event.via ?? 'install') : 'install',
  state: 'waiting',
  startedAt: event.receivedAt,
  lastEventAt: event.receivedAt,
  spans: [],
});

/**
 * Folds one stored event into the host's status (pure): into its install's summary (a new one when
 * `event.install` is new), keeping at most `keepInstalls` summaries.
 */
export const applyStoredEvent = (status: HostStatus, event: StoredEvent, keepInstalls: number): HostStatus => {
  const current = currentInstall(status);
  const opening = current === undefined || event.install > current.install;
  const target = opening ? newInstall(event) : current;
  const apply = appliers[event.kind] as (summary: InstallSummary, event: StoredEvent) => InstallSummary;
  const updated = { ...apply(target, event), lastEventAt: event.receivedAt };
  const rest = opening ? status.installs : status.installs.slice(1);
  return {
    ...status,
    seq: Math.max(status.seq, event.seq),
    installs: [updated, ...rest].slice(0, keepInstalls),
    recentIds: [...status.recentIds, event.id].slice(-rememberedEventIds),
  };
};
