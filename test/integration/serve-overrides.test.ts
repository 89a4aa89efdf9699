import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueInstallToken } from '../../src/credentials/issue-token.js';
import type { HomePaths } from '../../src/home/paths.js';
import type { DeployInstructions, HostEnrolment } from '../../src/protocol/deploy-protocol.js';
import { deployInstructionsSchema } from '../../src/runner/instructions-schema.js';
import { storedEvents } from '../helpers/stored-events.js';
import { startInventoryServe, type InventoryServe } from '../helpers/inventory-serve.js';
import { makeOverrideHome, overrideInventory, removeOverrideHome, type OverrideHome } from '../helpers/override-fixture.js';

const exec = promisify(execFile);

let lastError = '';

/** rsync's exit code pulling `url` with `password` (5: the daemon refused the login or the module; its message in lastError). */
const pull = async (url: string, password: string, target: string): Promise<number> => {
  try {
    await exec('rsync', ['-aHAX', '--numeric-ids', url, `${target}/`], { env: { ...process.env, RSYNC_PASSWORD: password } });
    return 0;
  } catch (error) {
    lastError = (error as { stderr: string }).stderr;
    return (error as { code: number }).code;
  }
};

// The real serve on its inventory: each host reads its own rendered override tree, and nobody else's.
describe('rootcast serve: a module per host for its override tree', () => {
  let home: OverrideHome;
  let paths: HomePaths;
  let work: string;
  const signals = new EventEmitter();
  let serve: InventoryServe | undefined;
  let http = '';
  let rsyncPort = 0;

  beforeEach(async () => {
    home = await makeOverrideHome('rootcast-serve-ovl');
    ({ paths, work } = home);
    await mkdir(join(paths.overridesDir, 'host/web08/etc'), { recursive: true });
    await writeFile(join(paths.overridesDir, 'host/web08/etc/secret'), 'web08 only\n', { mode: 0o600 });
    await writeFile(paths.inventoryFile, overrideInventory);
    serve = await startInventoryServe(paths, { signals });
    http = serve.url;
    rsyncPort = serve.rsyncPort;
  });
  afterEach(async () => {
    await serve?.stop();
    await removeOverrideHome(home);
  });

  const token = async (host: string): Promise<string> => (await issueInstallToken(paths, host, { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'test' })).token;
  const deploy = (host: string, bearer: string) => fetch(`${http}/api/v1/hosts/${host}/deploy`, { headers: { authorization: `Bearer ${bearer}` } });
  const instructions = async (host: string, bearer: string): Promise<DeployInstructions> => {
    const response = await deploy(host, bearer);
    expect(response.status).toBe(200);
    // What the runner will parse: the overrides part passes its schema.
    return deployInstructionsSchema.parse(await response.json());
  };
  const moduleUrl = (user: string, module: string) => `rsync://${user}@127.0.0.1:${rsyncPort}/${module}/`;

  test('a host pulls its own rendered tree; another host\'s token and the old fleet-wide module get nothing', async () => {
    const a = await token('web07');
    const b = await token('web08');
    const web07 = await instructions('web07', a);
    expect(web07.overrides).toMatchObject({
      url: moduleUrl('install.web07', 'ovl.web07'),
      layers: [{ layer: 'identity/web07' }, { layer: 'all' }, { layer: 'group/web' }, { layer: 'host/web07' }],
      treeDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    // The record keeps the layers' digests with the version being deployed.
    const record = JSON.parse(await readFile(join(paths.stateDir, 'hosts', 'web07', 'record.json'), 'utf8')) as { deploying?: { overrides?: unknown } };
    expect(record.deploying?.overrides).toEqual({ layers: web07.overrides?.layers, treeDigest: web07.overrides?.treeDigest });
    expect(web07.overrides?.imageFilters).toEqual(expect.arrayContaining(['- /etc/app', '- /etc/hostname', 'H /etc/gone']));
    expect(web07.overrides?.overridesFilters.slice(0, 2)).toEqual(['P /etc/fstab', 'P /etc/fstab/**']);
    expect(web07.overrides?.overridesFilters.at(-1)).toBe('P *');

    expect(await pull(web07.overrides?.url ?? '', a, join(work, 'a'))).toBe(0);
    expect(await readFile(join(work, 'a/etc/hostname'), 'utf8')).toBe('web07.lab.example frontend\n');
    // The generated identity layer is part of the host's tree.
    expect(await readFile(join(work, 'a/etc/hosts'), 'utf8')).toContain('127.0.1.1\tweb07.lab.example web07\n');
    await expect(stat(join(work, 'a/etc/secret'))).rejects.toThrow(/ENOENT/);
    // web08's install token, as web08 or posing as web07, cannot read web07's module.
    expect(await pull(moduleUrl('install.web08', 'ovl.web07'), b, join(work, 'b'))).toBe(5);
    expect(lastError).toContain('@ERROR: auth failed on module ovl.web07');
    expect(await pull(moduleUrl('install.web07', 'ovl.web07'), b, join(work, 'b'))).toBe(5);
    expect(lastError).toContain('@ERROR: auth failed on module ovl.web07');
    await expect(stat(join(work, 'b/etc'))).rejects.toThrow(/ENOENT/);
    expect(await pull(moduleUrl('install.web07', 'overrides'), a, join(work, 'fleet'))).toBe(5);
    expect(lastError).toContain("Unknown module 'overrides'");
    // web08 reads its own (with its secret) once it asks for its instructions.
    const web08 = await instructions('web08', b);
    expect(await pull(web08.overrides?.url ?? '', b, join(work, 'b'))).toBe(0);
    expect(await readFile(join(work, 'b/etc/secret'), 'utf8')).toBe('web08 only\n');
    // The served trees and the identity layers they are built from live under run/, root's alone.
    expect((await stat(join(paths.home, 'run', 'overrides'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(paths.home, 'run', 'identity'))).mode & 0o777).toBe(0o700);
  });

  test('host B\'s host credential is refused on A\'s module; B\'s install token and host credential get 403 on A\'s HTTP routes', async () => {
    const a = await token('web07');
    const b = await token('web08');
    await instructions('web07', a);
    await instructions('web08', b);
    // web08 enrols as its runner does at the end of its install: its long-term host credential.
    const enrolled = await fetch(`${http}/api/v1/hosts/web08/credential`, { method: 'POST', headers: { authorization: `Bearer ${b}` } });
    expect(enrolled.status).toBe(200);
    const { credential, rsyncUser } = (await enrolled.json()) as HostEnrolment;
    expect(rsyncUser).toBe('host.web08');
    // The credential works where it should: web08's own tree, its secret included.
    expect(await pull(moduleUrl('host.web08', 'ovl.web08'), credential, join(work, 'own'))).toBe(0);
    expect(await readFile(join(work, 'own/etc/secret'), 'utf8')).toBe('web08 only\n');
    // On web07's module, as itself or posing as either of web07's users: refused, nothing received.
    for (const user of ['host.web08', 'host.web07', 'install.web07']) {
      expect(await pull(moduleUrl(user, 'ovl.web07'), credential, join(work, 'b')), user).toBe(5);
      expect(lastError).toContain('@ERROR: auth failed on module ovl.web07');
    }
    await expect(stat(join(work, 'b/etc'))).rejects.toThrow(/ENOENT/);

    // Over HTTP: web07's deploy instructions (its tree's module and filters), its update instructions, its
    // credential and its events, with either of web08's credentials: 403, nothing of web07's in the answer.
    const recordFile = join(paths.stateDir, 'hosts', 'web07', 'record.json');
    const recordBefore = await readFile(recordFile, 'utf8');
    const event = JSON.stringify({ v: 1, kind: 'phase', id: 'forged-by-web08', host: 'web07', at: new Date().toISOString(), phase: 'done', status: 'succeeded' });
    const requests: [string, string, RequestInit][] = [
      ['GET', 'deploy', {}],
      ['GET', 'update', {}],
      ['GET', 'update?ref=web@1&dry=1', {}],
      ['POST', 'credential', {}],
      ['GET', 'events', {}],
      ['POST', 'events', { body: event, headers: { 'content-type': 'application/json' } }],
    ];
    for (const bearer of [b, credential]) {
      for (const [method, path, init] of requests) {
        const response = await fetch(`${http}/api/v1/hosts/web07/${path}`, { ...init, method, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${bearer}` } });
        const body = await response.text();
        expect(response.status, `${method} ${path} with web08's ${bearer === b ? 'install token' : 'host credential'}`).toBe(403);
        expect(body).toMatch(/^that is not host web07's (install token|host credential)/);
        expect(body).not.toContain('ovl.web07');
      }
    }
    expect(await readFile(recordFile, 'utf8')).toBe(recordBefore);
    expect((await storedEvents(paths, 'web07')).map((stored) => stored.id)).not.toContain('forged-by-web08');
  });

  test('an unchanged identity keeps its layer directory; one serve cannot plan is a 409 naming the host and why', async () => {
    const a = await token('web07');
    const first = await instructions('web07', a);
    const layerDirs = async (): Promise<string[]> => readdir(join(paths.home, 'run', 'identity', 'web07'));
    const [dir] = await layerDirs();
    const inode = (await stat(join(paths.home, 'run', 'identity', 'web07', dir ?? ''))).ino;
    const second = await instructions('web07', a);
    expect(second.overrides?.treeDigest).toBe(first.overrides?.treeDigest);
    expect(await layerDirs()).toEqual([dir]);
    expect((await stat(join(paths.home, 'run', 'identity', 'web07', dir ?? ''))).ino).toBe(inode);

    // web08 asks for DHCP on an image with no network stack: nothing to write it for.
    await writeFile(paths.inventoryFile, overrideInventory.replace('web08: {mac: "52:54:00:12:34:57", image: web}', 'web08: {mac: "52:54:00:12:34:57", image: web, identity: {network: dhcp}}'));
    signals.emit('SIGHUP');
    const b = await token('web08');
    let refused = await deploy('web08', b);
    for (let attempt = 0; attempt < 50 && refused.status === 200; attempt += 1) {
      await sleep(100);
      refused = await deploy('web08', b);
    }
    expect(refused.status).toBe(409);
    const body = await refused.text();
    expect(body).toContain('host web08: identity cannot be planned');
    expect(body).toContain('network: the image has none of NetworkManager, systemd-networkd, netplan or ifupdown in use');
    // Another host deploys as before.
    expect((await deploy('web07', a)).status).toBe(200);
  });

  test('an edited layer is in the next deploy\'s tree without a reload; a broken template is a 409 naming file and line', async () => {
    const a = await token('web07');
    const first = await instructions('web07', a);
    await writeFile(join(paths.overridesDir, 'all/etc/motd'), 'edited motd\n');
    const second = await instructions('web07', a);
    expect(second.overrides?.treeDigest).not.toBe(first.overrides?.treeDigest);
    expect(await pull(second.overrides?.url ?? '', a, join(work, 'a'))).toBe(0);
    expect(await readFile(join(work, 'a/etc/motd'), 'utf8')).toBe('edited motd\n');

    await writeFile(join(paths.overridesDir, 'host/web07/etc/broken.hbs'), 'ok\n{{vars.nope}}\n');
    const refused = await deploy('web07', a);
    expect(refused.status).toBe(409);
    const body = await refused.text();
    expect(body).toContain('the override layers of web07 have 1 problem');
    // Named relative to serve's home: a body names no server path (docs/serve.md).
    expect(body).toContain('\n  overrides/host/web07/etc/broken.hbs:2: unknown variable vars.nope');
    expect(body).not.toContain(paths.home);
    // The last good tree is still what the module serves.
    expect(await pull(second.overrides?.url ?? '', a, join(work, 'again'))).toBe(0);
    expect(await readFile(join(work, 'again/etc/motd'), 'utf8')).toBe('edited motd\n');
  });
});
