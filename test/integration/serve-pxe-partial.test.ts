import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { sha256OfFile as sha256 } from '../../src/payload/hash-payload.js';
import { createTestNetwork, subnetOctet, type TestNetwork } from '../helpers/netns.js';
import { makeHomeWithImage, pxeInventoryText, spawnServePxe, tftpGet, type ServeInNamespace } from '../helpers/pxe-fixture.js';

const prefix = `10.213.${subnetOctet()}`;
const serverIp = `${prefix}.2`;
const mirrorIp = `${prefix}.3`;
const macs = { web01: '52:54:00:dd:00:01', db01: '52:54:00:dd:00:03' };

/** A mirror in its own namespace: serves the files under `dir` by path, 404 for the rest (read on every request). */
const mirrorScript = `
const http = require('node:http'); const fs = require('node:fs'); const path = require('node:path');
const dir = process.argv[1];
http.createServer((request, response) => {
  fs.readFile(path.join(dir, path.normalize(request.url)), (error, data) => error ? response.writeHead(404).end('no') : response.end(data));
}).listen(8088, process.argv[2], () => console.log('listening'));
`;

/**
 * serve --pxe on a fresh home where one installer URL answers 404 and the arm64 packages are not
 * installed: everything else is copied and served over TFTP, the log names the URL, the status and
 * the Debian package, and every MAC's next boot is printed; once the mirror has the file, SIGHUP
 * completes the tree.
 */
describe('serve --pxe serves what it can when an installer URL 404s and a package is missing', () => {
  let work: string;
  let paths: HomePaths;
  let net: TestNetwork;
  let serve: ServeInNamespace | undefined;
  let mirror: ChildProcess | undefined;
  let [server, mirrorNs, client] = ['', '', ''];
  const mirrorDir = () => join(work, 'mirror');
  const fromServer = (file: string, out: string) => tftpGet(net, client, serverIp, file, out);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-pxe-partial-'));
    paths = await makeHomeWithImage(work);
    await mkdir(join(mirrorDir(), 'debian'), { recursive: true });
    await mkdir(join(mirrorDir(), 'rocky'), { recursive: true });
    await writeFile(join(mirrorDir(), 'debian', 'linux'), randomBytes(300 * 1024));
    await writeFile(join(mirrorDir(), 'debian', 'initrd.gz'), randomBytes(700 * 1024));
    await writeFile(join(mirrorDir(), 'rocky', 'initrd.img'), randomBytes(200 * 1024));
    net = await createTestNetwork(3, `rcpxd${process.pid}`);
    [server, mirrorNs, client] = net.namespaces as [string, string, string];
    mirror = net.spawn(mirrorNs, process.execPath, ['-e', mirrorScript, mirrorDir(), mirrorIp], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(mirror.stdout!, 'data');
    // The good URLs must answer from serve's namespace before serve fetches them: on a loaded machine the
    // first connection over a new bridge has taken longer than fetch's 10 s connect timeout.
    const reach = await net.run(server, 'curl', ['-sS', '-o', '/dev/null', '--retry', '20', '--retry-all-errors', '--retry-delay', '1', '--connect-timeout', '5', '--max-time', '120', `http://${mirrorIp}:8088/debian/linux`], { timeoutMs: 130_000 });
    expect(reach.exitCode, reach.stderr).toBe(0);
    const url = (path: string) => `"http://${mirrorIp}:8088/${path}"`;
    await writeFile(paths.inventoryFile, pxeInventoryText({
      serverIp,
      prefix,
      kernel: url('debian/linux'),
      initrd: url('debian/initrd.gz'),
      installers: [`    rocky9: {kernel: ${url('rocky/vmlinuz')}, initrd: ${url('rocky/initrd.img')}}`],
      pxe: [`  pool: ${prefix}.100-${prefix}.150`, '  architectures: [bios, x64-uefi, arm64-uefi]'],
      hosts: [{ name: 'web01', mac: macs.web01 }, { name: 'db01', mac: macs.db01, distro: 'rocky9' }],
    }), { mode: 0o600 });
    serve = await spawnServePxe(net, server, paths.home, serverIp);
    await serve.waitFor(/pxe: dnsmasq serves DHCP/, 'dnsmasq to start');
  }, 240_000);

  afterAll(async () => {
    await serve?.stop();
    mirror?.kill('SIGTERM');
    await net?.destroy();
    await rm(work, { recursive: true, force: true });
  });

  test('the log names the failing URL with its status, the missing package, and what goes without them', () => {
    const output = serve?.output() ?? '';
    expect(output).toContain(`pxe: missing: installers/rocky9/vmlinuz: cannot fetch http://${mirrorIp}:8088/rocky/vmlinuz (pxe.installers.rocky9.kernel): HTTP 404 Not Found; installer rocky9 is not offered: its hosts boot from their local disk`);
    expect(output).toContain('pxe: missing: shimaa64.efi: /usr/lib/shim/shimaa64.efi.signed is missing; it comes with the Debian package shim-signed:arm64');
    expect(output).toContain('the arm64-uefi loader is incomplete: arm64-uefi machines cannot boot from this server');
    expect(output).toContain('pxe: everything else is served');
    expect(output).toMatch(/pxe: boot tree .*: [1-9]\d* copied, 3 fetched/);
  });

  test('every MAC\'s next boot is printed anyway: web01 installs, db01 (no complete installer) boots its disk', () => {
    const output = serve?.output() ?? '';
    expect(output).toContain(`pxe: ${macs.web01} web01: next PXE boot installs debian12 (not deployed yet)`);
    expect(output).toContain(`pxe: ${macs.db01} db01: next PXE boot boots the local disk (installer rocky9 is incomplete on this server (missing installers/rocky9/vmlinuz))`);
  });

  test('TFTP from another namespace serves pxelinux.0, ldlinux.c32, shim and the good installer, byte for byte; not the missing kernel', async () => {
    const out = join(work, 'fetched');
    await mkdir(out, { recursive: true });
    for (const [file, source] of [
      ['pxelinux.0', '/usr/lib/PXELINUX/pxelinux.0'],
      ['ldlinux.c32', '/usr/lib/syslinux/modules/bios/ldlinux.c32'],
      ['shimx64.efi', '/usr/lib/shim/shimx64.efi.signed'],
      ['installers/debian12/linux', join(mirrorDir(), 'debian', 'linux')],
      ['installers/debian12/initrd.gz', join(mirrorDir(), 'debian', 'initrd.gz')],
    ] as const) {
      const fetched = await fromServer(file, join(out, file.replaceAll('/', '_')));
      expect(fetched.exitCode, `${file}: ${fetched.stderr}`).toBe(0);
      expect(await sha256(join(out, file.replaceAll('/', '_'))), file).toBe(await sha256(source));
    }
    const missing = await fromServer('installers/rocky9/vmlinuz', join(out, 'vmlinuz'));
    expect(`${missing.stdout}${missing.stderr}`).toMatch(/Error code 1/);
    const entry = await fromServer(`pxelinux.cfg/01-${macs.db01.replaceAll(':', '-')}`, join(out, 'db01.cfg'));
    expect(entry.exitCode, entry.stderr).toBe(0);
    expect(await readFile(join(out, 'db01.cfg'), 'utf8')).toContain('LOCALBOOT 0');
  });

  test('once the mirror has the kernel, SIGHUP completes the tree and db01 installs again', async () => {
    await writeFile(join(mirrorDir(), 'rocky', 'vmlinuz'), randomBytes(100 * 1024));
    const from = serve?.output().length ?? 0;
    serve?.signal('SIGHUP');
    await serve?.waitFor(/pxe: dnsmasq serves DHCP/, 'the reload', 60_000, from);
    const said = serve?.output().slice(from) ?? '';
    expect(said).toMatch(/pxe: boot tree .*: 0 copied, 1 fetched/);
    expect(said).not.toContain('installers/rocky9/vmlinuz: cannot fetch');
    expect(said).toContain(`pxe: ${macs.db01} db01: next PXE boot installs rocky9 (not deployed yet)`);
    const out = join(work, 'db01-after.cfg');
    const entry = await fromServer(`pxelinux.cfg/01-${macs.db01.replaceAll(':', '-')}`, out);
    expect(entry.exitCode, entry.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('KERNEL installers/rocky9/vmlinuz');
  });
});
