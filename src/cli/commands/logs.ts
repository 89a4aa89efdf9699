import type { Command } from '@commander-js/extra-typings';
import { RootcastError } from '../../errors/rootcast-error.js';
import { hostNameProblem } from '../../inventory/names.js';
import { formatEventLines } from '../../monitor/event-line.js';
import type { StoredEvent } from '../../protocol/host-event.js';
import { readHostStatus } from '../../state/event-read.js';
import { listEventSegments, streamEvents, type EventSegment } from '../../state/event-segments.js';
import { buildContext, type CommandContext } from '../context.js';
import { loadFleetHosts, type InterruptSource, type StatusSeed } from './status.js';

const pollMs = 500;

const printEvent = (ctx: CommandContext, event: StoredEvent): void => {
  ctx.stdout.write(ctx.json ? `${JSON.stringify(event)}\n` : formatEventLines(event).map((line) => `${line}\n`).join(''));
};

/** Prints a log from `offset` (streamed) and returns where it stopped (a torn last line is left for later). */
const printFrom = async (ctx: CommandContext, segment: EventSegment, offset: number): Promise<number> => {
  let end = offset;
  for await (const { event, end: next } of streamEvents(segment.file, offset)) {
    printEvent(ctx, event);
    end = next;
  }
  return end;
};

const header = (ctx: CommandContext, host: string, segment: EventSegment, kept: readonly EventSegment[]): void => {
  if (!ctx.json) ctx.stdout.write(`# ${host}: install #${segment.install} (kept: ${kept.map((each) => `#${each.install}`).join(', ')})\n`);
};

/** Keeps printing what is appended, moving on to a newer install's log when one starts, until Ctrl-C. */
const follow = async (ctx: CommandContext, host: string, segment: EventSegment, offset: number, signals: InterruptSource): Promise<void> => {
  let stopped = false;
  let wake: () => void = () => undefined;
  const stop = (): void => {
    stopped = true;
    wake();
  };
  signals.once('SIGINT', stop);
  try {
    let current = segment;
    let position = offset;
    while (!stopped) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, pollMs);
      });
      position = await printFrom(ctx, current, position);
      const newer = (await listEventSegments(ctx.paths, host)).find((each) => each.install > current.install);
      if (newer !== undefined) {
        current = newer;
        position = 0;
        header(ctx, host, current, await listEventSegments(ctx.paths, host));
      }
    }
  } finally {
    signals.off('SIGINT', stop);
  }
};

/** `rootcast logs HOST [--install N] [--follow]`: one install's event timeline with the log lines failures carried. */
export const registerLogsCommand = (program: Command, seed: StatusSeed): void => {
  program
    .command('logs')
    .description("a host's event timeline and the log lines its failures carried (newest install, or --install N)")
    .argument('<host>', 'host name')
    .option('--install <n>', 'which install (numbers as "rootcast status --json" and the dashboard show them)')
    .option('--follow', 'keep printing new events until Ctrl-C (and the next install\'s)')
    .addHelpText('after', '\n--json prints one stored event per line. See docs/monitor.md.')
    .action(async (host, options, command) => {
      const ctx = buildContext(command, seed);
      const problem = hostNameProblem(host);
      if (problem !== undefined) throw new RootcastError('USAGE', problem);
      if (options.install !== undefined && !/^[1-9]\d{0,14}$/.test(options.install)) {
        throw new RootcastError('USAGE', `--install "${options.install}" is not an install number (1, 2, ...)`);
      }
      const segments = await listEventSegments(ctx.paths, host);
      if (segments.length === 0) {
        const { hosts, file } = await loadFleetHosts(ctx);
        if (!hosts.some((each) => each.name === host)) throw new RootcastError('NOT_FOUND', `host "${host}" is not in the inventory ${file} and has no events`, { hint: 'run "rootcast host list" to see the hosts' });
        if (!ctx.json) ctx.stdout.write(`# ${host}: no events recorded yet\n`);
        if (options.follow !== true) return;
      }
      const wanted = options.install === undefined ? segments.at(-1) : segments.find((each) => each.install === Number(options.install));
      if (options.install !== undefined && wanted === undefined) {
        const removed = (await readHostStatus(ctx.paths, host)).installs.some((summary) => summary.install === Number(options.install) && summary.logRemoved === true);
        throw new RootcastError('NOT_FOUND', `host ${host} has no log of install #${options.install}${removed ? ' (removed to keep the host under its byte cap)' : ''}`, {
          hint: `kept: ${segments.map((each) => `#${each.install}`).join(', ') || 'none'}`,
        });
      }
      // No log yet: follow from "install 0", so the first install's log is picked up when it appears.
      const start = wanted ?? { install: 0, file: '', bytes: 0 };
      if (wanted !== undefined) header(ctx, host, wanted, segments);
      const end = wanted === undefined ? 0 : await printFrom(ctx, wanted, 0);
      if (options.follow === true) {
        await follow(ctx, host, start, end, seed.signals ?? process);
      }
    });
};
