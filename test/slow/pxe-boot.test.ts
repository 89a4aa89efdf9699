import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { debianInstaller } from '../helpers/d-i.js';
import { addVersion } from '../helpers/image-builder.js';
import { createTestNetwork, subnetOctet, type TestNetwork } from '../helpers/netns.js';
import { pxeInventoryText, spawnServePxe, type ServeInNamespace } from '../helpers/pxe-fixture.js';
import { startQemu } from '../helpers/qemu.js';

const slow = process.env.ROOTCAST_SLOW === '1';
const run = promisify(execFile);
const prefix = `10.213.${subnetOctet()}`;
const serverIp = `${prefix}.2`;
const hosts = {
  bios: { name: 'web07', mac: '52:54:00:bb:00:07', ip: `${prefix}.57` },
  uefi: { name: 'web08', mac: '52:54:00:bb:00:08', ip: `${prefix}.58` },
} as const;
// d-i reached its early_command ~35 s after a direct kernel boot; PXE adds firmware, DHCP and a 40 MB
// initrd over TFTP. The bound leaves room for a loaded CI machine; times are reported, never asserted.
const installTimeoutMs = 8 * 60_000;
const localTimeoutMs = 4 * 60_000;
const timings: string[] = [];

/**
 * What each loader prints on the serial console: pxelinux only turns the serial port on once its
 * config is read, so its own "Loading"/"Booting from local disk" lines are the evidence; grub prints
 * our entry's message.
 */
const evidence = {
  bios: {
    install: (name: string) => new RegExp(`Loading installers/debian12/linux[\\s\\S]*Command line: .*url=http://${serverIp.replaceAll('.', '\\.')}:8780/preseed/${name} `),
    local: () => /Booting from local disk/,
  },
  uefi: {
    install: (name: string) => new RegExp(`rootcast: installing ${name} with debian12`),
    local: (name: string) => new RegExp(`rootcast: ${name} boots from its local disk`),
  },
} as const;

type Firmware = keyof typeof hosts;

/**
 * QEMU PXE-boots from a tap device on the namespace bridge where `serve --pxe` runs: BIOS
 * (SeaBIOS → pxelinux) and UEFI (OVMF → shim → grub) each get our DHCP answer, load the real d-i
 * netboot kernel and initrd over TFTP and fetch their own preseed from our HTTP server; after a
 * reported done, their next PXE boot falls through to the local disk. One VM at a time.
 */
describe.skipIf(!slow)('PXE boots in QEMU through serve --pxe', () => {
  let work: string;
  let paths: HomePaths;
  let net: TestNetwork;
  let hub: string;
  let server: string;
  let serve: ServeInNamespace | undefined;

  const boot = async (firmware: Firmware, until: RegExp, timeoutMs: number, label: string): Promise<string> => {
    const vm = startQemu({
      serialLog: join(work, `${label}.log`),
      prefix: ['ip', 'netns', 'exec', hub],
      // BIOS: SeaBIOS has no PXE of its own and uses the NIC's iPXE ROM. UEFI: no ROM, so OVMF's own
      // network stack boots shim, as UEFI firmware does on real machines.
      nic: ['-netdev', 'tap,id=n0,ifname=tap0,script=no,downscript=no', '-device', `virtio-net-pci,netdev=n0,mac=${hosts[firmware].mac}${firmware === 'uefi' ? ',romfile=' : ''}`],
      args: ['-boot', 'n', ...(firmware === 'uefi' ? ['-bios', '/usr/share/ovmf/OVMF.fd'] : [])],
    });
    try {
      const found = await vm.waitForText(until, timeoutMs).catch((error: Error) => {
        throw new Error(`${error.message}\n--- serve log (tail) ---\n${(serve?.output() ?? '').split('\n').filter((line) => !/dnsmasq-dhcp.*(vendor|requested options|tags|sent size|user class|client provides)/.test(line)).slice(-40).join('\n')}`);
      });
      timings.push(`${label}: ${(found.elapsedMs / 1000).toFixed(1)} s`);
      console.info(`pxe-boot: ${label} after ${(found.elapsedMs / 1000).toFixed(1)} s`);
      return vm.readSerial();
    } finally {
      await vm.stop();
    }
  };

  /** What the runner does at the end of an install, from the server's own namespace: a fresh answer file's token, deploy, done. */
  const reportDone = async (host: string): Promise<void> => {
    const curl = async (path: string, args: string[] = []): Promise<string> =>
      (await net.run(server, 'curl', ['-sS', '--fail', ...args, `http://${serverIp}:8780${path}`])).stdout;
    const token = /\b(i\d+-[A-Za-z0-9_-]{43})\b/.exec(await curl(`/preseed/${host}`))?.[1] ?? '';
    const bearer = ['-H', `Authorization: Bearer ${token}`];
    await curl(`/api/v1/hosts/${host}/deploy`, bearer);
    await curl(`/api/v1/hosts/${host}/events`, [...bearer, '-H', 'Content-Type: application/json', '--data', JSON.stringify({ v: 1, kind: 'phase', id: `pxe-boot-done-${host}`, host, phase: 'done', status: 'succeeded', at: new Date().toISOString() })]);
    await serve?.waitFor(new RegExp(`pxe: ${host} finished installing`), `the PXE-once switch of ${host}`);
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-pxe-boot-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    await mkdir(join(work, 'golden', 'etc'), { recursive: true });
    await writeFile(join(work, 'golden', 'etc', 'motd'), 'golden\n');
    await addVersion(paths, 'web', join(work, 'golden'));
    net = await createTestNetwork(1, `rcpxeb${process.pid}`);
    hub = `rcpxeb${process.pid}-hub`;
    server = net.namespaces[0] as string;
    await run('ip', ['-n', hub, 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap']);
    await run('ip', ['-n', hub, 'link', 'set', 'tap0', 'master', 'br0', 'up']);
    await writeFile(
      paths.inventoryFile,
      pxeInventoryText({
        serverIp,
        prefix,
        kernel: debianInstaller.kernel,
        initrd: debianInstaller.initrd,
        kernelArgs: 'console=ttyS0,115200n8 DEBIAN_FRONTEND=text',
        hosts: [hosts.bios, hosts.uefi],
      }),
      { mode: 0o600 },
    );
    serve = await spawnServePxe(net, server, paths.home, serverIp);
    await serve.waitFor(/dnsmasq serves DHCP/, 'dnsmasq to start');
  });

  afterAll(async () => {
    if (timings.length > 0) console.info(`pxe-boot timings:\n  ${timings.join('\n  ')}`);
    await serve?.stop();
    await net?.destroy();
    await rm(work, { recursive: true, force: true });
  });

  for (const firmware of ['bios', 'uefi'] as const) {
    const { name, mac, ip } = hosts[firmware];
    test(`${firmware}: our DHCP answer, the d-i kernel and initrd over TFTP, ${name}'s own preseed; after done, local boot`, async () => {
      const marker = new RegExp(`rootcast: preseed read for ${name}\\r?$`, 'm');
      const serial = await boot(firmware, marker, installTimeoutMs, `${firmware} install`);
      expect(serial).toMatch(evidence[firmware].install(name));
      const log = serve?.output() ?? '';
      expect(log).toMatch(new RegExp(`DHCPACK\\(eth0\\) ${ip.replaceAll('.', '\\.')} ${mac}`));
      expect(log).toContain(`tftp: sent installers/debian12/initrd.gz to ${ip}`);
      expect(log).toContain(`answer file: preseed for ${name} served to ${ip}`);

      await reportDone(name);
      const local = await boot(firmware, evidence[firmware].local(name), localTimeoutMs, `${firmware} after done`);
      expect(local).not.toMatch(/Loading installers|rootcast: installing/);
    });
  }
});
