import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from '@commander-js/extra-typings';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { registerServeCommand, type ServeWiring } from '../../src/cli/commands/serve.js';
import { runInProcess } from '../helpers/cli.js';
import type { ServeFleet } from '../../src/server/serve-fleet.js';
import { rawRequest } from './serve-fixture.js';

/** What a TCP server on loopback says first (rejects when nothing listens). */
const firstBytes = (port: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('utf8'));
    });
    socket.once('error', reject);
  });

const capture = () => {
  let text = '';
  return { write: (chunk: string) => ((text += chunk), true), text: () => text };
};

/** The serve command in-process: our own program so the test can hand it fake data sources and a fake signal source. */
const runServe = (home: string, args: string[], fleet: ServeFleet, signals: EventEmitter, serverUrl?: string) => {
  const stdout = capture();
  const stderr = capture();
  const wiring: ServeWiring = {
    loadSnapshot: () => async () => ({ fleet, renderAnswerFile: async (kind, host) => `# ${kind} ${host}\n` }),
    signals,
    files: { bootstrapScript: '/nonexistent', runnerBundle: '/nonexistent', nodeBinary: '/nonexistent' },
    serverUrl: async () => serverUrl,
  };
  const program = new Command().option('--home <dir>').option('--json').exitOverride();
  registerServeCommand(program as unknown as Command, { stdout, stderr }, wiring);
  const done = program.parseAsync(['--home', home, ...args], { from: 'user' });
  return { done, stdout, stderr };
};

describe('rootcast serve (command)', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'rootcast-serve-cli-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  test('a malformed --http is a usage error (64) and writes nothing', async () => {
    const run = await runInProcess(['--home', home, 'serve', '--http', 'localhost:80']);
    expect(run.status).toBe(64);
    expect(run.stderr).toContain('--http "localhost:80" is not ADDRESS:PORT');
    expect(await readdir(home)).toEqual([]);
  });

  test('a bad --rsync-allow is a usage error and writes nothing', async () => {
    const signals = new EventEmitter();
    const serve = runServe(home, ['serve', '--http', '127.0.0.1:0', '--rsync', '127.0.0.1:0', '--rsync-allow', 'everyone'], { hosts: [] }, signals);
    await expect(serve.done).rejects.toMatchObject({ code: 'USAGE', exitStatus: 64 });
    expect(await readdir(home)).toEqual([]);
  });

  test('a bad --web-seed-resend-rate is a usage error and writes nothing', async () => {
    const run = await runInProcess(['--home', home, 'serve', '--http', '127.0.0.1:0', '--rsync', '127.0.0.1:0', '--web-seed-resend-rate', '20mbit']);
    expect(run.status).toBe(64);
    expect(run.stderr).toContain('--web-seed-resend-rate "20mbit" is not a number of Mbit/s');
    expect(await readdir(home)).toEqual([]);
  });

  test('an inventory serve cannot use is bad data (65), every problem listed, nothing written', async () => {
    const signals = new EventEmitter();
    const fleet = { hosts: [{ name: 'web_07', macs: ['zz'], imageRef: 'web' }] };
    const serve = runServe(home, ['serve', '--http', '127.0.0.1:0', '--rsync', '127.0.0.1:0'], fleet, signals);
    await expect(serve.done).rejects.toMatchObject({ code: 'INVALID_DATA', exitStatus: 65, details: [expect.stringContaining('web_07'), expect.stringContaining('"zz"')] });
    expect(await readdir(home)).toEqual([]);
  });

  test('prints where it listens (--json), serves HTTP and rsync, and stops both on SIGTERM', async () => {
    const signals = new EventEmitter();
    const serve = runServe(home, ['--json', 'serve', '--http', '127.0.0.1:0', '--rsync', '127.0.0.1:0'], { hosts: [{ name: 'web07', macs: [], imageRef: 'web' }] }, signals, 'http://127.0.0.1:8780');
    let listening: { http: string; rsync: string; pid: number } | undefined;
    for (let attempt = 0; attempt < 100 && listening === undefined; attempt += 1) {
      const line = serve.stdout.text();
      if (line.endsWith('\n')) listening = JSON.parse(line) as typeof listening;
      else await sleep(100);
    }
    expect(listening?.rsync).toMatch(/^rsync:\/\/127\.0\.0\.1:\d+\/$/);
    const port = Number(/:(\d+)\/$/.exec(listening?.http ?? '')?.[1]);
    expect(await rawRequest(port, 'GET', '/ks/web07')).toMatchObject({ status: 200, body: '# kickstart web07\n' });
    expect(await rawRequest(port, 'GET', '/runner/runner.cjs')).toMatchObject({ status: 503 });
    const rsyncPort = Number(/:(\d+)\/$/.exec(listening?.rsync ?? '')?.[1]);
    // Each connection gets its own rsync --daemon, which greets first.
    expect(await firstBytes(rsyncPort)).toMatch(/^@RSYNCD: \d+\.\d+/);
    signals.emit('SIGTERM', 'SIGTERM');
    await serve.done;
    await expect(firstBytes(rsyncPort)).rejects.toThrow(/ECONNREFUSED/);
    expect(signals.listenerCount('SIGHUP') + signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
    expect(serve.stderr.text()).toContain('SIGTERM: stopping');
    // The answer files would send hosts to 8780, where this serve does not listen: it says so at start.
    expect(serve.stderr.text()).toContain(`rootcast serve: warning: the inventory's server.url http://127.0.0.1:8780 names port 8780, but serve listens on ${port}`);
  });
});
