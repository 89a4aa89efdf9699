import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hostEventLimits } from '../protocol/host-event.js';
import { createLineTail } from './line-tail.js';

/** The target-relative log every deploy appends to (a re-run adds to it, nothing is lost). */
export const installLogPath = '/var/log/rootcast/install.log';

export interface InstallLog {
  write(line: string): void;
  /** Starts writing to the target (buffered lines first); before that nothing on the target changes. */
  attach(target: string): void;
  /** This run's last lines (events, commands, rsync's and the boot loader's output), for a failed event. */
  recent(): string[];
}

/**
 * Lines are buffered until the target is known to be the right one (authenticated, mounted), so a
 * run refused at the door leaves the target untouched. Appends are synchronous: the last line
 * before a crash reaches the file.
 */
export const createInstallLog = (now: () => Date): InstallLog => {
  let file: string | undefined;
  const buffered: string[] = [];
  const tail = createLineTail(hostEventLimits.logLines);
  const append = (path: string, line: string): void => {
    try {
      appendFileSync(path, `${line}\n`);
    } catch {
      // A log that cannot be written must not fail the deploy; events still reach the server.
    }
  };
  return {
    write: (line) => {
      const stamped = /^\d{4}-\d\d-\d\dT/.test(line) ? line : `${now().toISOString()} ${line}`;
      tail.push(stamped);
      if (file === undefined) buffered.push(stamped);
      else append(file, stamped);
    },
    attach: (target) => {
      const path = join(target, installLogPath);
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o755 });
      file = path;
      for (const line of buffered.splice(0)) append(path, line);
    },
    recent: () => tail.lines(),
  };
};
