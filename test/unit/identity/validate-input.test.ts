import { describe, expect, test } from 'vitest';
import { isRootcastError } from '../../../src/errors/rootcast-error.js';
import type { NicConfig } from '../../../src/identity/identity-input.js';
import { planIdentity } from '../../../src/identity/plan-identity.js';
import { identityInputProblems } from '../../../src/identity/validate-input.js';
import { dhcpAnyNic, fixedRandom, hostInput, staticNic } from '../../golden/identity-fixtures.js';
import { debianIfupdownRoot, snapshotOf } from './image-roots.js';

const problemsOf = (nics: NicConfig[]): string[] => identityInputProblems(hostInput(nics));

describe('identity input validation: every problem at once', () => {
  test('a valid static and a valid DHCP card have no problems', () => {
    expect(problemsOf([staticNic])).toEqual([]);
    expect(problemsOf([dhcpAnyNic])).toEqual([]);
  });

  test('a static host without address, prefix and gateway, and a card nothing can find', () => {
    expect(problemsOf([{ ipv4: { method: 'static' }, dns: [], searchDomains: [] }])).toEqual([
      'network card 1 (any Ethernet card): a static address needs to know which card: give the host a MAC or set identity.interface',
      'network card 1 (any Ethernet card): static addressing needs an address (the host has no ip)',
      'network card 1 (any Ethernet card): static addressing needs a prefix length (the host has no network)',
      "network card 1 (any Ethernet card): static addressing needs a gateway (set one on the host's network)",
    ]);
  });

  test('bad values: MAC, name, MTU, addresses outside the subnet, DNS and search domains', () => {
    const bad: NicConfig = {
      mac: '01:00:5e:00:00:01',
      name: 'a/b',
      mtu: 70000,
      ipv4: { method: 'static', address: '10.0.0.255', prefix: 24, gateway: '10.0.1.1' },
      dns: ['10.0.0.300'],
      searchDomains: ['Lab Example'],
    };
    expect(problemsOf([bad])).toEqual([
      'network card 01:00:5e:00:00:01: "01:00:5e:00:00:01" is a multicast address, not a network card\'s (the first octet is odd)',
      'network card 01:00:5e:00:00:01: "a/b" is not a network interface name (1-15 characters of letters, digits, "_", "." and "-")',
      'network card 01:00:5e:00:00:01: MTU 70000 is not a whole number from 68 to 65535',
      'network card 01:00:5e:00:00:01: 10.0.0.255 is the broadcast address of 10.0.0.0/24',
      'network card 01:00:5e:00:00:01: gateway 10.0.1.1 is outside the subnet 10.0.0.0/24',
      'network card 01:00:5e:00:00:01: DNS server "10.0.0.300" is not an IPv4 address (octet 300 is above 255)',
      'network card 01:00:5e:00:00:01: search domain "Lab Example" is not a DNS domain (lowercase labels of a-z, 0-9 and "-", separated by ".")',
    ]);
    expect(problemsOf([{ ...staticNic, mtu: 1500.5, ipv4: { method: 'static', address: '10.0.0.11', prefix: 33, gateway: '10.0.0.11' } }])).toEqual([
      'network card 52:54:00:12:34:56: MTU 1500.5 is not a whole number from 68 to 65535',
      'network card 52:54:00:12:34:56: 33 is not a prefix length (1-32)',
    ]);
    expect(problemsOf([{ ...staticNic, ipv4: { method: 'static', address: '10.0.0.11', prefix: 24, gateway: '10.0.0.11' } }])).toEqual([
      "network card 52:54:00:12:34:56: the gateway 10.0.0.11 is the host's own address",
    ]);
  });

  test('conflicting cards: one MAC twice (in any spelling), one name twice, two cards renamed alike', () => {
    expect(problemsOf([staticNic, { ...dhcpAnyNic, mac: '52-54-00-12-34-56' }, { ...dhcpAnyNic, name: 'eno1' }, { ...dhcpAnyNic, name: 'eno1' }])).toEqual([
      'network card 52-54-00-12-34-56: configured twice (MAC 52:54:00:12:34:56 is also configured by card 52:54:00:12:34:56)',
      'network card eno1: configured twice (name eno1 is also configured by card eno1)',
    ]);
    expect(problemsOf([{ ...staticNic, name: 'lan0' }, { ...dhcpAnyNic, mac: '52:54:00:00:00:02', name: 'lan0' }])).toEqual(['network two cards would be renamed to lan0']);
    expect(problemsOf([])).toEqual(["network: no network card to configure (use mode keep to leave the image's configuration)"]);
  });

  test('host names: a bad name and an FQDN that is not the name plus a domain', () => {
    expect(identityInputProblems({ ...hostInput([dhcpAnyNic]), hostname: 'Web_07', fqdn: 'db.lab.example' })).toEqual([
      'hostname: host name "Web_07" is not a DNS label (a-z, 0-9 and "-", not starting or ending with "-")',
      'fqdn: "db.lab.example" does not start with the host name "Web_07."',
    ]);
  });

  test("planning refuses with every problem as a detail line (exit 65), including what only the image's stack decides", async () => {
    const snapshot = await snapshotOf(debianIfupdownRoot);
    const attempt = (): unknown => planIdentity({ input: hostInput([{ ipv4: { method: 'static' }, dns: [], searchDomains: [], mtu: 12 }]), snapshot, randomBytes: fixedRandom });
    expect(attempt).toThrow('host web07: identity cannot be planned');
    try {
      attempt();
    } catch (error) {
      expect(isRootcastError(error) && error.exitStatus).toBe(65);
      expect(isRootcastError(error) && error.details).toHaveLength(6);
      expect(isRootcastError(error) && error.details.at(-1)).toBe("network card 1 (any Ethernet card): ifupdown needs the card's name: give the host a MAC or set identity.interface");
    }
  });
});
