import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { guessServerUrl } from '../../../src/inventory/server-url-guess.js';
import { renderStarterInventory } from '../../../src/inventory/starter.js';
import { validateInventoryText } from '../../../src/inventory/validate.js';

const header = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
const route = (iface: string, destination: string, flags: string, metric: number, mask: string): string =>
  `${iface}\t${destination}\t0100000A\t${flags}\t0\t0\t${metric}\t${mask}\t0\t0\t0`;
const v4 = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '52:54:00:00:00:01', cidr: `${address}/24` }) as NetworkInterfaceInfo;

describe('guessServerUrl', () => {
  it("takes the lowest-metric default route's interface and its IPv4 address", () => {
    const table = [header, route('eth0', '0000000A', '0001', 0, '00FFFFFF'), route('wlan0', '00000000', '0003', 600, '00000000'), route('eth0', '00000000', '0003', 100, '00000000')].join('\n');
    const interfaces = { lo: [v4('127.0.0.1', true)], eth0: [v4('10.0.0.5')], wlan0: [v4('192.168.1.9')] };
    expect(guessServerUrl({ routeTable: table, interfaces }, 8780)).toEqual({ ok: true, url: 'http://10.0.0.5:8780', interface: 'eth0', address: '10.0.0.5' });
  });

  it('ignores routes that are down and says why it cannot guess', () => {
    const down = [header, route('eth0', '00000000', '0002', 0, '00000000')].join('\n');
    expect(guessServerUrl({ routeTable: down, interfaces: { eth0: [v4('10.0.0.5')] } }, 8780)).toEqual({ ok: false, problem: 'this machine has no IPv4 default route' });
    expect(guessServerUrl({ routeTable: '', interfaces: {} }, 8780)).toEqual({ ok: false, problem: 'this machine has no IPv4 default route' });
    const up = [header, route('tun0', '00000000', '0001', 0, '00000000')].join('\n');
    expect(guessServerUrl({ routeTable: up, interfaces: { tun0: [] } }, 8780)).toEqual({ ok: false, problem: "the default route's interface tun0 has no IPv4 address" });
  });
});

describe('renderStarterInventory', () => {
  it('is a valid inventory, and so is every commented example once uncommented', () => {
    const text = renderStarterInventory('http://10.0.0.1:8780', { kind: 'guessed', interface: 'eth0' });
    expect(validateInventoryText(text)).toMatchObject({ errors: [], warnings: [] });
    expect(validateInventoryText(text).inventory.server).toEqual({ url: 'http://10.0.0.1:8780' });
    // Each section's examples sit in the comment above it ("#   key: value"); put them in the section.
    const uncommented = text.replace(/((?:#   \S.*\n)+)(\w+): \{\}\n/g, (_match, examples: string, section: string) =>
      `${section}:\n${examples.replace(/^#   /gm, '  ')}`,
    );
    expect(uncommented).toContain('hosts:\n  "web[01-03]": {ip: 10.0.0.11, groups: [web]}');
    const result = validateInventoryText(uncommented, { storeImages: [] });
    expect(result.errors).toEqual([]);
    expect(result.inventory.hosts.map((host) => host.name)).toEqual(['web01', 'web02', 'web03', 'web04']);
    expect(Object.keys(result.inventory.groups)).toEqual(['web']);
  });

  it('quotes any URL safely', () => {
    const text = renderStarterInventory('https://deploy.example:443', { kind: 'given' });
    expect(text).toContain('# Where installing hosts reach "rootcast serve".\nserver: {url: "https://deploy.example:443"}\n');
  });
});
