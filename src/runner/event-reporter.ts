import type { PhaseEvent, RunnerEvent } from '../protocol/host-event.js';
import type { ServerApi } from './server-api.js';
import { buildEvent, buildRunnerStarted, fitLogLines, formatEventLine } from './events.js';
import type { InstallLog } from './install-log.js';
import { createLineTail } from './line-tail.js';

export interface EventReporter {
  /** Logs the event at once and queues it for the server; never waits for the network. */
  report(event: RunnerEvent): void;
  /** Waits for queued deliveries, at most `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
}

export interface EventReporterDeps {
  api: Pick<ServerApi, 'postEvent'>;
  /** Every event's line goes here (the install log, or an update's own lines). */
  log: Pick<InstallLog, 'write'>;
  /** Every event's line is echoed here too. @default nowhere */
  stderr?: { write(text: string): unknown };
  /** Progress events are dropped (not queued) while this many deliveries are pending. @default 4 */
  maxBacklog?: number;
  /** A running phase silent this long gets a progress event (no numbers), so serve hears from it at least every 2 s. @default 1750 */
  heartbeatMs?: number;
  /** @default () => new Date() */
  now?: () => Date;
  /** Lines of the install log a failure should carry besides the events (newest last). @default the reporter's own lines */
  recentLines?: () => readonly string[];
}

/** Log lines a failed event carries. */
const tailLines = 20;

const running = (event: RunnerEvent | undefined): event is PhaseEvent =>
  event?.kind === 'phase' && event.phase !== 'done' && (event.status === 'started' || event.status === 'progress');

/**
 * Events go out one at a time in order (the server sees phases in order), each with its own id so a
 * retried post is stored once. The first event is `runner-started` (made when the caller did not report
 * one); a failure carries the last log lines; a running phase is heard from at least every 2 s.
 * Delivery failures are logged locally and never fail or stall the deploy or update.
 */
export const createEventReporter = (deps: EventReporterDeps): EventReporter => {
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let undeliveredNoted = false;
  let started = false;
  let last: RunnerEvent | undefined;
  let lastSentMs = 0;
  const tail = createLineTail(tailLines);
  const maxBacklog = deps.maxBacklog ?? 4;
  const heartbeatMs = deps.heartbeatMs ?? 1750;
  const now = deps.now ?? (() => new Date());
  const deliver = async (event: RunnerEvent): Promise<void> => {
    const failure = await deps.api.postEvent(event);
    pending -= 1;
    if (failure !== undefined && !undeliveredNoted) {
      undeliveredNoted = true;
      deps.log.write(`events: the server did not take an event (${failure}); the deploy goes on, this log has every event`);
    }
  };
  const send = (event: RunnerEvent): void => {
    if (event.kind === 'phase' && event.status === 'progress' && pending >= maxBacklog) return;
    pending += 1;
    lastSentMs = now().getTime();
    chain = chain.then(() => deliver(event));
  };
  const heartbeat = setInterval(() => {
    if (!running(last) || now().getTime() - lastSentMs < heartbeatMs) return;
    send(buildEvent(last.host, last.phase, 'progress', now(), {}, last.run));
  }, Math.max(50, Math.floor(heartbeatMs / 7)));
  heartbeat.unref();
  const note = (event: RunnerEvent): void => {
    const line = formatEventLine(event);
    deps.stderr?.write(`${line}\n`);
    deps.log.write(line);
    tail.push(line);
  };
  return {
    report: (reported) => {
      let event = reported;
      // An update reports its own runner-started (via update or push); a deploy gets one made for it.
      if (!started && event.kind !== 'runner-started') {
        const runnerStarted = buildRunnerStarted(event.host, new Date(event.at), event.run);
        note(runnerStarted);
        send(runnerStarted);
      }
      started = true;
      if (event.kind === 'phase' && event.status === 'failed' && event.log === undefined) {
        event = { ...event, log: fitLogLines(deps.recentLines?.() ?? tail.lines()) };
      }
      note(event);
      last = event;
      if (event.kind === 'phase' && event.phase === 'done') clearInterval(heartbeat);
      send(event);
    },
    flush: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([chain, timeout]);
      clearTimeout(timer);
    },
  };
};
