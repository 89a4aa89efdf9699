import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from '@commander-js/extra-typings';
import { registerServeCommand } from '../../src/cli/commands/serve.js';
import { inventoryServeWiring } from '../../src/cli/commands/serve-wiring.js';
import type { HomePaths } from '../../src/home/paths.js';

/** `rootcast serve` on its home's inventory, in this process, on loopback ephemeral ports. */
export interface InventoryServe {
  /** http://127.0.0.1:PORT */
  url: string;
  httpPort: number;
  rsyncPort: number;
  /** What serve wrote to stderr so far: its log (access lines, warnings). */
  log(): string;
  /** What serve listens to for signals: emit SIGHUP to reload. */
  signals: EventEmitter;
  /** SIGHUP, as systemctl reload sends it; resolves once serve says how the reload went. */
  reload(): Promise<void>;
  /** SIGTERM, as systemd stops it; resolves once serve has shut down. */
  stop(): Promise<void>;
}

export interface InventoryServeOptions {
  /** Receives serve's log (its stderr). @default dropped */
  stderr?: (text: string) => void;
  /** `--rsync-allow` addresses besides the fleet's. @default ['127.0.0.1'] */
  rsyncAllow?: readonly string[];
  /** What serve listens to for signals (the caller may emit SIGHUP on its own). @default a new emitter */
  signals?: EventEmitter;
}

/**
 * Starts the real serve command (identity layers, per-host override modules, first-boot files from
 * the package) on `paths`' inventory; the rsync daemon admits 127.0.0.1 (or `rsyncAllow`) besides the fleet's
 * IPs. The caller stops it in `finally` (or afterEach).
 */
export const startInventoryServe = async (paths: HomePaths, options: InventoryServeOptions = {}): Promise<InventoryServe> => {
  const signals = options.signals ?? new EventEmitter();
  let stdout = '';
  let stderr = '';
  const program = new Command().option('--home <dir>').option('--json').exitOverride();
  const forward = options.stderr ?? (() => undefined);
  registerServeCommand(program as unknown as Command, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => { stderr += text; forward(text); } } }, { ...inventoryServeWiring(), signals });
  const allow = (options.rsyncAllow ?? ['127.0.0.1']).flatMap((address) => ['--rsync-allow', address]);
  const served = program.parseAsync(['--home', paths.home, '--json', 'serve', '--http', '127.0.0.1:0', '--rsync', '127.0.0.1:0', ...allow], { from: 'user' });
  let failure: unknown;
  served.catch((error: unknown) => (failure = error));
  for (let attempt = 0; attempt < 100 && !stdout.endsWith('\n') && failure === undefined; attempt += 1) await sleep(100);
  if (failure !== undefined || !stdout.endsWith('\n')) throw new Error(`rootcast serve did not start: ${String(failure ?? 'no listening line')}`);
  const listening = JSON.parse(stdout) as { http: string; rsync: string };
  const url = listening.http.replace(/\/$/, '');
  return {
    url,
    httpPort: Number(/:(\d+)$/.exec(url)?.[1]),
    rsyncPort: Number(/:(\d+)\/?$/.exec(listening.rsync)?.[1]),
    log: () => stderr,
    signals,
    reload: async () => {
      const said = (text: string): number => text.split('\n').filter((line) => /^(reloaded|reload failed)/.test(line)).length;
      const before = said(stderr);
      signals.emit('SIGHUP');
      for (let attempt = 0; attempt < 200 && said(stderr) === before; attempt += 1) await sleep(50);
      if (said(stderr) === before) throw new Error('rootcast serve did not finish its reload');
    },
    stop: async () => {
      signals.emit('SIGTERM');
      await served.catch(() => undefined);
    },
  };
};
