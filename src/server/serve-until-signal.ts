import type { EventEmitter } from 'node:events';
import { describeError } from '../errors/format-error.js';
import type { RunningServer } from './start-server.js';

/** Where SIGHUP/SIGTERM/SIGINT come from: `process` in production, a plain EventEmitter in tests. */
export type SignalSource = Pick<EventEmitter, 'on' | 'off'>;

/** Runs until SIGTERM/SIGINT (resolves after a clean stop). SIGHUP reloads the inventory; a failed reload keeps the old one and says why. */
export const serveUntilSignalled = (server: RunningServer, signals: SignalSource, log: (line: string) => void): Promise<void> =>
  new Promise<void>((resolve, reject) => {
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
      signals.off('SIGHUP', onHangup).off('SIGTERM', onStop).off('SIGINT', onStop);
      server.stop().then(resolve, reject);
    };
    signals.on('SIGHUP', onHangup).on('SIGTERM', onStop).on('SIGINT', onStop);
  });
