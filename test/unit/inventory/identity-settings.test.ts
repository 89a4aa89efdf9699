import { describe, expect, test } from 'vitest';
import { identityInputOf } from '../../../src/identity/host-input.js';
import { effectiveNetworkMode } from '../../../src/inventory/identity-settings.js';
import { formatIssue } from '../../../src/inventory/issue.js';
import { renderHostDetails } from '../../../src/inventory/present.js';
import { formatOrigin, resolveHosts } from '../../../src/inventory/resolve.js';
import { validateInventoryText } from '../../../src/inventory/validate.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

const fleet = lines(
  'networks:',
  '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1, 10.0.0.2], domain: lab.example}',
  'images:',
  '  web: {identity: {mtu: 9000}}',
  'groups:',
  '  web: {image: web, network: lab, identity: {interface: lan0, searchDomains: [corp.example]}}',
  '  kept: {identity: {network: keep}}',
  'hosts:',
  '  web01: {mac: "52:54:00:00:00:01", ip: 10.0.0.11, groups: [web]}',
  '  web02: {groups: [web]}',
  '  web03: {ip: 10.0.0.13, groups: [web, kept]}',
  '  web04: {ip: 10.0.0.14, groups: [web], identity: {network: dhcp, mtu: 1500}}',
);

describe('identity settings in the inventory', () => {
  test('merge key by key along image → groups → host, saying which layer set each', () => {
    const result = validateInventoryText(fleet);
    expect(result.errors.map(formatIssue)).toEqual([]);
    const [web01, , web03, web04] = resolveHosts(result.inventory);
    expect(web01?.identity).toEqual({ mtu: 9000, interface: 'lan0', searchDomains: ['corp.example'] });
    expect(Object.fromEntries(Object.entries(web01?.identityFrom ?? {}).map(([key, origin]) => [key, formatOrigin(origin)]))).toEqual({
      mtu: 'image web',
      interface: 'group web',
      searchDomains: 'group web',
    });
    expect(web03?.identity.network).toBe('keep');
    expect(web04?.identity).toMatchObject({ network: 'dhcp', mtu: 1500 });
  });

  test('the network mode defaults to static with an ip and a network, else dhcp; keep and dhcp as set', () => {
    const modes = resolveHosts(validateInventoryText(fleet).inventory).map((host) => effectiveNetworkMode(host));
    expect(modes).toEqual([
      { mode: 'static', defaulted: true },
      { mode: 'dhcp', defaulted: true },
      { mode: 'keep', defaulted: false },
      { mode: 'dhcp', defaulted: false },
    ]);
  });

  test('host show says the mode and where every identity setting came from', () => {
    const [web01, web02] = resolveHosts(validateInventoryText(fleet).inventory);
    expect(renderHostDetails(web01 as NonNullable<typeof web01>)).toContain(
      '  identity:   network=static (default: the host has an ip and a network)\n              mtu=9000 (from image web)\n              interface=lan0 (from group web)\n              searchDomains=["corp.example"] (from group web)\n',
    );
    expect(renderHostDetails(web02 as NonNullable<typeof web02>)).toContain('  identity:   network=dhcp (default: no ip or no network)\n');
  });

  test('a resolved host becomes the identity input: first MAC, network prefix, gateway, DNS and search domains', () => {
    const [web01, web02, web03, web04] = resolveHosts(validateInventoryText(fleet).inventory);
    expect(identityInputOf(web01 as NonNullable<typeof web01>, { id: 'debian', idLike: [] })).toEqual({
      hostname: 'web01',
      fqdn: 'web01.lab.example',
      distro: { id: 'debian', idLike: [] },
      network: {
        mode: 'manage',
        nics: [{
          mac: '52:54:00:00:00:01',
          name: 'lan0',
          mtu: 9000,
          ipv4: { method: 'static', address: '10.0.0.11', prefix: 24, gateway: '10.0.0.1' },
          dns: ['10.0.0.1', '10.0.0.2'],
          searchDomains: ['corp.example'],
        }],
      },
    });
    expect(identityInputOf(web02 as NonNullable<typeof web02>).network).toEqual({
      mode: 'manage',
      nics: [{ name: 'lan0', mtu: 9000, ipv4: { method: 'dhcp' }, dns: [], searchDomains: ['corp.example'] }],
    });
    expect(identityInputOf(web03 as NonNullable<typeof web03>).network).toEqual({ mode: 'keep' });
    expect(identityInputOf(web04 as NonNullable<typeof web04>).network).toMatchObject({ nics: [{ ipv4: { method: 'dhcp' }, dns: [] }] });
  });

  test('without identity.searchDomains a static host searches its network\'s domain, a DHCP host none', () => {
    const text = lines('networks:', '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, domain: lab.example}', 'hosts:', '  a: {ip: 10.0.0.5, network: lab}', '  b: {network: lab}');
    const [a, b] = resolveHosts(validateInventoryText(text).inventory).map((host) => identityInputOf(host).network);
    expect(a).toMatchObject({ nics: [{ searchDomains: ['lab.example'], dns: [] }] });
    expect(b).toMatchObject({ nics: [{ searchDomains: [] }] });
  });

  test('bad identity settings are errors with path and line, all at once; nothing else is refused', () => {
    const text = lines(
      'images:',
      '  web: {identity: {network: bridge}}',
      'groups:',
      '  web: {identity: {mtu: 20, interfce: eth0}}',
      'hosts:',
      '  web01: {identity: {interface: "this-name-is-too-long", searchDomains: ["ok.example", "Not OK"], mtu: "9000"}}',
    );
    expect(validateInventoryText(text).errors.map(formatIssue)).toEqual([
      "images.web.identity.network (line 2): Invalid enum value. Expected 'dhcp' | 'static' | 'keep', received 'bridge'",
      'groups.web.identity.interfce (line 4): unknown key "interfce" (did you mean "interface"?)',
      'hosts.web01.identity.mtu (line 6): expected a number, got string "9000"',
    ]);
    const values = lines('groups:', '  web: {identity: {mtu: 20}}', 'hosts:', '  web01: {identity: {interface: "this-name-is-too-long", searchDomains: ["ok.example", "Not OK"]}}');
    expect(validateInventoryText(values).errors.map(formatIssue)).toEqual([
      'groups.web.identity.mtu (line 2): MTU 20 is not a whole number from 68 to 65535',
      'hosts.web01.identity.interface (line 4): "this-name-is-too-long" is not a network interface name (1-15 characters of letters, digits, "_", "." and "-")',
      'hosts.web01.identity.searchDomains[1] (line 4): "Not OK" is not a DNS domain (lowercase labels of a-z, 0-9 and "-", separated by ".")',
    ]);
  });
});
