import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import type { HostEvent } from '../../src/protocol/host-event.js';
import { openEventStore, type EventStore } from '../../src/state/event-store.js';
import { rootcastBinary, runBinary } from '../helpers/cli.js';

const inventory = `server: {url: "http://127.0.0.1:8780"}
groups:
  web: {image: web}
  db: {image: db}
hosts:
  web01: {groups: [web]}
  web02: {groups: [web]}
  db01: {groups: [db]}
`;

let counter = 0;
const event = (host: string, body: Record<string, unknown>): HostEvent =>
  ({ v: 1, id: `cli-${process.pid}-${(counter += 1)}`, host, at: '2026-01-02T03:04:05Z', ...body }) as HostEvent;
const phase = (host: string, name: string, status: string, extra: Record<string, unknown> = {}) => event(host, { kind: 'phase', phase: name, status, run: 'abcdef12', ...extra });

/** Writes events the way serve stores them (same store, same files); status and logs read those files. */
export const seedFleetEvents = async (store: EventStore): Promise<void> => {
  await store.append('web01', event('web01', { kind: 'runner-started', run: 'abcdef12' }), { ref: 'web@1' });
  await store.append('web01', phase('web01', 'sync-image', 'started'));
  await store.append('web01', phase('web01', 'sync-image', 'progress', { percent: 25, bytes: 25 * 1024 * 1024, rate: 5 * 1024 * 1024 }));
  await store.append('web02', phase('web02', 'sync-image', 'started'));
  await store.append('web02', phase('web02', 'sync-image', 'failed', { message: '[INTERRUPTED] the image server stopped the transfer', log: ['rsync: connection unexpectedly closed', 'rsync error: code 12'] }));
  await store.append('web02', phase('web02', 'cleanup', 'started'));
  await store.append('web02', phase('web02', 'cleanup', 'succeeded'));
};

describe('rootcast status and logs (the built binary)', () => {
  let home: string;
  let paths: HomePaths;
  let store: EventStore;
  const rootcast = (...args: string[]) => runBinary(['--home', home, ...args]);

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'rootcast-status-'));
    paths = resolveHomePaths({ home });
    await mkdir(join(home, 'images', 'web', '1'), { recursive: true });
    await mkdir(join(home, 'images', 'db', '1'), { recursive: true });
    await writeFile(join(home, 'rootcast.yaml'), inventory);
    store = openEventStore({ paths, now: () => new Date(), checkpointDelayMs: 10 });
    await seedFleetEvents(store);
    await store.close();
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  test('the table: every host, its state, phase, progress, rate, ETA; 65 after printing when one failed', async () => {
    const result = await rootcast('status');
    expect(result.status).toBe(65);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^HOST\s+IMAGE\s+STATE\s+PHASE\s+PROGRESS\s+RATE\s+ETA\s+AGE\s+MESSAGE$/);
    expect(lines[1]).toMatch(/^web01\s+web@1\s+installing\s+sync-image\s+25% 25\.0 MiB\s+5\.0 MiB\/s\s+15s\s+\d+\S*\s+-$/);
    expect(lines[2]).toMatch(/^web02\s+web\s+failed\s+cleanup\s+-\s+-\s+-\s+\S+\s+\[INTERRUPTED\] the image server stopped the transfer$/);
    expect(lines[3]).toMatch(/^db01\s+db\s+new\s+-/);
    expect(result.stdout).toContain('3 hosts: 1 new, 1 installing, 1 failed · hosts report 5.0 MiB/s');
    expect(result.stderr).toContain('1 of 3 selected hosts failed: web02');
    expect(result.stderr).toContain('rootcast logs web02');
  });

  test('HOSTSPEC: @group, ranges, names, all; unknown hosts are 66, malformed specs 64', async () => {
    const db = await rootcast('status', '@db');
    expect([db.status, db.stdout.split('\n').filter((line) => /^\w+\d\s/.test(line)).map((line) => line.split(/\s+/)[0])]).toEqual([0, ['db01']]);
    const json = await rootcast('--json', 'status', 'web[01-02]');
    expect(json.status).toBe(65);
    const parsed = JSON.parse(json.stdout) as { hosts: { host: string; state: string; etaSeconds: number | null; failure: { log: string[] } | null }[]; summary: { counts: Record<string, number> } };
    expect(parsed.hosts.map((row) => [row.host, row.state])).toEqual([['web01', 'installing'], ['web02', 'failed']]);
    expect(parsed.hosts[0]?.etaSeconds).toBe(15);
    expect(parsed.hosts[1]?.failure?.log).toEqual(['rsync: connection unexpectedly closed', 'rsync error: code 12']);
    expect(parsed.summary.counts).toMatchObject({ installing: 1, failed: 1, new: 0 });
    expect((await rootcast('status', 'db01,web01')).status).toBe(0);
    expect((await rootcast('status', 'all')).status).toBe(65);
    expect(await rootcast('status', 'web09')).toMatchObject({ status: 66, stderr: expect.stringContaining('web09') });
    expect(await rootcast('status', '@nosuch')).toMatchObject({ status: 66, stderr: expect.stringContaining('no host is in group "nosuch"') });
    expect((await rootcast('status', 'web[01-')).status).toBe(64);
    expect((await rootcast('status', 'Web01')).status).toBe(64);
    expect((await rootcast('status', '--interval', '0')).status).toBe(64);
  });

  test('logs: the timeline with the failure\'s log lines; --install; --json; unknown hosts and installs are 66', async () => {
    const logs = await rootcast('logs', 'web02');
    expect(logs.status).toBe(0);
    expect(logs.stdout.split('\n').map((line) => line.replace(/^\S+Z /, ''))).toEqual([
      '# web02: install #1 (kept: #1)',
      '#1 sync-image started',
      '#2 sync-image failed — [INTERRUPTED] the image server stopped the transfer',
      '    | rsync: connection unexpectedly closed',
      '    | rsync error: code 12',
      '#3 cleanup started',
      '#4 cleanup succeeded',
      '',
    ]);
    const json = await rootcast('--json', 'logs', 'web01');
    expect(json.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { kind: string }).kind)).toEqual(['runner-started', 'phase', 'phase']);
    expect((await rootcast('logs', 'web01', '--install', '1')).status).toBe(0);
    expect(await rootcast('logs', 'web01', '--install', '7')).toMatchObject({ status: 66, stderr: expect.stringContaining('no log of install #7') });
    expect(await rootcast('logs', 'db01')).toMatchObject({ status: 0, stdout: '# db01: no events recorded yet\n' });
    expect((await rootcast('logs', 'nosuch')).status).toBe(66);
    expect((await rootcast('logs', 'web01', '--install', 'x')).status).toBe(64);
  });

  test('status --watch piped: the table once, then a time-stamped line per host that changed; Ctrl-C ends it', async () => {
    const child = spawn(process.execPath, [rootcastBinary, '--home', home, 'status', '--watch', '--interval', '0.2', 'web01', 'db01'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      for (let wait = 0; wait < 100 && !output.includes('3 hosts') && !output.includes('2 hosts'); wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(output).toMatch(/^HOST\s+IMAGE/);
      const writer = openEventStore({ paths, now: () => new Date(), checkpointDelayMs: 10 });
      await writer.append('web01', phase('web01', 'sync-image', 'progress', { percent: 80, bytes: 80 * 1024 * 1024, rate: 5 * 1024 * 1024 }));
      await writer.close();
      for (let wait = 0; wait < 100 && !/\d\d:\d\d:\d\d {2}web01 .*80%/.test(output); wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(output).toMatch(/\n\d\d:\d\d:\d\d {2}web01 {2}web@1 {2}installing {2}sync-image {2}80% 80\.0 MiB/);
      expect(output.match(/^HOST/gm)).toHaveLength(1);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
