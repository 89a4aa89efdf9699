import { describe, expect, it } from 'vitest';
import { resolveHosts, type ResolvedHost } from '../../../src/inventory/resolve.js';
import { validateInventoryText } from '../../../src/inventory/validate.js';

const text = `networks:
  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1, 10.0.0.2], domain: lab.example}
  dmz: {subnet: 192.168.5.0/24}
images:
  base: {vars: {role: image, tier: 9, motd: from base}}
  web: {vars: {motd: from web}}
groups:
  base: {image: base, network: lab, vars: {role: base, tier: 1, ntp: [a, b]}}
  web: {image: web@stable, vars: {role: web}}
  edge: {network: dmz, vars: {tier: 0}}
hosts:
  web01: {ip: 10.0.0.11, groups: [base, web], vars: {rack: a1}}
  web02: {ip: 10.0.0.12, groups: [web, base], vars: {role: special}}
  gw01: {ip: 192.168.5.10, groups: [edge, base]}
  "n[1-2]": {ip: 10.0.0.50, image: base@3, network: lab, groups: [edge]}
`;

const resolved = (): Map<string, ResolvedHost> => {
  const validation = validateInventoryText(text, { storeImages: ['web'] });
  expect(validation.errors).toEqual([]);
  return new Map(resolveHosts(validation.inventory).map((host) => [host.name, host]));
};

describe('resolveHosts', () => {
  it('takes the image from the first group (in listed order) that has one', () => {
    const hosts = resolved();
    expect(hosts.get('web01')?.image).toEqual({ ref: 'base', name: 'base', from: { kind: 'group', group: 'base' } });
    expect(hosts.get('web02')?.image).toEqual({ ref: 'web@stable', name: 'web', from: { kind: 'group', group: 'web' } });
  });

  it("prefers the host's own image and network over its groups'", () => {
    const n1 = resolved().get('n1');
    expect(n1?.image).toEqual({ ref: 'base@3', name: 'base', from: { kind: 'host' } });
    expect(n1?.network?.name).toBe('lab');
    expect(n1?.network?.from).toEqual({ kind: 'host' });
    expect(n1?.fqdn).toBe('n1.lab.example');
  });

  it('takes the network from the first group with one, with its settings and fqdn', () => {
    const hosts = resolved();
    expect(hosts.get('web01')?.network).toMatchObject({ name: 'lab', subnet: '10.0.0.0/24', netmask: '255.255.255.0', gateway: '10.0.0.1', dns: ['10.0.0.1', '10.0.0.2'], from: { kind: 'group', group: 'base' } });
    expect(hosts.get('web01')?.fqdn).toBe('web01.lab.example');
    const gw = hosts.get('gw01');
    expect(gw?.network).toMatchObject({ name: 'dmz', from: { kind: 'group', group: 'edge' } });
    expect(gw?.fqdn).toBeUndefined();
  });

  it('merges vars: the image, groups in listed order, then the host; later wins, and records who set each', () => {
    const hosts = resolved();
    // web01 deploys base (its first group's image): base's vars lie under both groups'.
    expect(hosts.get('web01')?.vars).toEqual({ role: 'web', tier: 1, motd: 'from base', ntp: ['a', 'b'], rack: 'a1' });
    expect(hosts.get('web01')?.varsFrom).toEqual({
      role: { kind: 'group', group: 'web' },
      tier: { kind: 'group', group: 'base' },
      motd: { kind: 'image', image: 'base' },
      ntp: { kind: 'group', group: 'base' },
      rack: { kind: 'host' },
    });
    // web02 deploys web@stable: the vars of image web, whatever the version.
    expect(hosts.get('web02')?.vars).toEqual({ role: 'special', tier: 1, motd: 'from web', ntp: ['a', 'b'] });
    expect(hosts.get('web02')?.varsFrom['motd']).toEqual({ kind: 'image', image: 'web' });
    expect(hosts.get('gw01')?.vars).toMatchObject({ tier: 1, role: 'base' });
    // n1 deploys base@3 and its only group (edge) sets tier: the image's role stays.
    expect(hosts.get('n1')?.vars).toEqual({ role: 'image', tier: 0, motd: 'from base' });
  });

  it('expands ranges with sequential addresses and records the source key and line', () => {
    const hosts = resolved();
    expect([hosts.get('n1')?.ip, hosts.get('n2')?.ip]).toEqual(['10.0.0.50', '10.0.0.51']);
    expect(hosts.get('n2')?.source).toEqual({ key: 'n[1-2]', line: 15, fromRange: true });
    expect(hosts.get('web01')?.source).toEqual({ key: 'web01', line: 12, fromRange: false });
    expect([...hosts.keys()]).toEqual(['web01', 'web02', 'gw01', 'n1', 'n2']);
  });
});
