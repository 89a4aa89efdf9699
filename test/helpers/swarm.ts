import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestNetwork } from './netns.js';
import { bundleEntry, type TestBundle } from './bundle-entry.js';
import { join } from 'node:path';
import { findPackageRoot } from '../../src/package/package-root.js';
import { webSeedPieceOrder } from '../../src/sys/aria2.js';

/** Polls instead of sleeping a fixed time; bounded, so a hang fails the test instead of stalling it. */
export const eventually = async <T>(probe: () => Promise<T | undefined>, what: string, attempts = 300, everyMs = 100): Promise<T> => {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  throw new Error(`gave up waiting for ${what}`);
};

export interface NamespacedServe {
  /** Everything serve printed so far (stdout and stderr). */
  output(): string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The real `rootcast serve` (test/integration/serve-entry.ts: the fleet from $SERVE_FLEET_FILE) as its own process
 * in one namespace, started with `args` after `serve`; resolves once it says where it listens.
 */
export const startNamespacedServe = async (net: TestNetwork, namespace: string, home: string, fleetFile: string, args: readonly string[]): Promise<NamespacedServe & { bundle: TestBundle }> => {
  // The package root, whether this runs from test/ (vitest) or dist/test/ (the compiled bench).
  const bundle = await bundleEntry(join(findPackageRoot(import.meta.url), 'test', 'integration', 'serve-entry.ts'));
  const child = net.spawn(namespace, process.execPath, [bundle.file, '--home', home, 'serve', ...args], {
    env: { ...process.env, SERVE_FLEET_FILE: fleetFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await bundle.remove();
  };
  try {
    await eventually(async () => (output.includes('rootcast serve: HTTP on') ? true : child.exitCode !== null ? Promise.reject(new Error(output)) : undefined), 'serve to start');
  } catch (error) {
    await stop();
    throw error;
  }
  return { output: () => output, process: child, stop, bundle };
};

export interface Aria2Client {
  process: ChildProcess;
  done: Promise<{ exitCode: number | null; output: string }>;
}

/**
 * A real aria2c in `namespace` fetching `torrent` into `dir`: no DHT, LPD or peer exchange (the swarm is the
 * tracker's), the bearer token on every HTTP request (tracker and web seed), seeding `seedSeconds` after.
 */
export const startAria2 = (net: TestNetwork, namespace: string, options: { torrent: string; dir: string; token: string; seedSeconds: number; extra?: readonly string[] }): Aria2Client => {
  // Made here: clients started together race to make a shared parent, and aria2c fails on the loser's EEXIST (seen in a full run).
  mkdirSync(options.dir, { recursive: true });
  const child = net.spawn(namespace, 'aria2c', [
    '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false', webSeedPieceOrder,
    '--file-allocation=none', '--check-certificate=false', '--summary-interval=0', '--console-log-level=warn',
    `--seed-time=${options.seedSeconds / 60}`, '--seed-ratio=0.0', '--bt-stop-timeout=120',
    `--header=Authorization: Bearer ${options.token}`, `--dir=${options.dir}`, ...(options.extra ?? []), options.torrent,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = once(child, 'exit').then(([code]) => ({ exitCode: code as number | null, output }));
  return { process: child, done };
};
