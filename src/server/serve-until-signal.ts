import type { EventEmitter } from 'node:events';
import { describeError } from '../errors/format-error.js';
import { RootcastError } from '../errors/rootcast-error.js';
import type { RunningServer } from './start-server.js';

/** Where SIGHUP/SIGTERM/SIGINT come from: `process` in production, a plain EventEmitter in tests. */
export type SignalSource = Pick<EventEmitter, 'on' | 'off'>;

/**
 * Runs until SIGTERM/SIGINT (resolves after a clean stop) or until the rsync daemon cannot be kept alive
 * (rejects after stopping). SIGHUP reloads the fleet; a failed reload keeps the old one and says why.
 */
export const serveUntilSignalled = (server: RunningServer, signals: SignalSource, log: (line: string) => void, fatal: Promise<string>): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    let stopping = false;
    const finish = (error?: RootcastError): void => {
      if (stopping) return;
      stopping = true;
      signals.off('SIGHUP', onHangup).off('SIGTERM', onStop).off('SIGINT', onStop);
      server.stop().then(
        () => (error === undefined ? resolve() : reject(error)),
        (stopError: unknown) => reject(stopError),
      );
    };
    const onHangup = (): void => {
      log('SIGHUP: reloading the inventory');
      void server.reload().then((outcome) => {
        if (outcome.ok) log(`reloaded: ${outcome.hosts} host(s); rsyncd.conf and secrets rewritten`);
        else {
          const printed = describeError(outcome.error);
          log(`reload failed, still serving the previous inventory: ${printed.message}${printed.details.map((line) => `\n  ${line}`).join('')}`);
        }
      });
    };
    const onStop = (signal: NodeJS.Signals): void => {
      log(`${signal}: stopping`);
      finish();
    };
    signals.on('SIGHUP', onHangup).on('SIGTERM', onStop).on('SIGINT', onStop);
    void fatal.then((reason) => finish(new RootcastError('UNAVAILABLE', reason, { hint: 'see the rsync daemon log under <home>/run/rsyncd.log' })));
  });
