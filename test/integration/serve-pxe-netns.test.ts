import { writeNetworkdFootprint } from '../helpers/network-footprint.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { addVersion } from '../helpers/image-builder.js';
import { createTestNetwork, subnetOctet, type CommandOutcome, type TestNetwork } from '../helpers/netns.js';
import { pxeInventoryText, runDhclient, runUdhcpc, spawnServePxe, writeDhcpHook, type ServeInNamespace } from '../helpers/pxe-fixture.js';
import { runBinary } from '../helpers/cli.js';

const prefix = `10.213.${subnetOctet()}`;
const macs = { web01: '52:54:00:aa:00:01', web02: '52:54:00:aa:00:02', stranger: '52:54:00:aa:00:09' };
const sha256 = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

/**
 * `rootcast serve --pxe` (the built binary) in one namespace: its dnsmasq leases to real udhcpc and
 * dhclient in others, its TFTP serves real tftp-hpa and curl, and a reported `done` switches the
 * host to local boot (PXE once).
 */
describe('serve --pxe in network namespaces: DHCP, TFTP, PXE once', () => {
  let work: string;
  let paths: HomePaths;
  let net: TestNetwork;
  let serve: ServeInNamespace | undefined;
  let server: string;
  let [web01, web02, stranger] = ['', '', ''];
  const serverIp = `${prefix}.2`;
  let initrd: string;

  const curl = (namespace: string, url: string, args: string[] = []): Promise<CommandOutcome> => net.run(namespace, 'curl', ['-sS', '--path-as-is', ...args, url]);
  const treeFile = (path: string) => readFile(join(paths.home, 'pxe', path), 'utf8');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-pxe-ns-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    await mkdir(join(work, 'golden', 'etc'), { recursive: true });
    await writeFile(join(work, 'golden', 'etc', 'motd'), 'golden\n');
    await writeNetworkdFootprint(join(work, 'golden'));
    await addVersion(paths, 'web', join(work, 'golden'));
    await mkdir(join(work, 'installer'));
    await writeFile(join(work, 'installer', 'linux'), randomBytes(512 * 1024));
    // Large enough for many TFTP windows and a block-number rollover at the default block size.
    initrd = join(work, 'installer', 'initrd.gz');
    await writeFile(initrd, randomBytes(24 * 1024 * 1024));
    net = await createTestNetwork(4, `rcpxe${process.pid}`);
    [server, web01, web02, stranger] = net.namespaces as [string, string, string, string];
    await writeFile(
      paths.inventoryFile,
      pxeInventoryText({
        serverIp,
        prefix,
        kernel: join(work, 'installer', 'linux'),
        initrd,
        hosts: [
          { name: 'web01', mac: macs.web01, ip: `${prefix}.50` },
          { name: 'web02', mac: macs.web02, ip: `${prefix}.51` },
        ],
      }),
      { mode: 0o600 },
    );
    for (const [namespace, mac] of [[web01, macs.web01], [web02, macs.web02], [stranger, macs.stranger]] as const) {
      expect((await net.run(namespace, 'ip', ['link', 'set', 'eth0', 'address', mac])).exitCode).toBe(0);
    }
    serve = await spawnServePxe(net, server, paths.home, serverIp);
    await serve.waitFor(/dnsmasq serves DHCP/, 'dnsmasq to start');
  });

  afterAll(async () => {
    await serve?.stop();
    await net?.destroy();
    await rm(work, { recursive: true, force: true });
  });

  test('serve says what each MAC boots next, that TFTP and DHCP run', () => {
    const output = serve?.output() ?? '';
    expect(output).toContain(`${macs.web01} web01: next PXE boot installs debian12 (not deployed yet)`);
    // Only on the PXE interface's address, not on every address of the machine.
    expect(output).toMatch(new RegExp(`pxe: TFTP on ${serverIp.replaceAll('.', '\\.')}:69 from .*/pxe \\(read-only\\)`));
    expect(output).toContain(`pxe: dnsmasq serves DHCP on eth0 for ${prefix}.0/24`);
  });

  test('a BIOS client (udhcpc) gets its reserved address, pxelinux.0 and our server as next-server', async () => {
    const hook = await writeDhcpHook(work, 'bios');
    const run = await runUdhcpc(net, web01, hook.script, 0);
    expect(run.exitCode, run.stderr).toBe(0);
    const lease = await hook.read();
    expect({ ip: lease['ip'], file: lease['boot_file'], next: lease['siaddr'] }).toEqual({ ip: `${prefix}.50`, file: 'pxelinux.0', next: serverIp });
    expect(Buffer.from(lease['opt224'] ?? '', 'hex').toString()).toBe(`http://${serverIp}:8780`);
  });

  test('an x64 UEFI client (dhclient, option 93 = 7) gets its reserved address and the signed shim', async () => {
    const hook = await writeDhcpHook(work, 'uefi');
    await runDhclient(net, web02, work, hook.script, 'uefi', 7);
    const lease = await hook.read();
    expect({ ip: lease['new_ip_address'], file: lease['new_filename'], next: lease['new_next_server'], name: lease['new_host_name'] }).toEqual({
      ip: `${prefix}.51`,
      file: 'shimx64.efi',
      next: serverIp,
      name: 'web02',
    });
  });

  test('an unknown machine gets a pool address; its boot entries boot the local disk', async () => {
    const hook = await writeDhcpHook(work, 'stranger');
    const run = await runUdhcpc(net, stranger, hook.script, 0);
    expect(run.exitCode, run.stderr).toBe(0);
    const lease = await hook.read();
    const last = Number(lease['ip']?.split('.')[3]);
    expect(lease['ip']?.startsWith(`${prefix}.`) && last >= 100 && last <= 150, lease['ip']).toBe(true);
    expect(await treeFile('pxelinux.cfg/default')).toContain('LOCALBOOT 0');
    expect(await treeFile('grub/hosts/default.cfg')).toMatch(/^exit$/m);
  });

  test('TFTP from another namespace: pxelinux.0 and a large initrd by tftp-hpa and curl, byte for byte', async () => {
    const out = join(work, 'fetched');
    await mkdir(out, { recursive: true });
    const loader = await net.run(stranger, 'tftp', ['-m', 'binary', serverIp, '-c', 'get', 'pxelinux.0', join(out, 'pxelinux.0')]);
    expect(loader.exitCode, loader.stderr).toBe(0);
    expect(await sha256(join(out, 'pxelinux.0'))).toBe(await sha256('/usr/lib/PXELINUX/pxelinux.0'));
    const big = await net.run(stranger, 'tftp', ['-m', 'binary', serverIp, '-c', 'get', 'installers/debian12/initrd.gz', join(out, 'initrd-tftp')], { timeoutMs: 120_000 });
    expect(big.exitCode, big.stderr).toBe(0);
    expect(await sha256(join(out, 'initrd-tftp'))).toBe(await sha256(initrd));
    const viaCurl = await curl(stranger, `tftp://${serverIp}/installers/debian12/initrd.gz`, ['-o', join(out, 'initrd-curl')]);
    expect(viaCurl.exitCode, viaCurl.stderr).toBe(0);
    expect(await sha256(join(out, 'initrd-curl'))).toBe(await sha256(initrd));
  });

  test('TFTP refuses paths outside the boot tree, symlinks out of it and uploads', async () => {
    await symlink(paths.inventoryFile, join(paths.home, 'pxe', 'escape'));
    for (const path of ['../rootcast.yaml', 'grub/../../rootcast.yaml', 'escape', '/../rootcast.yaml']) {
      const fetched = await curl(stranger, `tftp://${serverIp}/${path}`, ['-o', join(work, 'leak')]);
      expect(fetched.exitCode, path).not.toBe(0);
      const hpa = await net.run(stranger, 'tftp', ['-m', 'binary', serverIp, '-c', 'get', path, join(work, 'leak2')]);
      expect(`${hpa.stdout}${hpa.stderr}`, path).toMatch(/Error code/);
    }
    await expect(readFile(join(work, 'leak'), 'utf8').catch(() => '')).resolves.not.toContain('pxe:');
    const upload = await net.run(stranger, 'tftp', ['-m', 'binary', serverIp, '-c', 'put', initrd, 'uploaded']);
    expect(`${upload.stdout}${upload.stderr}`).toMatch(/Error code/);
    await expect(readFile(join(paths.home, 'pxe', 'uploaded'))).rejects.toThrow();
    expect(serve?.output()).toContain('tftp: refused "escape"');
  });

  test('TFTP answers on the PXE interface\'s address only: not on another address of the same namespace', async () => {
    const out = join(work, 'bound');
    const onInterface = await curl(server, `tftp://${serverIp}/pxelinux.0`, ['--max-time', '20', '-o', `${out}-eth0`]);
    expect(onInterface.exitCode, onInterface.stderr).toBe(0);
    expect(await sha256(`${out}-eth0`)).toBe(await sha256('/usr/lib/PXELINUX/pxelinux.0'));
    const onLoopback = await curl(server, 'tftp://127.0.0.1/pxelinux.0', ['--max-time', '5', '-o', `${out}-lo`]);
    expect(onLoopback.exitCode).not.toBe(0);
    await expect(readFile(`${out}-lo`)).rejects.toThrow();
  });

  test('the boot tree over HTTP for iPXE, and nothing outside it', async () => {
    const script = await curl(stranger, `http://${serverIp}:8780/pxe/boot.ipxe`);
    expect(script.stdout).toContain(`chain http://${serverIp}:8780/pxe/ipxe/\${net0/mac:hexhyp}.ipxe`);
    const entry = await curl(stranger, `http://${serverIp}:8780/pxe/ipxe/52-54-00-aa-00-01.ipxe`);
    expect(entry.stdout).toContain(`url=http://${serverIp}:8780/preseed/mac/\${net0/mac}`);
    const outside = await curl(stranger, `http://${serverIp}:8780/pxe/escape`, ['-w', '%{http_code}', '-o', '/dev/null']);
    expect(outside.stdout).toBe('404');
    const climbing = await curl(stranger, `http://${serverIp}:8780/pxe/../rootcast.yaml`, ['-w', '%{http_code}', '-o', '/dev/null']);
    expect(climbing.stdout).toBe('400');
  });

  test('PXE once: after the runner reports done, the host boots locally; pxe reinstall switches it back', async () => {
    expect(await treeFile(`pxelinux.cfg/01-${macs.web01.replaceAll(':', '-')}`)).toContain(`url=http://${serverIp}:8780/preseed/web01`);
    const answer = await curl(web01, `http://${serverIp}:8780/preseed/web01`);
    const token = /\b(i\d+-[A-Za-z0-9_-]{43})\b/.exec(answer.stdout)?.[1];
    expect(token, answer.stdout.slice(0, 300)).toBeDefined();
    const bearer = ['-H', `Authorization: Bearer ${token}`];
    expect((await curl(web01, `http://${serverIp}:8780/api/v1/hosts/web01/deploy`, [...bearer, '-o', '/dev/null', '-w', '%{http_code}'])).stdout).toBe('200');
    const done = await curl(web01, `http://${serverIp}:8780/api/v1/hosts/web01/events`, [
      ...bearer, '-H', 'Content-Type: application/json', '-o', '/dev/null', '-w', '%{http_code}',
      '--data', JSON.stringify({ v: 1, kind: 'phase', id: 'pxe-netns-done-web01', host: 'web01', phase: 'done', status: 'succeeded', at: '2026-01-02T03:04:05Z' }),
    ]);
    expect(done.stdout).toBe('201');
    await serve?.waitFor(/pxe: web01 finished installing/, 'the PXE-once switch');
    const pxelinux = await treeFile(`pxelinux.cfg/01-${macs.web01.replaceAll(':', '-')}`);
    expect(pxelinux).toContain('LOCALBOOT 0');
    expect(pxelinux).not.toContain('KERNEL');
    expect(await treeFile(`grub/hosts/${macs.web01}.cfg`)).toMatch(/^exit$/m);
    const status = await runBinary(['--home', paths.home, '--json', 'pxe', 'status']);
    expect(status.status, status.stderr).toBe(0);
    const rows = (JSON.parse(status.stdout) as { hosts: { host: string; next: string; why: string; synced: boolean }[] }).hosts;
    expect(rows.find((row) => row.host === 'web01')).toMatchObject({ next: 'local', synced: true, why: expect.stringContaining('install finished') });
    expect(rows.find((row) => row.host === 'web02')).toMatchObject({ next: 'install', synced: true });

    const again = await runBinary(['--home', paths.home, 'pxe', 'reinstall', 'web01']);
    expect(again.status, again.stderr).toBe(0);
    expect(await treeFile(`pxelinux.cfg/01-${macs.web01.replaceAll(':', '-')}`)).toContain('KERNEL installers/debian12/linux');
  });

  test('a reload that fails (a MAC in two hosts) keeps serving the previous PXE configuration and says so', async () => {
    const good = await readFile(paths.inventoryFile, 'utf8');
    const bad = good.replace(`mac: "${macs.web02}"`, `mac: "${macs.web01}"`);
    expect(bad).not.toBe(good);
    try {
      await writeFile(paths.inventoryFile, bad);
      const from = serve?.output().length ?? 0;
      serve?.signal('SIGHUP');
      await serve?.waitFor(/pxe: reload failed, still serving the previous PXE configuration/, 'the refused reload', 30_000, from);
      const said = serve?.output().slice(from) ?? '';
      expect(said).toContain(`${macs.web01} (host web02) is also the MAC of web01`);
      expect(said).toContain('fix the inventory, then send SIGHUP again');
      expect(said).not.toContain('not serving PXE');
      // The previous dnsmasq still leases web02 its reservation; TFTP still serves its entry.
      const hook = await writeDhcpHook(work, 'after-reload');
      const run = await runUdhcpc(net, web02, hook.script, 0);
      expect(run.exitCode, run.stderr).toBe(0);
      expect((await hook.read())['ip']).toBe(`${prefix}.51`);
      const entry = await curl(web02, `tftp://${serverIp}/pxelinux.cfg/01-${macs.web02.replaceAll(':', '-')}`);
      expect(entry.stdout).toContain('preseed/web02');
    } finally {
      await writeFile(paths.inventoryFile, good);
      const from = serve?.output().length ?? 0;
      serve?.signal('SIGHUP');
      await serve?.waitFor(/pxe: dnsmasq serves DHCP/, 'the good reload', 30_000, from);
    }
  });
});
