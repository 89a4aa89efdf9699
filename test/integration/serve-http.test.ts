import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import type { ServeFleet } from '../../src/server/serve-fleet.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { issueInstallToken } from '../../src/credentials/issue-token.js';
import { makeTempHome } from '../helpers/image-builder.js';
import { startInventoryServe } from '../helpers/inventory-serve.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { buildFixtureStore, rawRequest } from './serve-fixture.js';

const execFileAsync = promisify(execFile);

const rsyncPull = async (url: string, password: string, target: string) => {
  try {
    await execFileAsync('rsync', ['-aHAXS', '--numeric-ids', '--delete', url, `${target}/`], { env: { ...process.env, RSYNC_PASSWORD: password } });
    return 0;
  } catch (error) {
    return (error as { code: number }).code;
  }
};


// The in-process server on 127.0.0.1 with a real rsync daemon; fakes only for the two data sources.
describe('rootcast serve on loopback', () => {
  let work: string;
  let paths: HomePaths;
  let server: RunningServer;
  const log: string[] = [];
  const fleet: ServeFleet = {
    hosts: [
      { name: 'web07', macs: ['52:54:00:12:34:56'], ip: '127.0.0.1', imageRef: 'web@stable', family: 'rhel' },
      { name: 'web08', macs: ['52-54-00-12-34-57'], imageRef: 'web' },
      { name: 'broken', macs: [], imageRef: 'nosuchimage' },
      { name: 'db02', macs: [], imageRef: 'db@1' },
    ],
  };
  const files = () => ({
    bootstrapScript: join(work, 'bootstrap.sh'),
    firstBoot: { script: join(work, 'firstboot.sh'), unit: join(work, 'firstboot.service') },
    runnerBundle: join(work, 'runner.cjs'),
    nodeBinary: join(work, 'node'),
  });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-serve-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    await buildFixtureStore(paths);
    await writeFile(files().bootstrapScript, '#!/bin/sh\necho bootstrap\n');
    await writeFile(files().firstBoot.script, '#!/bin/sh\necho firstboot\n');
    await writeFile(files().nodeBinary, Buffer.alloc(300_000, 7));
    server = await startServer({
      paths,
      http: { address: '127.0.0.1', port: 0 },
      rsync: { address: '127.0.0.1', port: 0 },
      loadSnapshot: async () => ({
        fleet,
        renderAnswerFile: async (kind, host, { installToken }) => {
          if (host === 'web08' && kind === 'preseed') throw new Error('renderer exploded at /secret/path');
          return `# ${kind} for ${host}\n# token ${installToken}\n`;
        },
      }),
      files: files(),
      log: (line) => log.push(line),
    });
  });

  afterAll(async () => {
    await server?.stop();
    expect(server?.rsyncConnections() ?? []).toEqual([]);
    await rm(work, { recursive: true, force: true });
  });

  const get = (path: string, headers?: Record<string, string>) => rawRequest(server.http.port, 'GET', path, headers === undefined ? {} : { headers });
  const tokenIn = (answer: string): string => /# token (\S+)/.exec(answer)?.[1] ?? '';
  /** A new install token of the host, obtained the way an installer does: by fetching its answer file. */
  const fresh = async (host: string): Promise<string> => tokenIn((await get(`/ks/${host}`)).body);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test('answer files by host name and by MAC in any notation, each with a newly issued install token', async () => {
    const byName = await get('/ks/web07');
    expect(byName.status).toBe(200);
    expect(byName.body).toMatch(/^# kickstart for web07\n# token i1-[A-Za-z0-9_-]{43}\n$/);
    const byMac = await get('/ks/mac/52-54-00-12-34-56');
    expect(byMac.body).toMatch(/^# kickstart for web07\n# token i2-/);
    expect((await get('/preseed/mac/5254.0012.3456')).body).toContain('# preseed for web07\n');
    expect((await get('/ks/mac/52:54:00:12:34:57')).body).toContain('# kickstart for web08');
    expect(log.some((line) => line.startsWith('answer file: kickstart for web07 served to 127.0.0.1 (install token generation 1, valid until'))).toBe(true);
    const head = await rawRequest(server.http.port, 'HEAD', '/ks/web07');
    expect(head.status).toBe(200);
    expect(tokenIn((await get('/ks/web07')).body)).toMatch(/^i4-/); // HEAD issued nothing
  });

  test('unknown hosts and MACs are 404 with a one-line reason', async () => {
    const host = await get('/preseed/web99');
    expect(host.status).toBe(404);
    expect(host.body).toMatch(/^no host named "web99" in the inventory.*\n$/);
    const mac = await get('/ks/mac/52:54:00:99:99:99');
    expect(mac.status).toBe(404);
    expect(mac.body).toContain('no host with MAC 52:54:00:99:99:99');
  });

  test('bad host names and path traversal are 4xx and change nothing on disk', async () => {
    const before = snapshotTree(paths.home);
    for (const path of ['/ks/../../etc/passwd', '/ks/%2e%2e%2fetc', '/runner/..%2F..%2Fsecrets%2Finstall-token.key', '/ks/WEB07', '/ks/web_07', '/api/v1/hosts/..%2f..%2fx/events', '/boot/%2e/bootstrap.sh']) {
      const response = await get(path);
      expect(response.status, path).toBe(400);
      expect(response.body, path).not.toMatch(/\bat .*\(|node:internal/);
    }
    const post = await rawRequest(server.http.port, 'POST', '/api/v1/hosts/../events', { headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(400);
    expect(snapshotTree(paths.home)).toEqual(before);
  });

  test('a handler crash is a 500 with a request id; the stack goes to the server log only', async () => {
    const response = await get('/preseed/web08');
    expect(response.status).toBe(500);
    expect(response.body).toBe(`internal error (request ${response.headers['x-request-id']}); the server log has the details\n`);
    expect(response.body).not.toContain('/secret/path');
    expect(log.some((line) => line.includes(String(response.headers['x-request-id'])) && line.includes('renderer exploded'))).toBe(true);
  });

  test('bootstrap and runner files are streamed; a missing bundle is a 503 that says what to do', async () => {
    expect(await get('/boot/bootstrap.sh')).toMatchObject({ status: 200, body: '#!/bin/sh\necho bootstrap\n' });
    expect(await get('/boot/rootcast-firstboot.sh')).toMatchObject({ status: 200, body: '#!/bin/sh\necho firstboot\n' });
    const unit = await get('/boot/rootcast-firstboot.service');
    expect(unit.status).toBe(503);
    expect(unit.body).toContain('the first-boot unit is not installed');
    expect((await get('/boot/other.sh')).status).toBe(404);
    const missing = await get('/runner/runner.cjs');
    expect(missing.status).toBe(503);
    expect(missing.body).toContain('build-runner.mjs');
    // Where the server keeps its files is for its log, not for whoever asks.
    expect(missing.body).not.toContain(work);
    expect(log.some((line) => line.includes(`${join(work, 'runner.cjs')} is missing`))).toBe(true);
    await writeFile(files().runnerBundle, 'console.log("runner")\n');
    expect(await get('/runner/runner.cjs')).toMatchObject({ status: 200, body: 'console.log("runner")\n' });
    const node = await get('/runner/node');
    expect(node.status).toBe(200);
    expect(node.headers['content-length']).toBe('300000');
    expect(node.body.length).toBe(300_000);
  });

  test('deploy instructions need the host token and point at the resolved version module', async () => {
    expect((await get('/api/v1/hosts/web07/deploy')).status).toBe(401);
    expect((await get('/api/v1/hosts/web07/deploy', bearer(await fresh('web08')))).status).toBe(403);
    const response = await get('/api/v1/hosts/web07/deploy', bearer(await fresh('web07')));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      host: 'web07',
      image: 'web',
      version: 1,
      ref: 'web@1',
      rsync: { url: `rsync://install.web07@127.0.0.1:${server.rsync.port}/img.web.1/`, user: 'install.web07' },
      keepPaths: ['/etc/fstab', '/etc/crypttab', '/boot/efi/'],
      family: 'rhel',
      transport: { setting: 'rsync', reason: 'install.transport is rsync' },
    });
    const record = JSON.parse(await readFile(join(paths.stateDir, 'hosts', 'web07', 'record.json'), 'utf8')) as Record<string, unknown>;
    expect(record['deploying']).toMatchObject({ ref: 'web@1', via: 'install' });
    const broken = await get('/api/v1/hosts/broken/deploy', bearer(await fresh('broken')));
    expect(broken.status).toBe(404);
    expect(broken.body).toContain('host broken is set to image "nosuchimage"');
  });

  test('the rsync daemon serves the version to the right token only, root-only files and numeric ids intact', async () => {
    const token = await fresh('web07');
    const deploy = JSON.parse((await get('/api/v1/hosts/web07/deploy', bearer(token))).body) as { rsync: { url: string } };
    const target = join(work, 'target');
    await execFileAsync('mkdir', ['-p', target]);
    await writeFile(join(target, 'stale'), 'removed by --delete\n');
    expect(await rsyncPull(deploy.rsync.url, token, target)).toBe(0);
    expect(await readFile(join(target, 'etc', 'motd'), 'utf8')).toBe('web version 1\n');
    const shadow = await stat(join(target, 'etc', 'shadow'));
    expect([shadow.uid, shadow.mode & 0o777]).toEqual([1234, 0o600]);
    expect(await readdir(target)).toEqual(['etc']);
    expect(await rsyncPull(deploy.rsync.url, await fresh('web08'), join(work, 'wrong'))).toBe(5);
    expect(await rsyncPull(deploy.rsync.url, 'guess', join(work, 'wrong'))).toBe(5);
  });

  test('an image version module is readable only by the hosts set to that image, at any version', async () => {
    const moduleUrl = (host: string, version: number) => `rsync://install.${host}@127.0.0.1:${server.rsync.port}/img.web.${version}/`;
    // web08 is set to "web" (newest): it may still pull web@1, e.g. for a rollback.
    expect(await rsyncPull(moduleUrl('web08', 1), await fresh('web08'), join(work, 'web08-v1'))).toBe(0);
    expect(await readFile(join(work, 'web08-v1', 'etc', 'motd'), 'utf8')).toBe('web version 1\n');
    // db02 has a valid token of its own, but for another image.
    const db02 = await fresh('db02');
    expect(await rsyncPull(moduleUrl('db02', 1), db02, join(work, 'db02-web'))).toBe(5);
    expect(await rsyncPull(moduleUrl('db02', 2), db02, join(work, 'db02-web'))).toBe(5);
    await expect(stat(join(work, 'db02-web', 'etc', 'motd'))).rejects.toThrow(/ENOENT/);
    // No fleet-wide overrides module any more: each host has its own (serve-overrides.test.ts).
    const overrides = `rsync://install.db02@127.0.0.1:${server.rsync.port}/overrides/`;
    expect(await rsyncPull(overrides, db02, join(work, 'db02-overrides'))).toBe(5);
  });

  test('a version captured after start gets its module when a host is sent to it', async () => {
    await buildFixtureStore(resolveHomePaths({ home: join(work, 'scratch') }));
    await execFileAsync('cp', ['-a', join(work, 'scratch', 'images', 'web', '2'), join(paths.imagesDir, 'web', '3')]);
    const response = await get('/api/v1/hosts/web08/deploy', bearer(await fresh('web08')));
    expect(JSON.parse(response.body)).toMatchObject({ ref: 'web@3' });
    expect(await readFile(join(paths.home, 'run', 'rsyncd.conf'), 'utf8')).toContain('[img.web.3]');
  });

  test('events: strict POST, capped body, stored with the server time, listed back', async () => {
    const event = { v: 1, kind: 'phase', id: 'serve-http-0001', host: 'web07', phase: 'preflight', status: 'started', at: '2026-01-02T03:04:05Z' };
    const token = await fresh('web07');
    const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json', ...bearer(token) }) =>
      rawRequest(server.http.port, 'POST', '/api/v1/hosts/web07/events', { headers, body });
    expect((await post(JSON.stringify(event))).status).toBe(201);
    expect((await post(JSON.stringify({ ...event, id: 'serve-http-0002', phase: 'reboot' }))).status).toBe(400);
    expect((await post(JSON.stringify(event), { ...bearer(token) })).status).toBe(415);
    expect((await post(JSON.stringify(event), { 'content-type': 'application/json' })).status).toBe(401);
    expect((await post(JSON.stringify({ ...event, message: 'x'.repeat(70_000) }))).status).toBe(413);
    const listed = await get('/api/v1/hosts/web07/events', bearer(token));
    expect(listed.status).toBe(200);
    const page = JSON.parse(listed.body) as { events: Array<Record<string, unknown>>; install: number };
    // The answer file that issued the token opened this install; serve recorded it itself.
    expect(page.events.map((stored) => stored['kind'])).toEqual(['answer-file-served', 'phase']);
    expect(page.events[1]).toMatchObject(event);
    expect(typeof page.events[1]?.['receivedAt']).toBe('string');
    const lines = (await readFile(join(paths.stateDir, 'hosts', 'web07', 'events', `${page.install}.jsonl`), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
  });

  test('health and the access log', async () => {
    const health = await get('/healthz');
    expect(JSON.parse(health.body)).toEqual({ ok: true, rsyncConnections: 0, hosts: 4, swarms: [] });
    expect(log.some((line) => /^\S+Z [0-9a-f]{8} 127\.0\.0\.1 GET "\/healthz" 200 \d+ms$/.test(line))).toBe(true);
  });

  test('a second server runs beside the first in the same process', async () => {
    const otherPaths = resolveHomePaths({ home: join(work, 'other') });
    const other = await startServer({
      paths: otherPaths,
      http: { address: '127.0.0.1', port: 0 },
      rsync: { address: '127.0.0.1', port: 0 },
      loadSnapshot: async () => ({ fleet: { hosts: [{ name: 'db01', macs: [], imageRef: 'db' }] }, renderAnswerFile: async (kind, host) => `# other ${kind} ${host}\n` }),
      files: files(),
      log: () => undefined,
    });
    try {
      expect((await rawRequest(other.http.port, 'GET', '/ks/db01')).body).toBe('# other kickstart db01\n');
      expect((await rawRequest(other.http.port, 'GET', '/ks/web07')).status).toBe(404);
      expect((await get('/ks/db01')).status).toBe(404);
      expect(other.rsync.port).not.toBe(server.rsync.port);
    } finally {
      await other.stop();
    }
  });
});

// Expiry on serve's own clock: the HTTP API refuses the token at once, the daemon once its secrets are re-derived.
describe('install tokens expire', () => {
  test('after its lifetime a token opens neither the API nor the rsync daemon', async () => {
    const work = await mkdtemp(join(tmpdir(), 'rootcast-expiry-'));
    const paths = resolveHomePaths({ home: join(work, 'home') });
    await buildFixtureStore(paths);
    let clock = new Date('2026-06-01T00:00:00Z');
    const server = await startServer({
      paths,
      http: { address: '127.0.0.1', port: 0 },
      rsync: { address: '127.0.0.1', port: 0 },
      loadSnapshot: async () => ({
        fleet: { hosts: [{ name: 'web07', macs: [], ip: '127.0.0.1', imageRef: 'web@1' }] },
        renderAnswerFile: async (_kind, _host, { installToken }) => `# token ${installToken}\n`,
        access: { installTokenLifetimeMs: 3_600_000, answerFileClients: { kind: 'any', why: 'configured' } },
      }),
      files: { bootstrapScript: join(work, 'none'), firstBoot: { script: join(work, 'none'), unit: join(work, 'none') }, runnerBundle: join(work, 'none'), nodeBinary: join(work, 'none') },
      log: () => undefined,
      now: () => clock,
      secretsRefreshMs: 50,
    });
    try {
      const token = /# token (\S+)/.exec((await rawRequest(server.http.port, 'GET', '/ks/web07')).body)?.[1] ?? '';
      const deploy = () => rawRequest(server.http.port, 'GET', '/api/v1/hosts/web07/deploy', { headers: { authorization: `Bearer ${token}` } });
      const url = `rsync://install.web07@127.0.0.1:${server.rsync.port}/img.web.1/`;
      expect((await deploy()).status).toBe(200);
      expect(await rsyncPull(url, token, join(work, 'in-time'))).toBe(0);
      clock = new Date('2026-06-01T01:00:00Z');
      const late = await deploy();
      expect(late.status).toBe(403);
      expect(late.body).toContain('it expired at 2026-06-01T01:00:00.000Z');
      let status = 0;
      for (let attempt = 0; attempt < 100 && status !== 5; attempt += 1) {
        status = await rsyncPull(url, token, join(work, 'late'));
        if (status !== 5) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).toBe(5);
    } finally {
      await server.stop();
      await rm(work, { recursive: true, force: true });
    }
  });
});

// The real serve command on a real inventory (answer files, identity and override layers): what its error bodies say.
describe('HTTP error bodies name no server path', () => {
  test('a corrupt manifest, a stray layer, a bad token, an unknown host and route: home-relative names in the body, full paths in the log', async () => {
    const paths = await makeTempHome('rootcast-serve-paths-');
    await buildFixtureStore(paths);
    await writeFile(paths.inventoryFile, [
      'server: {url: "http://127.0.0.1:8780", answerFileClients: any}',
      'images:',
      '  web: {identity: {network: keep}}',
      'groups:',
      '  web: {}',
      'hosts:',
      '  web07: {mac: "52:54:00:12:34:56", ip: 127.0.0.1, image: web@2, groups: [web]}',
      '',
    ].join('\n'));
    const serve = await startInventoryServe(paths);
    const get = (path: string, token?: string) => rawRequest(serve.httpPort, 'GET', path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
    const token = async (): Promise<string> => (await issueInstallToken(paths, 'web07', { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'test' })).token;
    const bodies: string[] = [];
    const refused = async (path: string, status: number, tokenFor?: string): Promise<string> => {
      const response = await get(path, tokenFor);
      expect(response.status, path).toBe(status);
      // The request's own path may be echoed: the client sent it.
      bodies.push(response.body.replaceAll(path, 'PATH'));
      return response.body;
    };
    try {
      const manifest = join(paths.imagesDir, 'web', '2', 'manifest.json');
      const good = await readFile(manifest, 'utf8');
      await writeFile(manifest, '{"image": "web", "version": 2');
      for (const path of ['/preseed/web07', '/api/v1/hosts/web07/deploy']) {
        expect(await refused(path, 409, await token())).toMatch(/web@2's manifest is not valid JSON \(images\/web\/2\/manifest\.json\)/);
      }
      await writeFile(manifest, good);
      await mkdir(join(paths.overridesDir, 'group', 'wbe'), { recursive: true });
      expect(await refused('/api/v1/hosts/web07/deploy', 409, await token())).toMatch(/^ {2}overrides\/group\/wbe: no group "wbe" in the inventory/m);
      await refused('/api/v1/hosts/web07/deploy', 403, 'i1-not-a-token');
      await refused('/api/v1/hosts/web07/deploy', 401);
      await refused('/preseed/web99', 404);
      await refused('/no/such/route', 404);
      await refused('/ks/..%2F..%2Fetc%2Fpasswd', 400);
      const home = await realpath(paths.home);
      for (const body of bodies) {
        expect(body).not.toContain(paths.home);
        expect(body).not.toContain(home);
        // No absolute path at all in these: none of them is about a file on the client.
        expect(body, body).not.toMatch(/(?<![\w.:/])\/[\w.-]+\//);
      }
      // serve's own log keeps the paths, with the request id the access line has.
      expect(serve.log()).toMatch(/^request [0-9a-f]{8}: web@2's manifest is not valid JSON \(\S+\/images\/web\/2\/manifest\.json\)/m);
      expect(serve.log()).toContain(`${join(paths.overridesDir, 'group', 'wbe')}: no group "wbe"`);
    } finally {
      await serve.stop();
      await rm(paths.home, { recursive: true, force: true });
    }
  }, 60_000);
});
