import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deriveToken } from '../../src/credentials/token.js';
import { loadServerSecret } from '../../src/credentials/server-secret.js';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { readHostStatus } from '../../src/state/event-read.js';
import type { ServeFleet } from '../../src/server/serve-fleet.js';
import type { MonitorOptions, RunningServer } from '../../src/server/start-server.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { storedEvents } from '../helpers/stored-events.js';
import { buildFixtureStore, rawRequest, startTokenServe } from './serve-fixture.js';

const hostNames = Array.from({ length: 50 }, (_, index) => `node${String(index + 1).padStart(2, '0')}`);
const fleet: ServeFleet = { hosts: [...['web07', 'web08', 'db01'], ...hostNames].map((name) => ({ name, macs: [], imageRef: 'web@1', groups: ['all-of-them'] })) };

let counter = 0;
const phase = (host: string, name: string, status: string, extra: Record<string, unknown> = {}) => ({
  v: 1,
  kind: 'phase',
  id: `test-${process.pid}-${(counter += 1)}`,
  host,
  at: '2026-01-02T03:04:05Z',
  phase: name,
  status,
  ...extra,
});

// serve on 127.0.0.1 with its real HTTP API and event storage; the clock is ours so tokens can expire.
describe('the events API and its storage', () => {
  let work: string;
  let paths: HomePaths;
  let server: RunningServer;
  let clock = new Date('2026-06-01T00:00:00Z');
  const start = (monitor: MonitorOptions = {}) => startTokenServe(paths, work, fleet, { now: () => clock, monitor: { checkpointDelayMs: 50, ...monitor } });
  const post = (host: string, token: string | undefined, body: unknown, contentType = 'application/json') =>
    rawRequest(server.http.port, 'POST', `/api/v1/hosts/${host}/events`, {
      headers: { ...(contentType === '' ? {} : { 'content-type': contentType }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** A new install token, the way an installer gets one: its answer file (which serve records as answer-file-served). */
  const answerFile = async (host: string): Promise<string> => /# token (\S+)/.exec((await rawRequest(server.http.port, 'GET', `/ks/${host}`)).body)?.[1] ?? '';
  const hostState = (host: string) => snapshotTree(join(paths.stateDir, 'hosts', host, 'events'));

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-monitor-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    await buildFixtureStore(paths);
    server = await start();
  });

  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  test('serve records the answer file it hands out; the installer and the runner join that install', async () => {
    const token = await answerFile('web07');
    expect((await post('web07', token, { v: 1, kind: 'installer-started', id: 'inst-0001-web07', host: 'web07', at: '2026-01-02T03:04:05Z', installer: 'anaconda' })).status).toBe(201);
    expect((await post('web07', token, phase('web07', 'preflight', 'started', { run: 'abcdef12' }))).status).toBe(201);
    const events = await storedEvents(paths, 'web07');
    expect(events.map((event) => event.kind)).toEqual(['answer-file-served', 'installer-started', 'phase']);
    expect(events[0]).toMatchObject({ answer: 'kickstart', client: '127.0.0.1', generation: 1, seq: 1, install: 1 });
    expect(events.map((event) => event.install)).toEqual([1, 1, 1]);
    expect(events.every((event) => event.receivedAt === clock.toISOString() && event.from === '127.0.0.1')).toBe(true);
    expect((await readHostStatus(paths, 'web07')).installs[0]).toMatchObject({ state: 'installing', phase: 'preflight', spans: [expect.objectContaining({ phase: 'installer', result: 'succeeded' }), expect.objectContaining({ phase: 'preflight', result: 'running' })] });
  });

  test('auth: none is 401, another host\'s token 403, an expired or spent install token 403; nothing is stored', async () => {
    const web08 = await answerFile('web08');
    const db01 = await answerFile('db01');
    const before = hostState('web08');
    expect((await post('web08', undefined, phase('web08', 'preflight', 'started'))).status).toBe(401);
    expect((await post('web08', db01, phase('web08', 'preflight', 'started'))).status).toBe(403);
    expect((await post('web08', 'h1-' + 'x'.repeat(43), phase('web08', 'preflight', 'started'))).status).toBe(403);
    clock = new Date(clock.getTime() + 25 * 3_600_000);
    const expired = await post('web08', web08, phase('web08', 'preflight', 'started'));
    expect([expired.status, expired.body]).toEqual([403, expect.stringContaining('expired')]);
    expect(hostState('web08')).toEqual(before);

    // An install that reported done: its token is spent; the host credential it enrolled takes events (booted).
    const token = await answerFile('db01');
    expect((await rawRequest(server.http.port, 'POST', '/api/v1/hosts/db01/credential', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await post('db01', token, phase('db01', 'done', 'succeeded', { message: 'web@1 deployed' }))).status).toBe(201);
    const spent = await post('db01', token, { v: 1, kind: 'booted', id: 'boot-0001-db01', host: 'db01', at: '2026-01-02T03:04:05Z' });
    expect([spent.status, spent.body]).toEqual([403, expect.stringContaining('its install already finished')]);
    const credential = deriveToken(await loadServerSecret(paths), 'host', 'db01', 2);
    expect((await post('db01', credential, { v: 1, kind: 'booted', id: 'boot-0001-db01', host: 'db01', at: '2026-01-02T03:04:05Z' })).status).toBe(201);
    expect((await readHostStatus(paths, 'db01')).installs[0]).toMatchObject({ state: 'booted', spans: [expect.objectContaining({ phase: 'reboot', result: 'succeeded' })] });
    expect((await post('web08', credential, phase('web08', 'preflight', 'started'))).status).toBe(403);
  });

  test('malformed, foreign, oversize and mistyped events are 4xx and nothing is stored', async () => {
    const token = await answerFile('web08');
    const before = hostState('web08');
    const good = phase('web08', 'sync-image', 'progress', { percent: 10 });
    const refused = [
      await post('web08', token, '{"v":1,'),
      await post('web08', token, { ...good, extra: 1 }),
      await post('web08', token, JSON.stringify(good).replace('"percent":10', '"rate":1e400')),
      await post('web08', token, { ...good, percent: 140 }),
      await post('web08', token, { ...good, host: 'web07' }),
      await post('web08', token, { ...good, v: 3 }),
      await post('web08', token, { ...good, id: 'short' }),
      await post('web08', token, { v: 1, kind: 'answer-file-served', id: 'forged-0001', host: 'web08', at: good.at, answer: 'kickstart', client: '1.2.3.4', generation: 1 }),
      await post('web08', token, { ...good, log: Array.from({ length: 51 }, () => 'line') }),
      await post('web08', token, { v: 1, kind: 'failed', id: 'failed-v1-0001', host: 'web08', at: good.at, stage: 'bootstrap', message: 'version 1 has no failed kind' }),
    ];
    expect(refused.map((response) => response.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    expect(refused[1]?.body).toContain('extra');
    expect(refused[2]?.body).toMatch(/rate/);
    expect(refused[5]?.body).toContain('schema version 3 is not supported; this server speaks versions 1 and 2');
    expect(refused[9]?.body).toContain('"failed" events need schema version 2');
    expect(refused[7]?.body).toContain('recorded by serve itself');
    expect((await post('web08', token, good, 'application/json-evil')).status).toBe(415);
    expect((await post('web08', token, good, 'text/plain')).status).toBe(415);
    expect((await post('web08', token, good, '')).status).toBe(415);
    expect((await post('web08', token, { ...good, message: 'x'.repeat(70_000) })).status).toBe(413);
    expect(hostState('web08')).toEqual(before);
    expect((await post('web08', token, good, 'application/json; charset=utf-8')).status).toBe(201);
  });

  test('a retried post (same id) is stored once', async () => {
    const token = await answerFile('web08');
    const event = phase('web08', 'preflight', 'started');
    expect((await post('web08', token, event)).status).toBe(201);
    const again = await post('web08', token, event);
    expect([again.status, JSON.parse(again.body)]).toEqual([200, { stored: false, duplicate: true }]);
    expect((await storedEvents(paths, 'web08')).filter((stored) => stored.id === event.id)).toHaveLength(1);
  });

  test('50 hosts posting at once: every event stored, each host\'s in the order it sent them', async () => {
    const tokens = await Promise.all(hostNames.map(answerFile));
    const perHost = 30;
    await Promise.all(
      hostNames.map(async (host, index) => {
        for (let step = 0; step < perHost; step += 1) {
          const response = await post(host, tokens[index], phase(host, 'sync-image', 'progress', { percent: step, bytes: step * 1000, rate: 5000 }));
          expect(response.status).toBe(201);
        }
      }),
    );
    for (const host of hostNames) {
      const events = await storedEvents(paths, host);
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: perHost + 1 }, (_, index) => index + 1));
      expect(events.slice(1).map((event) => (event.kind === 'phase' ? event.percent : -1))).toEqual(Array.from({ length: perHost }, (_, index) => index));
    }
  });

  test('a restarted serve has every event and status, knows the ids it stored, and numbers on', async () => {
    const token = await answerFile('web08');
    const event = phase('web08', 'ram-copy', 'started');
    expect((await post('web08', token, event)).status).toBe(201);
    const before = await storedEvents(paths, 'web08');
    await server.stop();
    server = await start();
    const listed = JSON.parse((await rawRequest(server.http.port, 'GET', '/api/v1/hosts/web08/events', { headers: { authorization: `Bearer ${token}` } })).body) as { events: { seq: number }[] };
    expect(listed.events).toEqual(before.filter((stored) => stored.install === before.at(-1)?.install));
    expect((await post('web08', token, event)).status).toBe(200);
    const next = await post('web08', token, phase('web08', 'ram-copy', 'succeeded'));
    expect(JSON.parse(next.body)).toMatchObject({ stored: true, seq: (before.at(-1)?.seq ?? 0) + 1 });
    expect((await readHostStatus(paths, 'web08')).installs[0]).toMatchObject({ state: 'installing', phase: 'ram-copy' });
  });

  test('listing pages: after and limit; a bad query is a 400', async () => {
    const token = await answerFile('node01');
    for (let step = 0; step < 5; step += 1) await post('node01', token, phase('node01', 'sync-image', 'progress', { percent: step }));
    const page = (query: string) => rawRequest(server.http.port, 'GET', `/api/v1/hosts/node01/events${query}`, { headers: { authorization: `Bearer ${token}` } });
    const first = JSON.parse((await page('?limit=2')).body) as { install: number; events: { seq: number }[]; more: boolean };
    expect([first.events.length, first.more]).toEqual([2, true]);
    const rest = JSON.parse((await page(`?after=${first.events[1]?.seq}&limit=10`)).body) as { events: { seq: number }[]; more: boolean };
    expect([rest.events.length, rest.more]).toEqual([4, false]);
    expect((await page('?install=1')).status).toBe(200);
    expect((await page('?limit=0')).status).toBe(400);
    expect((await page('?limit=5000')).status).toBe(400);
    expect((await page('?sort=desc')).status).toBe(400);
  });

  test('retention: the last N installs per host, and a byte cap that thins progress and then refuses', async () => {
    await server.stop();
    server = await start({ retention: { keepInstalls: 3, maxHostBytes: 6000, reserveBytes: 1500 } });
    for (let install = 0; install < 5; install += 1) await answerFile('web07');
    // The checkpoint (written 50 ms behind the log) tells readers that the writer keeps 3.
    for (let wait = 0; wait < 100 && (await readHostStatus(paths, 'web07')).installs.length > 3; wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const logs = async () => (await readdir(join(paths.stateDir, 'hosts', 'web07', 'events'))).sort();
    const numbers = (await logs()).map((name) => Number(name.replace('.jsonl', ''))).sort((a, b) => a - b);
    expect(numbers).toHaveLength(3);
    const status = await readHostStatus(paths, 'web07');
    expect(status.installs.map((summary) => summary.install)).toEqual([...numbers].reverse());

    const token = await answerFile('web07');
    const outcomes: number[] = [];
    for (let step = 0; step < 40; step += 1) outcomes.push((await post('web07', token, phase('web07', 'sync-image', 'progress', { percent: step, message: 'm'.repeat(200) }))).status);
    expect(outcomes).toContain(202);
    expect(outcomes.indexOf(202)).toBeGreaterThan(0);
    expect(outcomes.slice(outcomes.indexOf(202)).every((status) => status === 202)).toBe(true);
    // The live status (serve's, as the dashboard shows it) still follows the thinned progress.
    const live = JSON.parse((await rawRequest(server.http.port, 'GET', '/dashboard/fleet.json')).body) as { hosts: { host: string; percent: number }[] };
    expect(live.hosts.find((row) => row.host === 'web07')?.percent).toBe(39);
    const refusedAfter: number[] = [];
    for (let step = 0; step < 20; step += 1) refusedAfter.push((await post('web07', token, phase('web07', 'sync-image', 'started', { message: 'n'.repeat(300) }))).status);
    expect(refusedAfter).toContain(507);
    const bytes = (await storedEvents(paths, 'web07')).reduce((sum, event) => sum + JSON.stringify(event).length + 1, 0);
    expect(bytes).toBeLessThanOrEqual(6000 + 1500);
  });
});
