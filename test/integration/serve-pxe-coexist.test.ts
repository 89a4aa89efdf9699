import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { createTestNetwork, subnetOctet, type TestNetwork } from '../helpers/netns.js';
import { makeHomeWithImage, probeDhcpOffers, pxeInventoryText, runDhclient, spawnServePxe, writeDhcpHook, type ServeInNamespace } from '../helpers/pxe-fixture.js';
import { runBinary } from '../helpers/cli.js';

const prefix = `10.213.${subnetOctet()}`;
const serverIp = `${prefix}.2`;
const web01 = '52:54:00:cc:00:01';

/** A home with the `web` image, fake installer files and a PXE inventory. */
const makeHome = async (work: string, pxe: readonly string[]): Promise<HomePaths> => {
  const paths = await makeHomeWithImage(work);
  await writeFile(join(work, 'linux'), 'kernel');
  await writeFile(join(work, 'initrd.gz'), 'initrd');
  await writeFile(paths.inventoryFile, pxeInventoryText({ serverIp, prefix, kernel: join(work, 'linux'), initrd: join(work, 'initrd.gz'), hosts: [{ name: 'web01', mac: web01 }], pxe }), { mode: 0o600 });
  return paths;
};

describe('serve --pxe in proxy-DHCP mode beside the site\'s own DHCP server (ISC dhcpd)', () => {
  let work: string;
  let net: TestNetwork;
  let serve: ServeInNamespace | undefined;
  let site: ChildProcess | undefined;
  let [server, siteNs, client] = ['', '', ''];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-pxe-proxy-'));
    const paths = await makeHome(work, ['  mode: proxy']);
    net = await createTestNetwork(3, `rcpxp${process.pid}`);
    [server, siteNs, client] = net.namespaces as [string, string, string];
    await net.run(client, 'ip', ['link', 'set', 'eth0', 'address', web01]);
    // The site's server: a pool, no boot information at all.
    await writeFile(join(work, 'site.conf'), `default-lease-time 600;\nsubnet ${prefix}.0 netmask 255.255.255.0 {\n  range ${prefix}.200 ${prefix}.210;\n}\n`);
    await writeFile(join(work, 'site.leases'), '');
    site = net.spawn(siteNs, 'dhcpd', ['-f', '-4', '-cf', join(work, 'site.conf'), '-lf', join(work, 'site.leases'), '-pf', join(work, 'site.pid'), 'eth0'], { stdio: 'ignore' });
    serve = await spawnServePxe(net, server, paths.home, serverIp);
    await serve.waitFor(/dnsmasq serves proxy-DHCP/, 'dnsmasq to start');
  });

  afterAll(async () => {
    await serve?.stop();
    site?.kill('SIGKILL');
    await net?.destroy();
    await rm(work, { recursive: true, force: true });
  });

  test('a real dhclient gets its address from the site\'s server, not from us', async () => {
    const hook = await writeDhcpHook(work, 'proxy');
    await runDhclient(net, client, work, hook.script, 'proxy', 0);
    const lease = await hook.read();
    const last = Number(lease['new_ip_address']?.split('.')[3]);
    expect(last >= 200 && last <= 210, lease['new_ip_address']).toBe(true);
    expect(lease['new_dhcp_server_identifier']).toBe(`${prefix}.3`);
  });

  test('a PXE discover gets two offers: an address from the site; from us no address, the boot menu for its architecture', async () => {
    const offers = await probeDhcpOffers(net, client, web01, 0, `${prefix}.255`);
    const fromSite = offers.find((offer) => offer.serverId === `${prefix}.3`);
    const fromUs = offers.find((offer) => offer.serverId === serverIp);
    expect(fromSite?.yiaddr.startsWith(`${prefix}.2`)).toBe(true);
    expect(fromSite?.file).toBe('');
    expect(fromUs).toMatchObject({ yiaddr: '0.0.0.0', vendorClass: 'PXEClient' });
    // The BIOS boot item of the PXE menu (option 43); the client asks for its file next (port 4011).
    expect(fromUs?.pxeOptions).toContain('rootcast bios');
    expect(fromUs?.pxeOptions).not.toContain('rootcast x64-uefi');
  });
});

describe('serve --pxe when port 67 is taken: it says so and serves the rest', () => {
  let work: string;
  let net: TestNetwork;
  let serve: ServeInNamespace | undefined;
  let squatter: ChildProcess | undefined;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-pxe-busy-'));
    const paths = await makeHome(work, [`  pool: ${prefix}.100-${prefix}.150`]);
    net = await createTestNetwork(2, `rcpxq${process.pid}`);
    squatter = net.spawn(net.namespaces[0] as string, process.execPath, ['-e', "require('node:dgram').createSocket('udp4').bind(67, () => console.log('bound'))"], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => squatter?.stdout?.once('data', () => resolve()));
    serve = await spawnServePxe(net, net.namespaces[0] as string, paths.home, serverIp);
    await serve.waitFor(/pxe: DHCP is not served/, 'the DHCP failure');
  });

  afterAll(async () => {
    await serve?.stop();
    squatter?.kill('SIGKILL');
    await net?.destroy();
    await rm(work, { recursive: true, force: true });
  });

  test('the log names the cause and what to do; HTTP and TFTP still answer', async () => {
    const output = serve?.output() ?? '';
    expect(output).toMatch(/pxe: DHCP is not served: dnsmasq exited \(2\) before serving DHCP: .*failed to bind DHCP server socket: Address already in use/);
    expect(output).toContain('another DHCP server holds port 67');
    const client = net.namespaces[1] as string;
    const health = await net.run(client, 'curl', ['-sS', `http://${serverIp}:8780/healthz`]);
    expect(JSON.parse(health.stdout)).toMatchObject({ ok: true });
    const loader = await net.run(client, 'curl', ['-sS', '-o', join(work, 'pxelinux.0'), '-w', '%{size_download}', `tftp://${serverIp}/pxelinux.0`]);
    expect(Number(loader.stdout)).toBeGreaterThan(1000);
  });
});

describe('the generated dnsmasq config with the iPXE loader, run by a real dnsmasq', () => {
  let work: string;
  let net: TestNetwork;
  let dnsmasq: ChildProcess | undefined;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-pxe-ipxe-'));
    const paths = await makeHome(work, [`  pool: ${prefix}.100-${prefix}.150`, '  loader: ipxe']);
    const config = await runBinary(['--home', paths.home, 'dhcp', 'config', '--format', 'dnsmasq']);
    expect(config.status, config.stderr).toBe(0);
    await writeFile(join(work, 'dnsmasq.conf'), config.stdout);
    net = await createTestNetwork(2, `rcpxi${process.pid}`);
    dnsmasq = net.spawn(net.namespaces[0] as string, 'dnsmasq', ['--keep-in-foreground', `--conf-file=${join(work, 'dnsmasq.conf')}`, '--log-facility=-', '--pid-file', '--user=root', `--dhcp-leasefile=${join(work, 'leases')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve) => dnsmasq?.stderr?.on('data', (chunk: Buffer) => (chunk.toString().includes('started') ? resolve() : undefined)));
  });

  afterAll(async () => {
    dnsmasq?.kill('SIGTERM');
    await net?.destroy();
    await rm(work, { recursive: true, force: true });
  });

  test('firmware PXE gets undionly.kpxe; the same machine as iPXE (user class) gets the iPXE script URL', async () => {
    const client = net.namespaces[1] as string;
    const plain = await writeDhcpHook(work, 'plain');
    const first = await net.run(client, 'udhcpc', ['-i', 'eth0', '-n', '-q', '-f', '-t', '5', '-s', plain.script, '-x', '0x5d:0000']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect((await plain.read())['boot_file']).toBe('undionly.kpxe');
    const ipxe = await writeDhcpHook(work, 'ipxe');
    // Option 77 (user class) "iPXE", as iPXE sends it.
    const second = await net.run(client, 'udhcpc', ['-i', 'eth0', '-n', '-q', '-f', '-t', '5', '-s', ipxe.script, '-x', '0x5d:0000', '-x', `0x4d:${Buffer.from('iPXE').toString('hex')}`]);
    expect(second.exitCode, second.stderr).toBe(0);
    expect((await ipxe.read())['boot_file']).toBe(`http://${serverIp}:8780/pxe/boot.ipxe`);
  });
});
