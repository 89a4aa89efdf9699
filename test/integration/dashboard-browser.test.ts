import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { dashboardPasswordFile } from '../../src/server/dashboard-access.js';
import type { ServeFleet } from '../../src/server/serve-fleet.js';
import type { RunningServer } from '../../src/server/start-server.js';
import { artifactsDir, launchChromium, type TestBrowser } from '../helpers/chromium.js';
import { runBinary } from '../helpers/cli.js';
import { recordDeployment } from '../helpers/image-builder.js';
import { startInventoryServe, type InventoryServe } from '../helpers/inventory-serve.js';
import { buildFixtureStore, rawRequest, startTokenServe } from './serve-fixture.js';

const fleet: ServeFleet = {
  hosts: [
    { name: 'web01', macs: [], imageRef: 'web@1', groups: ['web'] },
    { name: 'web02', macs: [], imageRef: 'web@1', groups: ['web'] },
    { name: 'db01', macs: [], imageRef: 'db@1', groups: ['db'] },
  ],
};

let counter = 0;
const phase = (host: string, name: string, status: string, extra: Record<string, unknown> = {}) =>
  ({ v: 1, kind: 'phase', id: `browser-${(counter += 1)}-${process.pid}`, host, at: new Date().toISOString(), phase: name, status, run: 'feedc0de', ...extra });

// The real dashboard in Debian's headless chromium, fed by events posted to the real API.
describe('the dashboard in a browser', () => {
  let work: string;
  let paths: HomePaths;
  let server: RunningServer;
  let chrome: TestBrowser;
  let password: string;
  const tokens = new Map<string, string>();
  const base = () => `http://127.0.0.1:${server.http.port}`;
  const post = async (host: string, event: Record<string, unknown>): Promise<void> => {
    const response = await rawRequest(server.http.port, 'POST', `/api/v1/hosts/${host}/events`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(host)}` },
      body: JSON.stringify(event),
    });
    expect(response.status, response.body).toBe(201);
  };
  const barWidth = (page: Page, host: string): Promise<string> => page.locator(`#host-${host} .progress .bar span`).evaluate((span) => (span as HTMLElement).style.width);
  const shot = (page: Page, name: string) => page.screenshot({ path: join(artifactsDir, `dashboard-${name}.png`), fullPage: true });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-dashboard-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    await buildFixtureStore(paths);
    server = await startTokenServe(paths, work, fleet, { monitor: { flushMs: 100, requirePassword: true } });
    password = (await readFile(dashboardPasswordFile(paths), 'utf8')).trim();
    for (const host of ['web01', 'web02', 'db01']) {
      tokens.set(host, /# token (\S+)/.exec((await rawRequest(server.http.port, 'GET', `/preseed/${host}`)).body)?.[1] ?? '');
    }
    chrome = await launchChromium({ httpCredentials: { username: 'rootcast', password } });
  }, 120_000);

  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  test('without the password the dashboard is a 401 that asks for a login; the events API still wants the host\'s own token', async () => {
    for (const path of ['/', '/hosts/web01', '/dashboard/app.js', '/dashboard/fleet.json', '/dashboard/stream']) {
      const refused = await rawRequest(server.http.port, 'GET', path);
      expect([path, refused.status, refused.headers['www-authenticate']]).toEqual([path, 401, 'Basic realm="rootcast dashboard", charset="UTF-8"']);
    }
    const wrong = await rawRequest(server.http.port, 'GET', '/', { headers: { authorization: `Basic ${Buffer.from('rootcast:nope').toString('base64')}` } });
    expect(wrong.status).toBe(401);
    const dashboardLogin = { authorization: `Basic ${Buffer.from(`rootcast:${password}`).toString('base64')}` };
    expect((await rawRequest(server.http.port, 'GET', '/', { headers: dashboardLogin })).status).toBe(200);
    expect((await rawRequest(server.http.port, 'GET', '/api/v1/hosts/web01/events', { headers: { authorization: `Bearer ${password}` } })).status).toBe(403);
    expect((await rawRequest(server.http.port, 'POST', '/', { headers: dashboardLogin })).status).toBe(405);
  });

  test('a host\'s progress bar moves without a reload as events arrive; a failure shows its reason; the filter works', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${base()}/`);
    await page.evaluate(() => {
      (window as unknown as { loadedOnce: boolean }).loadedOnce = true;
    });
    await page.locator('#conn.live').waitFor();
    expect(await page.locator('#hosts tbody tr').count()).toBe(3);
    await post('web01', { v: 1, kind: 'runner-started', id: 'browser-start-web01', host: 'web01', at: new Date().toISOString(), run: 'feedc0de' });
    await post('web01', phase('web01', 'sync-image', 'started'));
    await post('web01', phase('web01', 'sync-image', 'progress', { percent: 10, bytes: 1_000_000, rate: 2_000_000 }));
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#host-web01 .progress .bar span')?.style.width === '10%');
    await post('web01', phase('web01', 'sync-image', 'progress', { percent: 60, bytes: 6_000_000, rate: 2_000_000 }));
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#host-web01 .progress .bar span')?.style.width === '60%');
    expect(await barWidth(page, 'web01')).toBe('60%');
    expect(await page.locator('#host-web01').getAttribute('data-state')).toBe('installing');
    expect(await page.locator('#host-web01 td[data-label="rate"]').textContent()).toBe('1.9 MiB/s');
    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    await shot(page, 'fleet-progress');

    await post('web02', phase('web02', 'sync-image', 'started'));
    await post('web02', phase('web02', 'sync-image', 'failed', { message: '[INTERRUPTED] the image server stopped the transfer', log: ['rsync: connection unexpectedly closed', 'rsync error: error in rsync protocol data stream (code 12)'] }));
    await page.waitForFunction(() => document.querySelector('#host-web02')?.getAttribute('data-state') === 'failed');
    expect(await page.locator('#host-web02 td.message').textContent()).toBe('sync-image: [INTERRUPTED] the image server stopped the transfer');
    expect(await page.locator('#summary').textContent()).toMatch(new RegExp('^3 hosts: 1 waiting, 1 installing, 1 failed · (image server 0 B/s \\(hosts report 1.9 MiB/s\\)|hosts report 1.9 MiB/s) · slowest phase: sync-image on web01 \\d+s \\(running\\) · none stalled$'));

    await page.selectOption('select[name="group"]', 'db');
    expect(await page.locator('#hosts tbody tr:visible').evaluateAll((rows) => rows.map((row) => row.id))).toEqual(['host-db01']);
    await page.selectOption('select[name="group"]', '');
    await page.selectOption('select[name="state"]', 'failed');
    expect(await page.locator('#hosts tbody tr:visible').evaluateAll((rows) => rows.map((row) => row.id))).toEqual(['host-web02']);
    expect(page.url()).toBe(`${base()}/?state=failed`);
    // The filter holds for rows that change afterwards, and a server-rendered filtered page agrees.
    await post('web01', phase('web01', 'sync-image', 'progress', { percent: 70 }));
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#host-web01 .progress .bar span')?.style.width === '70%');
    expect(await page.locator('#host-web01').isVisible()).toBe(false);
    await page.reload();
    expect(await page.locator('#hosts tbody tr:visible').evaluateAll((rows) => rows.map((row) => row.id))).toEqual(['host-web02']);
    await shot(page, 'fleet-filtered');
    await page.close();
  });

  test('the host page: the failure with its log lines, and a timeline with one bar per phase of each install', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${base()}/hosts/web02`);
    expect(await page.locator('#failure .reason').textContent()).toBe('[INTERRUPTED] the image server stopped the transfer');
    expect(await page.locator('#failure .lines').textContent()).toBe('rsync: connection unexpectedly closed\nrsync error: error in rsync protocol data stream (code 12)');
    expect(await page.locator('#log li.failed pre').textContent()).toContain('code 12');

    await page.goto(`${base()}/hosts/db01`);
    await page.locator('#conn.live').waitFor();
    const phases = ['preflight', 'ram-copy', 'mount', 'sync-image'];
    for (const name of phases) {
      await post('db01', phase('db01', name, 'started'));
      await post('db01', phase('db01', name, 'succeeded'));
    }
    await page.waitForFunction((count) => document.querySelectorAll('.timeline .install .bar').length === count, phases.length);
    expect(await page.locator('.timeline .install').first().locator('.bar').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('data-phase')))).toEqual(phases);
    expect(await page.locator('#log li').count()).toBe(phases.length * 2 + 1);
    // The next install gets its own row; the earlier one stays beside it.
    tokens.set('db01', /# token (\S+)/.exec((await rawRequest(server.http.port, 'GET', '/preseed/db01')).body)?.[1] ?? '');
    await post('db01', { v: 1, kind: 'installer-started', id: 'browser-inst-db01', host: 'db01', at: new Date().toISOString() });
    await post('db01', phase('db01', 'preflight', 'started', { run: 'c0ffee00' }));
    // Both events arrive over SSE one after the other: wait until the new row shows both bars.
    await page.waitForFunction(() => document.querySelectorAll('.timeline .install').length === 2 && document.querySelectorAll('.timeline .install')[0]?.querySelectorAll('.bar').length === 2);
    expect(await page.locator('.timeline .install').first().locator('.bar').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('data-phase')))).toEqual(['installer', 'preflight']);
    await shot(page, 'host-timeline');
    await page.close();
  });

  test('a long message is one short line in the table, the whole text in its tooltip', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${base()}/`);
    await page.locator('#conn.live').waitFor();
    const long = `warning: ${Array.from({ length: 400 }, (_, index) => `/srv/data/file-${index}`).join(' ')}`.slice(0, 4096);
    expect(long.length).toBe(4096);
    await post('web01', phase('web01', 'identity', 'progress', { message: long }));
    const cell = page.locator('#host-web01 td.message');
    await page.waitForFunction(() => (document.querySelector('#host-web01 td.message')?.textContent ?? '').startsWith('warning: /srv/data/file-0 '));
    const shown = (await cell.textContent()) ?? '';
    expect(shown.length).toBeLessThanOrEqual(160);
    expect(shown.endsWith('…')).toBe(true);
    expect(await cell.locator('span[title]').getAttribute('title')).toBe(long);
    // At 1366×768 the table still fits the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await shot(page, 'fleet-long-message');
    await page.close();
  });

  test('readable on a phone: rows become cards, nothing scrolls sideways', async () => {
    const page = await chrome.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base()}/`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await page.locator('#hosts thead').isVisible()).toBe(false);
    await shot(page, 'fleet-phone');
    await page.goto(`${base()}/hosts/web02`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await shot(page, 'host-phone');
    await page.close();
  });
});

// The real serve command on an inventory with a pxe: block: each host's next network boot, from the same
// readers `rootcast pxe` uses, in the table and on the host page, and changing live when an admin switches one.
describe('the dashboard shows what each host PXE-boots next', () => {
  let work: string;
  let paths: HomePaths;
  let serve: InventoryServe;
  let chrome: TestBrowser;
  const pxeCells = (page: Page) =>
    page.locator('#hosts tbody tr').evaluateAll((rows) => rows.map((row) => [row.id, row.querySelector('td.pxe')?.textContent ?? null, row.querySelector('td.pxe span')?.getAttribute('title') ?? null]));

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-dashboard-pxe-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    await buildFixtureStore(paths);
    await writeFile(join(paths.home, 'rootcast.yaml'), [
      'server: {url: "http://127.0.0.1:8780", answerFileClients: any}',
      'install: {distro: debian12}',
      'networks:',
      '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.254}',
      'pxe:',
      '  installers:',
      `    debian12: {kernel: ${join(work, 'linux')}, initrd: ${join(work, 'initrd.gz')}}`,
      'hosts:',
      '  web01: {mac: "52:54:00:00:00:01", ip: 10.0.0.11, image: web, network: lab}',
      '  web02: {mac: "52:54:00:00:00:02", ip: 10.0.0.12, image: web, network: lab}',
      '  web03: {ip: 10.0.0.13, image: web, network: lab}',
      '  web04: {mac: "52:54:00:00:00:04", ip: 10.0.0.14, image: web, network: lab, install: {distro: rocky9}}',
      '',
    ].join('\n'), { mode: 0o600 });
    // web02 finished an install: its record says so, so it boots its disk.
    await recordDeployment(paths, 'web02', 'web', 1);
    serve = await startInventoryServe(paths);
    chrome = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await chrome?.close();
    await serve?.stop();
    await rm(work, { recursive: true, force: true });
  });

  test('install, local disk, none, and a switch by rootcast pxe localboot shows without a reload; rootcast status has the column too', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${serve.url}/`);
    await page.locator('#conn.live').waitFor();
    expect(await page.locator('#hosts thead th').allTextContents()).toContain('next PXE boot');
    expect(await pxeCells(page)).toEqual([
      ['host-web01', 'install debian12', 'not deployed yet'],
      ['host-web02', 'local disk', 'deployed'],
      ['host-web03', 'none', 'no MAC in the inventory: PXE cannot tell it from other machines'],
      ['host-web04', 'local disk (cannot install)', 'pxe.installers has no entry for rocky9 (not deployed yet)'],
    ]);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-fleet-pxe.png'), fullPage: true });

    const status = await runBinary(['--home', paths.home, 'status']);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout.split('\n')[0]).toMatch(/^HOST\s+IMAGE\s+STATE\s+PHASE\s+PROGRESS\s+RATE\s+ETA\s+AGE\s+PXE\s+MESSAGE$/);
    expect(status.stdout).toMatch(/\nweb01\s.*\sinstall debian12\s+-\n/);
    expect(status.stdout).toMatch(/\nweb03\s.*\snone\s+-\n/);

    const switched = await runBinary(['--home', paths.home, 'pxe', 'localboot', 'web01']);
    expect(switched.status, switched.stderr).toBe(0);
    await page.waitForFunction(() => document.querySelector('#host-web01 td.pxe')?.textContent === 'local disk');
    expect(await page.locator('#host-web01 td.pxe span').getAttribute('title')).toMatch(/^rootcast pxe localboot, \d{4}-/);

    await page.goto(`${serve.url}/hosts/web04`);
    expect(await page.locator('.facts').textContent()).toContain('next PXE bootlocal disk (cannot install) pxe.installers has no entry for rocky9');
    await page.close();
  });
});
