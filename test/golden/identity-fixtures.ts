import type { IdentityInput, NicConfig } from '../../src/identity/identity-input.js';
import type { RandomBytes } from '../../src/identity/machine-id.js';
import {
  debianIfupdownRoot, debianNetworkManagerRoot, networkdRoot, rhelRoot, ubuntuDesktopRoot, ubuntuNetplanRoot, type TreeSpec,
} from '../unit/identity/image-roots.js';

/** Repeatable "randomness": byte i is i*17+3, so every golden file has the same machine id. */
export const fixedRandom: RandomBytes = (size) => Uint8Array.from({ length: size }, (_, index) => (index * 17 + 3) % 256);

export const staticNic: NicConfig = {
  mac: '52:54:00:12:34:56',
  ipv4: { method: 'static', address: '10.0.0.11', prefix: 24, gateway: '10.0.0.1' },
  dns: ['10.0.0.1', '10.0.0.2'],
  searchDomains: ['lab.example'],
};
export const dhcpAnyNic: NicConfig = { ipv4: { method: 'dhcp' }, dns: [], searchDomains: [] };

export const hostInput = (nics: NicConfig[] | 'keep', extra: Partial<IdentityInput> = {}): IdentityInput => ({
  hostname: 'web07',
  fqdn: 'web07.lab.example',
  network: nics === 'keep' ? { mode: 'keep' } : { mode: 'manage', nics },
  ...extra,
});

export const withoutFqdn = ({ fqdn: _fqdn, ...rest }: IdentityInput): IdentityInput => rest;

/** Each stack × mode the golden files pin: the image root and the host. */
export const identityCases: Record<string, { root: TreeSpec; input: IdentityInput }> = {
  'ifupdown-static-mac': { root: debianIfupdownRoot, input: hostInput([staticNic]) },
  'ifupdown-static-rename': { root: debianIfupdownRoot, input: hostInput([{ ...staticNic, name: 'lan0' }]) },
  'ifupdown-dhcp-name-mtu': { root: debianIfupdownRoot, input: hostInput([{ ...dhcpAnyNic, name: 'lan0', mtu: 9000 }]) },
  'ifupdown-keep': { root: debianIfupdownRoot, input: hostInput('keep', { distro: { id: 'debian', idLike: [] } }) },
  'networkmanager-static-mac': { root: debianNetworkManagerRoot, input: hostInput([staticNic]) },
  'networkmanager-static-rename-mtu': { root: debianNetworkManagerRoot, input: hostInput([{ ...staticNic, name: 'lan0', mtu: 9000 }]) },
  'networkmanager-dhcp-any': { root: debianNetworkManagerRoot, input: hostInput([{ ...dhcpAnyNic, searchDomains: ['corp.example'] }]) },
  'networkmanager-rhel-static': { root: rhelRoot, input: hostInput([staticNic], { distro: { id: 'rocky', idLike: ['rhel', 'centos', 'fedora'] } }) },
  'networkd-static-mac': { root: networkdRoot, input: hostInput([staticNic]) },
  'networkd-dhcp-name': { root: networkdRoot, input: hostInput([{ ...dhcpAnyNic, name: 'eno1', mtu: 1400 }]) },
  'networkd-dhcp-any-no-domain': { root: networkdRoot, input: withoutFqdn(hostInput([dhcpAnyNic])) },
  'netplan-networkd-static-rename': { root: ubuntuNetplanRoot, input: hostInput([{ ...staticNic, name: 'lan0', mtu: 9000 }]) },
  'netplan-networkd-dhcp-any': { root: ubuntuNetplanRoot, input: hostInput([dhcpAnyNic]) },
  'netplan-networkmanager-dhcp-mac': { root: ubuntuDesktopRoot, input: hostInput([{ ...dhcpAnyNic, mac: '52:54:00:12:34:56' }]) },
};
