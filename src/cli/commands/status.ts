import type { Command } from '@commander-js/extra-typings';
import type { EventEmitter } from 'node:events';
import { RootcastError } from '../../errors/rootcast-error.js';
import { loadInventory } from '../../inventory/load.js';
import { monitorSettingsOf } from '../../inventory/monitor-settings.js';
import { resolveHosts } from '../../inventory/resolve.js';
import type { Inventory } from '../../inventory/types.js';
import type { FleetHost } from '../../monitor/host-row.js';
import { selectFleetHosts } from '../../monitor/host-spec.js';
import { readFleet, type FleetReading } from '../../monitor/read-fleet.js';
import { readPxeNext, type PxeNextInputs } from '../../monitor/read-pxe-next.js';
import { loadAnswerFamilies } from './pxe-inputs.js';
import { defaultStallPolicy, type StallPolicy } from '../../monitor/stall.js';
import { clearScreen, formatStatusView, hideCursor, plainWatchLines, showCursor, type PlainWatchState } from '../../monitor/watch-frames.js';
import { buildContext, type CommandContext, type ContextSeed } from '../context.js';

/** Where Ctrl-C comes from: `process`, or an EventEmitter in tests. */
export type InterruptSource = Pick<EventEmitter, 'once' | 'off'>;

export interface StatusSeed extends ContextSeed {
  /** @default process */
  signals?: InterruptSource;
}

const parseSeconds = (text: string | undefined, option: string, fallback: number): number => {
  if (text === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0) throw new RootcastError('USAGE', `${option} "${text}" is not a positive number of seconds`);
  return Number(text);
};

/** The inventory's hosts as the monitor sees them, the file they came from, and the inventory itself. */
export const loadFleetHosts = async (ctx: CommandContext): Promise<{ hosts: FleetHost[]; file: string; inventory: Inventory }> => {
  const loaded = await loadInventory(ctx.paths, { mustExist: true });
  const inventory = loaded.validation.inventory;
  const hosts = resolveHosts(inventory).map((host) => ({ name: host.name, groups: host.groups, imageRef: host.image?.ref ?? '-' }));
  return { hosts, file: loaded.file, inventory };
};

/** With a `pxe:` block, what each host's next PXE boot is decided from (read once; the choices are read at every reading). */
const pxeNextInputsOf = async (inventory: Inventory): Promise<PxeNextInputs | undefined> =>
  inventory.pxe === undefined ? undefined : { hosts: resolveHosts(inventory), installers: inventory.pxe.installers ?? {}, families: await loadAnswerFamilies() };

/** Exit status: any selected host in state failed makes the command fail (65), after the table is printed. */
const failIfAnyFailed = (reading: FleetReading): void => {
  const failed = reading.rows.filter((row) => row.state === 'failed');
  if (failed.length === 0) return;
  throw new RootcastError('INVALID_DATA', `${failed.length} of ${reading.rows.length} selected host${reading.rows.length === 1 ? '' : 's'} failed: ${failed.map((row) => row.host).join(', ')}`, {
    hint: `"rootcast logs ${failed[0]?.host ?? 'HOST'}" shows what led there`,
  });
};

const waitOrInterrupt = (ms: number, interrupted: Promise<void>): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void interrupted.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Redraws until Ctrl-C: in place on a terminal, as time-stamped changes when piped, one JSON line per change with --json. */
const watch = async (ctx: CommandContext, read: () => Promise<FleetReading>, intervalMs: number, signals: InterruptSource): Promise<FleetReading> => {
  let stop: () => void = () => undefined;
  let stopped = false;
  const interrupted = new Promise<void>((resolve) => {
    stop = () => {
      stopped = true;
      resolve();
    };
  });
  signals.once('SIGINT', stop);
  const tty = ctx.stdout.isTTY === true && !ctx.json;
  let plain: PlainWatchState | undefined;
  let lastJson = '';
  let reading = await read();
  try {
    if (tty) ctx.stdout.write(hideCursor);
    while (!stopped) {
      if (ctx.json) {
        const line = JSON.stringify({ summary: reading.summary, hosts: reading.rows.map((row) => ({ ...row, ageSeconds: null })) });
        if (line !== lastJson) ctx.stdout.write(`${JSON.stringify({ at: ctx.now().toISOString(), summary: reading.summary, hosts: reading.rows })}\n`);
        lastJson = line;
      } else if (tty) {
        ctx.stdout.write(`${clearScreen}${formatStatusView(reading)}(every ${intervalMs / 1000} s; Ctrl-C to stop)\n`);
      } else {
        const lines = plainWatchLines(reading, plain, ctx.now());
        plain = lines.state;
        ctx.stdout.write(lines.text);
      }
      await waitOrInterrupt(intervalMs, interrupted);
      if (!stopped) reading = await read();
    }
  } finally {
    signals.off('SIGINT', stop);
    if (tty) ctx.stdout.write(showCursor);
  }
  return reading;
};

/** `rootcast status [HOSTSPEC...] [--watch]`: the fleet's installs from the state files under the home. */
export const registerStatusCommand = (program: Command, seed: StatusSeed): void => {
  program
    .command('status')
    .description('where each host stands: waiting, installing (phase, progress, rate, ETA), done, booted or failed')
    .argument('[hostspec...]', 'host names, ranges like web[01-03], @GROUP or all (comma-separated or several); default all')
    .option('--watch', 'redraw until Ctrl-C (in place on a terminal; changed hosts as lines when piped)')
    .option('--interval <seconds>', 'how often --watch reads the state (default 1)')
    .option('--stalled-after <seconds>', `flag a running host silent this long as stalled (default: the inventory's server.monitor.stalledAfter, else ${defaultStallPolicy.runnerMs / 1000})`)
    .addHelpText('after', '\nExits 65 when any selected host failed (after printing). Reads <home>/state directly: run it where serve runs. See docs/monitor.md.')
    .action(async (specs, options, command) => {
      const ctx = buildContext(command, seed);
      const intervalMs = parseSeconds(options.interval, '--interval', 1) * 1000;
      const stalledAfterMs = options.stalledAfter === undefined ? undefined : parseSeconds(options.stalledAfter, '--stalled-after', 0) * 1000;
      const { hosts, file, inventory } = await loadFleetHosts(ctx);
      // The inventory's server.monitor thresholds, as serve's dashboard uses them; --stalled-after over them.
      const stall: StallPolicy = { ...defaultStallPolicy, ...monitorSettingsOf(inventory).stall, ...(stalledAfterMs === undefined ? {} : { runnerMs: stalledAfterMs }) };
      const selected = selectFleetHosts(hosts, specs, file);
      const pxeInputs = await pxeNextInputsOf(inventory);
      const read = async (): Promise<FleetReading> => readFleet(ctx.paths, selected, ctx.now(), stall, pxeInputs === undefined ? undefined : await readPxeNext(ctx.paths, pxeInputs));
      const reading = options.watch === true ? await watch(ctx, read, intervalMs, seed.signals ?? process) : await read();
      if (options.watch !== true) {
        ctx.stdout.write(ctx.json ? `${JSON.stringify({ summary: reading.summary, hosts: reading.rows }, null, 2)}\n` : formatStatusView(reading));
      }
      failIfAnyFailed(reading);
    });
};
