import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import type { HostRow } from '../../src/monitor/host-row.js';
import type { HostEvent } from '../../src/protocol/host-event.js';
import { openEventStore } from '../../src/state/event-store.js';
import { runBinary } from '../helpers/cli.js';
import { startInventoryServe, type InventoryServe } from '../helpers/inventory-serve.js';
import { buildFixtureStore } from './serve-fixture.js';

const inventory = (monitor: string): string =>
  `server:\n  url: "http://127.0.0.1:8780"\n  answerFileClients: any\n  monitor: ${monitor}\nhosts:\n  web07: {image: web}\n  web08: {image: web}\n`;

// The real `rootcast serve` on its home's inventory: server.monitor sets retention and the stall thresholds, SIGHUP
// applies a change; a leftover log of an older rootcast is named once at start.
describe('serve\'s monitor settings from the inventory', () => {
  let work: string;
  let paths: HomePaths;
  let serve: InventoryServe;
  const rows = async (): Promise<HostRow[]> => ((await (await fetch(`${serve.url}/dashboard/fleet.json`)).json()) as { hosts: HostRow[] }).hosts;
  const rowOf = async (host: string): Promise<HostRow | undefined> => (await rows()).find((row) => row.host === host);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-monitor-settings-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    await buildFixtureStore(paths);
    await writeFile(join(paths.home, 'rootcast.yaml'), inventory('{keepInstalls: 2, stalledAfter: 2h}'), { mode: 0o600 });
    // web08's runner went silent an hour ago: stalled by the default 120 s, not by the inventory's 2 h.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    const store = openEventStore({ paths, now: () => anHourAgo, checkpointDelayMs: 10 });
    await store.append('web08', { v: 2, kind: 'phase', id: 'silent-0000001', host: 'web08', at: anHourAgo.toISOString(), run: 'abcdef12', phase: 'sync-image', status: 'started' } as HostEvent);
    await store.close();
    // What an older rootcast kept: one events.jsonl per host.
    await mkdir(join(paths.stateDir, 'hosts', 'web07'), { recursive: true });
    await writeFile(join(paths.stateDir, 'hosts', 'web07', 'events.jsonl'), '{"old":true}\n');
    serve = await startInventoryServe(paths);
  }, 60_000);

  afterAll(async () => {
    await serve?.stop();
    await rm(work, { recursive: true, force: true });
  });

  test('a leftover events.jsonl is named once at start, with what to do', () => {
    const warnings = serve.log().split('\n').filter((line) => line.includes('events.jsonl'));
    expect(warnings).toEqual([expect.stringMatching(/^warning: an event log of an older rootcast is not read: \S+\/state\/hosts\/web07\/events\.jsonl; their events are not shown .* delete them: rm \S+\/state\/hosts\/\*\/events\.jsonl$/)]);
  });

  test('stalledAfter: the dashboard and rootcast status use the inventory\'s threshold; --stalled-after still overrides; SIGHUP applies a change', async () => {
    expect(await rowOf('web08')).toMatchObject({ state: 'installing', stalled: false });
    const status = await runBinary(['--home', paths.home, '--json', 'status', 'web08']);
    expect(status.status, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { hosts: HostRow[] }).hosts[0]).toMatchObject({ stalled: false });
    const shorter = await runBinary(['--home', paths.home, '--json', 'status', 'web08', '--stalled-after', '600']);
    expect((JSON.parse(shorter.stdout) as { hosts: HostRow[] }).hosts[0]).toMatchObject({ stalled: true });

    await writeFile(join(paths.home, 'rootcast.yaml'), inventory('{keepInstalls: 2, stalledAfter: 30m}'), { mode: 0o600 });
    await serve.reload();
    expect(serve.log()).toMatch(/reloaded: 2 host\(s\)/);
    expect(await rowOf('web08')).toMatchObject({ stalled: true });
  });

  test('keepInstalls: a third answer file removes the oldest install\'s log', async () => {
    for (let install = 0; install < 3; install += 1) expect((await fetch(`${serve.url}/preseed/web07`)).status).toBe(200);
    expect((await readdir(join(paths.stateDir, 'hosts', 'web07', 'events'))).sort()).toEqual(['2.jsonl', '3.jsonl']);
  });

  test('a bad setting is refused with its place; serve keeps the settings it has', async () => {
    await writeFile(join(paths.home, 'rootcast.yaml'), inventory('{keepInstalls: 0, stalledAfter: 3s}'), { mode: 0o600 });
    const check = await runBinary(['--home', paths.home, 'inventory', 'check']);
    expect(check.status).toBe(65);
    expect(check.stderr).toContain('server.monitor.keepInstalls (line 4): must be at least 1');
    await serve.reload();
    expect(serve.log()).toMatch(/reload failed, still serving the previous inventory/);
    expect(await rowOf('web08')).toMatchObject({ stalled: true });
  });
});
