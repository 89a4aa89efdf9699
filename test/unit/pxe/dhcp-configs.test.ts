import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findPackageRoot } from '../../../src/package/package-root.js';
import { planDhcpConfig } from '../../../src/pxe/dhcp-plan.js';
import { renderKeaConfig } from '../../../src/render/kea-config.js';
import { loadPxeTemplates, type PxeTemplates } from '../../../src/render/pxe-templates.js';
import type { DhcpConfigContext } from '../../../src/render/pxe-render-context.js';
import { loadPxeFixture, pxeInventory } from './pxe-fixture-inventory.js';

const run = promisify(execFile);
const golden = (name: string) => join(import.meta.dirname, 'golden', name);

// Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended template change, then review the diff.
const matchGolden = async (name: string, text: string): Promise<void> => {
  if (process.env['UPDATE_GOLDEN'] === '1') await writeFile(golden(name), text);
  expect(text).toBe(await readFile(golden(name), 'utf8'));
};

/** Each format through its own daemon's checker: rc 0, or the checker's words. */
const checkers: Record<'isc' | 'dnsmasq' | 'kea', (file: string) => string[]> = {
  isc: (file) => ['dhcpd', '-t', '-cf', file],
  dnsmasq: (file) => ['dnsmasq', '--test', `--conf-file=${file}`],
  kea: (file) => ['kea-dhcp4', '-t', file],
};

describe('DHCP configs from one inventory, through the real daemons\' checkers', () => {
  let templates: PxeTemplates;
  let work: string;
  // kea-dhcp4 -t insists that the interface exists on the checking machine: its configs name lo here.
  const render = (format: 'isc' | 'dnsmasq' | 'kea', context: DhcpConfigContext): string =>
    format === 'kea' ? renderKeaConfig({ ...context, interface: 'lo' }) : format === 'isc' ? templates.isc(context) : templates.dnsmasq(context);
  const check = async (format: 'isc' | 'dnsmasq' | 'kea', text: string): Promise<{ ok: boolean; output: string }> => {
    const file = join(work, `${format}-${Math.random().toString(36).slice(2)}.conf`);
    await writeFile(file, text);
    const [command, ...args] = checkers[format](file) as [string, ...string[]];
    try {
      const { stdout, stderr } = await run(command, args);
      return { ok: true, output: `${stdout}${stderr}` };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  };

  beforeAll(async () => {
    templates = await loadPxeTemplates(join(findPackageRoot(), 'templates'));
    work = await mkdtemp(join(tmpdir(), 'rootcast-dhcp-check-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  const full = () => {
    const { settings, hosts } = loadPxeFixture();
    return planDhcpConfig(settings, hosts, { proxy: false });
  };

  test.each([
    ['isc', 'dhcpd.conf'],
    ['dnsmasq', 'dnsmasq.conf'],
    ['kea', 'kea-dhcp4.json'],
  ] as const)('%s: golden file, accepted by its checker', async (format, name) => {
    const text = render(format, full());
    await matchGolden(name, text);
    const checked = await check(format, text);
    expect(checked.ok, checked.output).toBe(true);
  });

  test('dnsmasq proxy-DHCP: no range of addresses, no reservations, boot services per architecture; accepted', async () => {
    const { settings, hosts } = loadPxeFixture(pxeInventory(['  mode: proxy']));
    const text = templates.dnsmasq(planDhcpConfig(settings, hosts, { proxy: true }));
    await matchGolden('dnsmasq-proxy.conf', text);
    expect(text).toContain('dhcp-range=10.0.0.0,proxy,255.255.255.0');
    expect(text).not.toMatch(/^dhcp-host=/m);
    const checked = await check('dnsmasq', text);
    expect(checked.ok, checked.output).toBe(true);
  });

  test('dnsmasq serving TFTP itself (pxe.tftp: dnsmasq): confined to the tree, only on the PXE interface; accepted', async () => {
    const { settings, hosts } = loadPxeFixture(pxeInventory(['  pool: 10.0.0.100-10.0.0.199', '  tftp: dnsmasq']));
    const text = templates.dnsmasq(planDhcpConfig(settings, hosts, { proxy: false, tftpRoot: work }));
    const lines = text.split('\n').filter((line) => !line.startsWith('#'));
    expect(lines).toEqual(expect.arrayContaining(['enable-tftp', `tftp-root=${work}`, 'interface=eth1', 'except-interface=lo', 'bind-interfaces']));
    // A missing tree must stop dnsmasq, not leave DHCP handing out files nobody serves.
    expect(lines).not.toContain('tftp-no-fail');
    const checked = await check('dnsmasq', text);
    expect(checked.ok, checked.output).toBe(true);
  });

  test.each(['isc', 'dnsmasq', 'kea'] as const)('%s with the iPXE loader and ARM64: user class first, every architecture, accepted', async (format) => {
    const { settings, hosts } = loadPxeFixture(pxeInventory(['  pool: 10.0.0.100-10.0.0.199', '  loader: ipxe', '  architectures: [bios, x64-uefi, arm64-uefi]']));
    const text = render(format, planDhcpConfig(settings, hosts, { proxy: false }));
    expect(text).toContain('http://10.0.0.1:8780/pxe/boot.ipxe');
    expect(text).toContain('undionly.kpxe');
    const checked = await check(format, text);
    expect(checked.ok, checked.output).toBe(true);
  });

  test('the checkers do reject a broken config (the tests above can fail)', async () => {
    const breakages = { isc: [/range /, 'rang '], dnsmasq: [/dhcp-range=/, 'dhcp-rnage='], kea: [/10\.0\.0\.11/, '10.0.0.300'] } as const;
    for (const [format, [pattern, replacement]] of Object.entries(breakages) as [keyof typeof breakages, readonly [RegExp, string]][]) {
      const broken = render(format, full()).replace(pattern, replacement);
      expect((await check(format, broken)).ok, format).toBe(false);
    }
  });

  test('a host with two MACs gets one reservation per MAC; its address goes with the first', () => {
    const reservations = full().reservations.filter((reservation) => reservation.name === 'web02');
    expect(reservations).toEqual([
      { key: 'web02', name: 'web02', mac: '52:54:00:00:00:02', ip: '10.0.0.12' },
      { key: 'web02-2', name: 'web02', mac: '52:54:00:00:00:12', ip: '' },
    ]);
  });
});
