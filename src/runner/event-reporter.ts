import type { RunnerEvent } from '../protocol/deploy-protocol.js';
import type { ServerApi } from './server-api.js';
import { formatEventLine } from './events.js';
import type { InstallLog } from './install-log.js';

export interface EventReporter {
  /** Logs the event at once and queues it for the server; never waits for the network. */
  report(event: RunnerEvent): void;
  /** Waits for queued deliveries, at most `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
}

export interface EventReporterDeps {
  api: Pick<ServerApi, 'postEvent'>;
  log: InstallLog;
  stderr: { write(text: string): unknown };
  /** Progress events are dropped (not queued) while this many deliveries are pending. @default 4 */
  maxBacklog?: number;
}

/**
 * Events go out one at a time in order (the server sees phases in order); delivery failures are
 * logged locally and never fail or stall the deploy.
 */
export const createEventReporter = (deps: EventReporterDeps): EventReporter => {
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let undeliveredNoted = false;
  const maxBacklog = deps.maxBacklog ?? 4;
  const deliver = async (event: RunnerEvent): Promise<void> => {
    const failure = await deps.api.postEvent(event);
    pending -= 1;
    if (failure !== undefined && !undeliveredNoted) {
      undeliveredNoted = true;
      deps.log.write(`events: the server did not take an event (${failure}); the deploy goes on, this log has every event`);
    }
  };
  return {
    report: (event) => {
      const line = formatEventLine(event);
      deps.stderr.write(`${line}\n`);
      deps.log.write(line);
      if (event.status === 'progress' && pending >= maxBacklog) return;
      pending += 1;
      chain = chain.then(() => deliver(event));
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
