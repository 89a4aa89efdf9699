import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { sha256OfFile as sha256 } from '../../src/payload/hash-payload.js';
import { createTestNetwork, subnetOctet, type TestNetwork } from '../helpers/netns.js';
import { makeHomeWithImage, pxeInventoryText, spawnServePxe, tftpGet, type ServeInNamespace } from '../helpers/pxe-fixture.js';

const prefix = `10.213.${subnetOctet()}`;
const serverIp = `${prefix}.2`;

/**
 * `pxe.tftp: dnsmasq`: serve's dnsmasq serves the boot tree by TFTP itself. dnsmasq follows symlinks
 * (it opens names with a plain open()), so the sync removes every symlink from the tree; its own
 * tftp-root refuses "..", and as root it serves only world-readable files.
 */
describe('serve --pxe with pxe.tftp: dnsmasq', () => {
  let work: string;
  let paths: HomePaths;
  let net: TestNetwork;
  let serve: ServeInNamespace | undefined;
  let [server, client] = ['', ''];
  let initrd: string;
  const tree = () => join(paths.home, 'pxe');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-pxe-dnsmasq-tftp-'));
    paths = await makeHomeWithImage(work);
    await writeFile(join(work, 'linux'), randomBytes(64 * 1024));
    initrd = join(work, 'initrd.gz');
    await writeFile(initrd, randomBytes(3 * 1024 * 1024));
    await writeFile(paths.inventoryFile, pxeInventoryText({
      serverIp,
      prefix,
      kernel: join(work, 'linux'),
      initrd,
      pxe: [`  pool: ${prefix}.100-${prefix}.150`, '  tftp: dnsmasq'],
      hosts: [{ name: 'web01', mac: '52:54:00:ee:00:01' }],
    }), { mode: 0o600 });
    // What an audit (or a careless admin) leaves in the tree before serve starts.
    await mkdir(tree(), { recursive: true });
    await symlink('/etc/passwd', join(tree(), 'escape'));
    await symlink('/etc', join(tree(), 'etcdir'));
    await writeFile(join(tree(), 'private'), 'not for clients\n');
    await chmod(join(tree(), 'private'), 0o600);
    net = await createTestNetwork(2, `rcpxt${process.pid}`);
    [server, client] = net.namespaces as [string, string];
    serve = await spawnServePxe(net, server, paths.home, serverIp);
    await serve.waitFor(/pxe: dnsmasq serves DHCP and TFTP from /, 'dnsmasq to start');
    // The client reaches serve over the bridge before the TFTP assertions (a loaded machine is slow to pass the first frames).
    const reach = await net.run(client, 'curl', ['-sS', '-o', '/dev/null', '--retry', '20', '--retry-all-errors', '--retry-delay', '1', '--connect-timeout', '5', '--max-time', '120', `http://${serverIp}:8780/healthz`], { timeoutMs: 130_000 });
    expect(reach.exitCode, reach.stderr).toBe(0);
  }, 240_000);

  afterAll(async () => {
    await serve?.stop();
    await net?.destroy();
    await rm(work, { recursive: true, force: true });
  });

  test('the sync removed the symlinks and said so; rootcast\'s own TFTP server does not run', () => {
    const output = serve?.output() ?? '';
    expect(output).toContain('pxe: removed escape (a symlink to /etc/passwd) from the boot tree');
    expect(output).toContain('pxe: removed etcdir (a symlink to /etc) from the boot tree');
    expect(output).toContain(`pxe: dnsmasq serves DHCP and TFTP from ${tree()} on eth0`);
    expect(output).not.toContain('pxe: TFTP on');
  });

  test('a client fetches pxelinux.0 and the installer initrd from dnsmasq, byte for byte', async () => {
    const out = join(work, 'got');
    await mkdir(out, { recursive: true });
    const loader = await tftpGet(net, client, serverIp, 'pxelinux.0', join(out, 'pxelinux.0'));
    expect(loader.exitCode, `${loader.stdout}${loader.stderr}\n--- serve ---\n${serve?.output()}`).toBe(0);
    expect(await sha256(join(out, 'pxelinux.0'))).toBe(await sha256('/usr/lib/PXELINUX/pxelinux.0'));
    const big = await tftpGet(net, client, serverIp, 'installers/debian12/initrd.gz', join(out, 'initrd.gz'));
    expect(big.exitCode, big.stderr).toBe(0);
    expect(await sha256(join(out, 'initrd.gz'))).toBe(await sha256(initrd));
  });

  test('traversal, absolute paths, the removed symlinks and a file that is not world-readable are refused', async () => {
    for (const path of ['../rootcast.yaml', 'grub/../../rootcast.yaml', '/etc/passwd', 'escape', 'etcdir/passwd', 'private']) {
      const out = join(work, `leak-${path.replaceAll('/', '_')}`);
      const fetched = await tftpGet(net, client, serverIp, path, out);
      expect(`${fetched.stdout}${fetched.stderr}`, path).toMatch(/Error code [12]/);
      await expect(readFile(out, 'utf8').catch(() => ''), path).resolves.not.toMatch(/root:|pxe:|not for clients/);
    }
    expect(serve?.output()).toMatch(/cannot access .*\/private: Permission denied/);
  });

  test('a symlink placed later is removed at the next sync (SIGHUP) and then not served', async () => {
    await symlink('/etc/passwd', join(tree(), 'late'));
    const from = serve?.output().length ?? 0;
    serve?.signal('SIGHUP');
    await serve?.waitFor(/pxe: dnsmasq serves DHCP and TFTP/, 'the reload', 30_000, from);
    expect(serve?.output().slice(from)).toContain('pxe: removed late (a symlink to /etc/passwd) from the boot tree');
    const out = join(work, 'late');
    const fetched = await tftpGet(net, client, serverIp, 'late', out);
    expect(`${fetched.stdout}${fetched.stderr}`).toMatch(/Error code 1/);
  });

  test('dnsmasq answers TFTP on the PXE interface only: not on the loopback of its namespace', async () => {
    const onInterface = await tftpGet(net, server, serverIp, 'pxelinux.0', join(work, 'self-eth0'));
    expect(onInterface.exitCode, onInterface.stderr).toBe(0);
    const onLoopback = await net.run(server, 'curl', ['-sS', '--max-time', '5', '-o', join(work, 'self-lo'), 'tftp://127.0.0.1/pxelinux.0']);
    expect(onLoopback.exitCode).not.toBe(0);
    await expect(readFile(join(work, 'self-lo'))).rejects.toThrow();
  });
});
