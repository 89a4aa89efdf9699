import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { rootcastBinary, runBinary } from '../helpers/cli.js';

const inventory = (installer: string, extraPxe: readonly string[] = [], hosts?: readonly string[]): string =>
  [
    'server: {url: "http://10.0.0.1:8780"}',
    'install: {distro: debian12}',
    'networks:',
    '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.254, dns: [10.0.0.53]}',
    'images:',
    '  web: {}',
    'pxe:',
    '  pool: 10.0.0.100-10.0.0.199',
    ...extraPxe,
    '  installers:',
    `    debian12: ${installer}`,
    'hosts:',
    ...(hosts ?? [
      '  web01: {mac: "52:54:00:00:00:01", ip: 10.0.0.11, image: web, network: lab}',
      '  web02: {ip: 10.0.0.12, image: web, network: lab}',
      '  web03: {ip: 10.0.0.13, image: web, network: lab}',
    ]),
    '',
  ].join('\n');

/** The pxe and dhcp commands of the built binary: good runs, and bad input that changes nothing. */
describe('rootcast pxe and dhcp commands', () => {
  let work: string;
  let home: string;
  let http: Server;
  let base: string;
  const rc = (...args: string[]) => runBinary(['--home', home, ...args]);
  const localInstaller = () => `{kernel: ${join(work, 'd-i', 'linux')}, initrd: ${join(work, 'd-i', 'initrd.gz')}}`;
  const tree = () => join(home, 'pxe');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-pxe-cli-'));
    await mkdir(join(work, 'd-i'));
    await writeFile(join(work, 'd-i', 'linux'), 'kernel');
    await writeFile(join(work, 'd-i', 'initrd.gz'), 'initrd');
    // A mirror on loopback: installer files by URL, and a 404.
    http = createServer((request, response) => {
      if (request.url === '/images/pxeboot/vmlinuz') return void response.end('remote kernel');
      if (request.url === '/images/pxeboot/initrd.img') return void response.end('remote initrd');
      response.writeHead(404).end('no');
    }).listen(0, '127.0.0.1');
    await once(http, 'listening');
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    http.close();
    await rm(work, { recursive: true, force: true });
  });
  beforeEach(async () => {
    home = await mkdtemp(join(work, 'home-'));
  });

  test('pxe sync builds the tree from the packages and the installers; a second sync copies nothing', async () => {
    await writeFile(join(home, 'rootcast.yaml'), inventory(localInstaller()), { mode: 0o600 });
    const first = await rc('--json', 'pxe', 'sync');
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ copied: expect.arrayContaining(['pxelinux.0', 'ldlinux.c32', 'shimx64.efi', 'grubx64.efi', 'installers/debian12/linux']) });
    expect(await readFile(join(tree(), 'pxelinux.0'))).toEqual(await readFile('/usr/lib/PXELINUX/pxelinux.0'));
    expect(await readFile(join(tree(), 'pxelinux.cfg/01-52-54-00-00-00-01'), 'utf8')).toContain('APPEND initrd=installers/debian12/initrd.gz auto=true priority=critical url=http://10.0.0.1:8780/preseed/web01');
    expect(await readFile(join(tree(), 'grub/hosts/52:54:00:00:00:01.cfg'), 'utf8')).toContain('linux /installers/debian12/linux auto=true');
    expect(await readFile(join(tree(), 'pxelinux.cfg/default'), 'utf8')).toContain('LOCALBOOT 0');
    const second = await rc('--json', 'pxe', 'sync');
    expect(JSON.parse(second.stdout)).toMatchObject({ copied: [], written: [], removed: [] });
    // A MAC that left the inventory loses its entries.
    await writeFile(join(home, 'rootcast.yaml'), inventory(localInstaller()).replace('mac: "52:54:00:00:00:01", ', ''));
    const third = await rc('--json', 'pxe', 'sync');
    expect(JSON.parse(third.stdout).removed).toEqual(['pxelinux.cfg/01-52-54-00-00-00-01', 'grub/hosts/52:54:00:00:00:01.cfg', 'ipxe/52-54-00-00-00-01.ipxe']);
  });

  test('installer files by URL are downloaded; pxe status says what each MAC boots next', async () => {
    await writeFile(join(home, 'rootcast.yaml'), inventory(`{kernel: "${base}/images/pxeboot/vmlinuz", initrd: "${base}/images/pxeboot/initrd.img"}`), { mode: 0o600 });
    const sync = await rc('--json', 'pxe', 'sync');
    expect(sync.status, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout).fetched).toEqual(['installers/debian12/vmlinuz', 'installers/debian12/initrd.img']);
    expect(await readFile(join(tree(), 'installers/debian12/vmlinuz'), 'utf8')).toBe('remote kernel');
    const status = await rc('pxe', 'status');
    expect(status.stdout).toMatch(/52:54:00:00:00:01\s+web01\s+install debian12\s+not deployed yet\s+yes/);
    expect(status.stdout).toContain('unknown machines: local boot');
    const local = await rc('pxe', 'localboot', 'web01');
    expect(local.status, local.stderr).toBe(0);
    expect(local.stdout).toContain('52:54:00:00:00:01 web01: next PXE boot boots the local disk (rootcast pxe localboot');
    expect(await readFile(join(tree(), 'pxelinux.cfg/01-52-54-00-00-00-01'), 'utf8')).toContain('LOCALBOOT 0');
  });

  test('an installer URL that 404s: the rest is written, that installer is not offered, exit 66 naming the URL and the setting', async () => {
    const twoInstallers = inventory(`{kernel: "${base}/missing/vmlinuz", initrd: "${base}/images/pxeboot/initrd.img"}`, [], [
      '  web01: {mac: "52:54:00:00:00:01", ip: 10.0.0.11, image: web, network: lab}',
      '  db01: {mac: "52:54:00:00:00:03", ip: 10.0.0.13, image: web, network: lab, install: {distro: rocky9}}',
    ]).replace('  installers:\n', `  installers:\n    rocky9: ${localInstaller()}\n`);
    await writeFile(join(home, 'rootcast.yaml'), twoInstallers, { mode: 0o600 });
    const sync = await rc('--json', 'pxe', 'sync');
    expect(sync.status, sync.stderr).toBe(66);
    expect(sync.stderr).toContain(`installers/debian12/vmlinuz: cannot fetch ${base}/missing/vmlinuz (pxe.installers.debian12.kernel): HTTP 404 Not Found; installer debian12 is not offered`);
    expect(sync.stderr).toContain('web01 boots locally instead of installing: installer debian12 is incomplete on this server (missing installers/debian12/vmlinuz)');
    expect(JSON.parse(sync.stdout)).toMatchObject({ copied: expect.arrayContaining(['pxelinux.0', 'ldlinux.c32', 'shimx64.efi', 'installers/rocky9/linux']), fetched: ['installers/debian12/initrd.img'], problems: [{ code: 'NOT_FOUND' }] });
    expect(await readFile(join(tree(), 'pxelinux.0'))).toEqual(await readFile('/usr/lib/PXELINUX/pxelinux.0'));
    expect(await readFile(join(tree(), 'pxelinux.cfg/01-52-54-00-00-00-03'), 'utf8')).toContain('KERNEL installers/rocky9/linux');
    expect(await readFile(join(tree(), 'pxelinux.cfg/01-52-54-00-00-00-01'), 'utf8')).toContain('LOCALBOOT 0');
    // The initrd that did download stays (no entry refers to it yet); no temp file is left behind.
    await expect(readdir(join(tree(), 'installers', 'debian12'))).resolves.toEqual(['initrd.img']);
    const status = await rc('pxe', 'status');
    expect(status.stdout).toMatch(/52:54:00:00:00:01\s+web01\s+local\s+installer debian12 is incomplete on this server.*\s+yes/);
    expect(status.stdout).toContain(`missing: installers/debian12/vmlinuz: ${base}/missing/vmlinuz (pxe.installers.debian12.kernel) is not downloaded yet`);
    expect(status.stdout).not.toContain('installers/debian12/initrd.img:');
  });

  test('a boot file no installed package provides: the rest is written, exit 69 naming the Debian package', async () => {
    await writeFile(join(home, 'rootcast.yaml'), inventory(localInstaller(), ['  architectures: [bios, arm64-uefi]']), { mode: 0o600 });
    const sync = await rc('pxe', 'sync');
    expect(sync.status).toBe(69);
    expect(sync.stderr).toContain('shimaa64.efi: /usr/lib/shim/shimaa64.efi.signed is missing; it comes with the Debian package shim-signed:arm64 (apt-get install shim-signed:arm64); the arm64-uefi loader is incomplete');
    expect(sync.stderr).toContain('grub-efi-arm64-signed');
    expect(sync.stdout).toMatch(/boot tree .*: 4 copied/);
    expect((await readdir(tree())).filter((name) => name.endsWith('.efi'))).toEqual([]);
    expect(await readFile(join(tree(), 'ldlinux.c32'))).toEqual(await readFile('/usr/lib/syslinux/modules/bios/ldlinux.c32'));
    expect(await readFile(join(tree(), 'pxelinux.cfg/01-52-54-00-00-00-01'), 'utf8')).toContain('KERNEL installers/debian12/linux');
    const missingPath = inventory(`{kernel: ${join(work, 'nope')}, initrd: ${join(work, 'd-i', 'initrd.gz')}}`);
    await writeFile(join(home, 'rootcast.yaml'), missingPath);
    const again = await rc('pxe', 'sync');
    expect([again.status, again.stderr]).toEqual([69, expect.stringContaining(`${join(work, 'nope')} (pxe.installers.debian12.kernel) does not exist on this server; installer debian12 is not offered`)]);
    expect(await readFile(join(tree(), 'pxelinux.cfg/01-52-54-00-00-00-01'), 'utf8')).toContain('LOCALBOOT 0');
  });

  test('symlinks in the tree are removed at sync and named; what they point at stays', async () => {
    await writeFile(join(home, 'rootcast.yaml'), inventory(localInstaller()), { mode: 0o600 });
    await mkdir(tree(), { recursive: true });
    await symlink(join(home, 'rootcast.yaml'), join(tree(), 'escape'));
    await symlink(home, join(tree(), 'installers'));
    const sync = await rc('pxe', 'sync');
    expect(sync.status, sync.stderr).toBe(0);
    expect(sync.stderr).toContain(`removed escape (a symlink to ${join(home, 'rootcast.yaml')}) from the boot tree`);
    expect(sync.stderr).toContain(`removed installers (a symlink to ${home}) from the boot tree`);
    // The copies went into a real directory, not through the symlink into the home.
    expect((await lstat(join(tree(), 'installers'))).isDirectory()).toBe(true);
    await expect(stat(join(home, 'debian12'))).rejects.toThrow();
    expect(await readFile(join(home, 'rootcast.yaml'), 'utf8')).toContain('pxe:');
  });

  test('under a strict umask (077) every file of the tree is still 644: PXE clients and dnsmasq read them', async () => {
    await writeFile(join(home, 'rootcast.yaml'), inventory(`{kernel: "${base}/images/pxeboot/vmlinuz", initrd: "${base}/images/pxeboot/initrd.img"}`), { mode: 0o600 });
    const sync = await promisify(execFile)('sh', ['-c', 'umask 077 && exec "$0" "$@"', process.execPath, rootcastBinary, '--home', home, 'pxe', 'sync']);
    expect(sync.stdout).toContain('boot tree');
    for (const file of ['pxelinux.0', 'installers/debian12/vmlinuz', 'pxelinux.cfg/default', 'pxelinux.cfg/01-52-54-00-00-00-01']) {
      expect(((await stat(join(tree(), file))).mode & 0o777).toString(8), file).toBe('644');
    }
  });

  test('a MAC in two hosts: every command refuses the inventory (65) naming both hosts', async () => {
    await writeFile(join(home, 'rootcast.yaml'), inventory(localInstaller(), [], [
      '  web01: {mac: "52:54:00:00:00:01", image: web}',
      '  web02: {mac: "52-54-00-00-00-01", image: web}',
    ]));
    for (const args of [['pxe', 'sync'], ['dhcp', 'config', '--format', 'isc']]) {
      const run = await rc(...args);
      expect(run.status, args.join(' ')).toBe(65);
      expect(run.stderr).toContain('52:54:00:00:00:01 (host web02) is also the MAC of web01');
    }
    // An inventory-level error is refused before anything is written.
    await expect(stat(tree())).rejects.toThrow();
  });

  test('usage errors: --proxy with ISC or Kea, an unknown format, an unknown host, a host without a MAC', async () => {
    await writeFile(join(home, 'rootcast.yaml'), inventory(localInstaller()), { mode: 0o600 });
    const proxy = await rc('dhcp', 'config', '--format', 'kea', '--proxy');
    expect([proxy.status, proxy.stderr]).toEqual([64, expect.stringContaining('--proxy works with --format dnsmasq only: Kea cannot be a proxy-DHCP server: it answers a PXE client only with an address lease and has no PXE boot service on port 4011')]);
    expect(proxy.stderr).toContain('run "rootcast serve --pxe" with pxe.mode: proxy');
    const isc = await rc('dhcp', 'config', '--format', 'isc', '--proxy');
    expect([isc.status, isc.stderr]).toEqual([64, expect.stringContaining('ISC dhcpd cannot be a proxy-DHCP server')]);
    expect(isc.stdout).toBe('');
    expect((await rc('dhcp', 'config', '--format', 'bind')).status).toBe(64);
    const unknown = await rc('pxe', 'reinstall', 'web99');
    expect([unknown.status, unknown.stderr]).toEqual([66, expect.stringContaining('no host named "web99"')]);
    const noMac = await rc('pxe', 'localboot', 'web02');
    expect([noMac.status, noMac.stderr]).toEqual([65, expect.stringContaining('web02 has no MAC in the inventory')]);
    await expect(readdir(join(home, 'state'))).rejects.toThrow();
  });

  test('dhcp learn: new MACs go to the hosts without one, in boot order; --dry-run and bad files write nothing', async () => {
    const text = inventory(localInstaller());
    await writeFile(join(home, 'rootcast.yaml'), text, { mode: 0o600 });
    const leases = join(home, 'dnsmasq.leases');
    await writeFile(leases, [
      '1795753830 52:54:00:00:00:0c 10.0.0.103 * *',
      '1795753800 52:54:00:00:00:01 10.0.0.11 web01 *',
      '1795753810 52:54:00:00:00:0a 10.0.0.101 * *',
      '1795753820 52:54:00:00:00:0b 10.0.0.102 * *',
      '',
    ].join('\n'));
    const dry = await rc('dhcp', 'learn', '--leases', leases, '--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry-run: would set 2 MAC(s)');
    expect(await readFile(join(home, 'rootcast.yaml'), 'utf8')).toBe(text);
    const learned = await rc('--json', 'dhcp', 'learn', '--leases', leases);
    expect(learned.status, learned.stderr).toBe(0);
    expect(JSON.parse(learned.stdout)).toMatchObject({
      learned: [{ host: 'web02', mac: '52:54:00:00:00:0a' }, { host: 'web03', mac: '52:54:00:00:00:0b' }],
      unmatched: [{ mac: '52:54:00:00:00:0c' }],
      waiting: [],
    });
    const after = await readFile(join(home, 'rootcast.yaml'), 'utf8');
    expect(after).toContain('web02: {ip: 10.0.0.12, image: web, network: lab, mac: "52:54:00:00:00:0a"}');
    await writeFile(join(home, 'bad.leases'), 'not a lease\n');
    const bad = await rc('dhcp', 'learn', '--leases', join(home, 'bad.leases'));
    expect(bad.status).toBe(65);
    expect(await readFile(join(home, 'rootcast.yaml'), 'utf8')).toBe(after);
  });
});
