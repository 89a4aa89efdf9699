import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { DeployInstructions } from '../../src/protocol/deploy-protocol.js';
import { serverSecretFile } from '../../src/credentials/server-secret.js';
import { addVersion, makeTempHome, removeHome } from '../helpers/image-builder.js';
import { startInventoryServe, type InventoryServe } from '../helpers/inventory-serve.js';
import type { HomePaths } from '../../src/home/paths.js';

const inventory = [
  'server: {url: "http://127.0.0.1:8780", answerFileClients: [127.0.0.1, 10.0.0.0/24]}',
  'networks:',
  '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, domain: lab.example}',
  // The test image is a bare tree with no network stack: its hosts keep its (absent) network configuration.
  'images:',
  '  web: {identity: {network: keep}}',
  'groups:',
  '  web: {image: web, network: lab, install: {distro: rocky9}}',
  'hosts:',
  '  web07: {mac: "52:54:00:12:34:56", ip: 10.0.0.17, groups: [web]}',
  '  deb01: {image: web@1, install: {distro: debian12}}',
  '  plain01: {image: web@1}',
  '  noimage: {}',
  '',
].join('\n');

// rootcast serve with its real data sources: the inventory, the image store and the answer-file renderer.
describe('rootcast serve backed by the inventory', () => {
  let paths: HomePaths;
  let source: string;
  let serve: InventoryServe | undefined;
  let stderr = '';
  let port = 0;
  /** SIGHUP, then wait (bounded, generous for a loaded machine) until serve says it reloaded once more. */
  const reload = async (): Promise<void> => {
    const reloads = (): number => stderr.split('reloaded').length - 1;
    const before = reloads();
    serve?.signals.emit('SIGHUP');
    for (let attempt = 0; attempt < 600 && reloads() === before; attempt += 1) await sleep(50);
    expect(reloads(), stderr).toBe(before + 1);
  };

  beforeEach(async () => {
    stderr = '';
    paths = await makeTempHome('rootcast-serve-inv-');
    source = await mkdtemp(join(tmpdir(), 'rootcast-serve-inv-src-'));
    await mkdir(join(source, 'etc'));
    await writeFile(join(source, 'etc/motd'), 'golden\n');
    await addVersion(paths, 'web', source);
    await addVersion(paths, 'web', source);
    await writeFile(paths.inventoryFile, inventory);
    serve = await startInventoryServe(paths, { stderr: (text) => (stderr += text), rsyncAllow: [] });
    port = serve.httpPort;
  });
  afterEach(async () => {
    await serve?.stop();
    await removeHome(paths);
    await rm(source, { recursive: true, force: true });
  });

  const tokenIn = (answer: string): string => /ROOTCAST_TOKEN=(\S+)/.exec(answer)?.[1] ?? '';
  /** The host's token from a freshly served answer file (each fetch issues the next one). */
  const fresh = async (host: string): Promise<string> => tokenIn(await (await fetch(`http://127.0.0.1:${port}/ks/${host}`)).text());

  test('answer files by name and by MAC carry a new install token each; hosts it cannot serve are named in the log', async () => {
    const byName = await fetch(`http://127.0.0.1:${port}/ks/web07`);
    expect(byName.status).toBe(200);
    const kickstart = await byName.text();
    expect(kickstart).toMatch(/ROOTCAST_TOKEN=i1-[A-Za-z0-9_-]{43} sh \/tmp\/rootcast-bootstrap\.sh/);
    expect(kickstart).toContain('Rocky Linux 9');
    const byMac = await (await fetch(`http://127.0.0.1:${port}/ks/mac/52-54-00-12-34-56`)).text();
    expect(byMac.replaceAll(tokenIn(byMac), 'T')).toBe(kickstart.replaceAll(tokenIn(kickstart), 'T'));
    expect(tokenIn(byMac)).toMatch(/^i2-/);
    expect((await fetch(`http://127.0.0.1:${port}/preseed/deb01`)).status).toBe(200);
    expect(stderr).toContain('serve: not serving noimage: no image set');
  });

  test('deploy instructions resolve the image version and take family and kept paths from the distro profile', async () => {
    const deploy = async (host: string): Promise<DeployInstructions> => {
      const token = host === 'deb01' ? tokenIn(await (await fetch(`http://127.0.0.1:${port}/preseed/${host}`)).text()) : await fresh(host);
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/hosts/${host}/deploy`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      return (await response.json()) as DeployInstructions;
    };
    const web07 = await deploy('web07');
    expect(web07).toMatchObject({ host: 'web07', image: 'web', version: 2, ref: 'web@2', family: 'rhel' });
    expect(web07.keepPaths).toContain('/etc/default/grub');
    expect(web07.rsync.url).toMatch(/^rsync:\/\/install\.web07@127\.0\.0\.1:\d+\/img\.web\.2\/$/);
    const deb01 = await deploy('deb01');
    expect(deb01).toMatchObject({ ref: 'web@1', family: 'debian' });
    expect(deb01.keepPaths).not.toContain('/etc/default/grub');
  });

  test('an answer file the host\'s settings cannot produce is a 409 naming the setting, not a 500', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/ks/deb01`);
    expect(response.status).toBe(409);
    const body = await response.text();
    expect(body).toContain('cannot generate kickstart for deb01');
    expect(body).toContain('deb01: install.distro: debian12 is installed by debian-installer; use rootcast preseed or --distro');
    expect(body).toContain('hint: fix the host settings in the inventory');
    expect((await fetch(`http://127.0.0.1:${port}/preseed/deb01`)).status).toBe(200);
  });

  test('answer files carry a token serve accepts even after the secret file is removed on disk', async () => {
    await rm(serverSecretFile(paths));
    const token = await fresh('web07');
    const deploy = await fetch(`http://127.0.0.1:${port}/api/v1/hosts/web07/deploy`, { headers: { authorization: `Bearer ${token}` } });
    expect(deploy.status).toBe(200);
  });

  test('answer files come from the snapshot of the last (re)load, like deploy instructions; SIGHUP takes the edit', async () => {
    await writeFile(paths.inventoryFile, inventory.replace('install: {distro: rocky9}', 'install: {distro: rocky9, timezone: Asia/Tokyo}'));
    expect(await (await fetch(`http://127.0.0.1:${port}/ks/web07`)).text()).not.toContain('Asia/Tokyo');
    await reload();
    expect(await (await fetch(`http://127.0.0.1:${port}/ks/web07`)).text()).toContain('timezone Asia/Tokyo');
  });

  test('without server.answerFileClients, answer files go only to the inventory\'s networks', async () => {
    await writeFile(paths.inventoryFile, inventory.replace(', answerFileClients: [127.0.0.1, 10.0.0.0/24]', ''));
    await reload();
    const refused = await fetch(`http://127.0.0.1:${port}/ks/web07`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/answer files are served only to 10\.0\.0\.0\/24 \(from networks\); 127\.0\.0\.1 is not among them/);
  });

  test('a host without install.distro keeps the files of both default installers (rhel9 and debian12)', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/hosts/plain01/deploy`, {
      headers: { authorization: `Bearer ${await fresh('plain01')}` },
    });
    expect(response.status).toBe(200);
    const { keepPaths } = (await response.json()) as DeployInstructions;
    // /ks/plain01 renders rhel9 (LVM devices file, GRUB command line), /preseed/plain01 debian12 (resume device).
    expect(keepPaths).toEqual(expect.arrayContaining(['/etc/lvm/devices/system.devices', '/etc/default/grub', '/etc/kernel/cmdline', '/boot/grub2/grubenv', '/etc/initramfs-tools/conf.d/resume', '/etc/fstab']));
    expect(new Set(keepPaths).size).toBe(keepPaths.length);
  });
});
