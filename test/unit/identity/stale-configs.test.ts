import { describe, expect, test } from 'vitest';
import { globMayNameEthernet, globRegExp, nameListMayMatchEthernet } from '../../../src/identity/ethernet-match.js';
import { dropEthernetStanzas, sourcesRootcastFile } from '../../../src/identity/interfaces-file.js';
import { planStaleCleanup } from '../../../src/identity/stale-configs.js';
import { snapshotOf, type TreeSpec } from './image-roots.js';

/** An image that went through several stacks: every one left a config for the golden client's card. */
const layered: TreeSpec = {
  'etc/network/interfaces': 'auto lo\niface lo inet loopback\n\nauto eth0 br0\niface eth0 inet static\n    address 10.0.0.5/24\niface eth0 inet6 auto\niface br0 inet manual\n',
  'etc/NetworkManager/system-connections/golden.nmconnection': '[connection]\nid=golden\ntype=802-3-ethernet\n',
  'etc/NetworkManager/system-connections/legacy': '[connection]\nid=legacy\n\n[ethernet]\nmac-address=52:54:00:AA:BB:CC\n',
  'etc/NetworkManager/system-connections/vpn.nmconnection': '[connection]\nid=vpn\ntype=vpn\n',
  'etc/systemd/network/50-any.network': '[Network]\nDHCP=yes\n',
  'etc/systemd/network/50-not-lo.network': '[Match]\nName=!lo\n\n[Network]\nDHCP=yes\n',
  'etc/systemd/network/60-mac.network': '[Match]\nMACAddress=52:54:00:aa:bb:cc\n',
  'etc/systemd/network/60-lan0.network': '[Match]\nName=lan0\n',
  'etc/systemd/network/70-wlan.network': '[Match]\nName=wl*\n',
  'etc/systemd/network/70-vxlan.network': '[Match]\nKind=vxlan\n',
  'etc/systemd/network/70-ether.network': '[Match]\nType=ether wlan\n',
  'etc/systemd/network/70-bond.netdev': '[NetDev]\nName=bond0\nKind=bond\n',
  'etc/sysconfig/network-scripts/ifcfg-ens3': 'HWADDR=52:54:00:aa:bb:cc\nBOOTPROTO=dhcp\n',
  'etc/sysconfig/network-scripts/ifcfg-team0': 'DEVICE=team0\nDEVICETYPE=Team\n',
  'etc/sysconfig/network-scripts/route-ens3': '10.1.0.0/16 via 10.0.0.1\n',
};

describe('stale Ethernet configuration, across every stack', () => {
  test('removes what could claim an Ethernet card in every stack, keeps loopback, Wi-Fi, VPN and virtual devices', async () => {
    const cleanup = planStaleCleanup(await snapshotOf(layered), ['lan0']);
    expect(cleanup.blockers).toEqual([]);
    expect(cleanup.ops.map((op) => `${op.op} ${op.path}`)).toEqual([
      'remove etc/NetworkManager/system-connections/golden.nmconnection',
      'remove etc/NetworkManager/system-connections/legacy',
      'remove etc/sysconfig/network-scripts/ifcfg-ens3',
      'remove etc/systemd/network/50-any.network',
      'remove etc/systemd/network/50-not-lo.network',
      'remove etc/systemd/network/60-lan0.network',
      'remove etc/systemd/network/60-mac.network',
      'remove etc/systemd/network/70-ether.network',
      'write etc/network/interfaces',
    ]);
    const interfaces = cleanup.ops.at(-1);
    expect(interfaces?.op === 'write' && interfaces.content).toBe('auto lo\niface lo inet loopback\n\nauto br0\niface br0 inet manual\n');
  });

  test('interfaces(5): stanzas of Ethernet names go with their options and the comment above them', () => {
    const text = '# header\nsource-directory interfaces.d\n\n# The primary network interface\nallow-hotplug ens3 wlan0\niface ens3 inet dhcp\n  # indented note\n  mtu 9000\n\n# mapped\nmapping eth*\n  script /usr/local/bin/map\n  map 52:54:00:aa:bb:cc lan\n';
    expect(dropEthernetStanzas(text, [])).toEqual({ text: '# header\nsource-directory interfaces.d\n\n# The primary network interface\nallow-hotplug wlan0\n', dropped: ['ens3', 'eth*'] });
    expect(dropEthernetStanzas('auto lo\niface lo inet loopback\n', [])).toEqual({ text: 'auto lo\niface lo inet loopback\n', dropped: [] });
  });

  test('interfaces(5): whether the main file already reads interfaces.d/rootcast', () => {
    expect(sourcesRootcastFile('source /etc/network/interfaces.d/*\n')).toBe(true);
    expect(sourcesRootcastFile('source interfaces.d/*\n')).toBe(true);
    expect(sourcesRootcastFile('source-directory /etc/network/interfaces.d/\n')).toBe(true);
    expect(sourcesRootcastFile('source /etc/network/interfaces.d/*.cfg\n')).toBe(false);
    expect(sourcesRootcastFile('auto lo\n')).toBe(false);
  });

  test('globs: what could name an Ethernet card (kernel eth*, predictable en*, the names rootcast gives)', () => {
    expect(['*', 'e*', 'en*', 'eth0', 'ens3', 'enp[0-9]s*', 'e?h1', 'lan0'].filter((glob) => globMayNameEthernet(glob, ['lan0']))).toEqual(['*', 'e*', 'en*', 'eth0', 'ens3', 'enp[0-9]s*', 'e?h1', 'lan0']);
    expect(['br0', 'wl*', 'bond0', 'lo', 'virbr*', 'e', 'lan1'].filter((glob) => globMayNameEthernet(glob, ['lan0']))).toEqual([]);
    expect(nameListMayMatchEthernet('br0 wl*', [])).toBe(false);
    expect(nameListMayMatchEthernet('br0 en*', [])).toBe(true);
    expect(nameListMayMatchEthernet('!lo', [])).toBe(true);
    expect(globRegExp('enp[!0]s?').test('enp1s3')).toBe(true);
    expect(globRegExp('enp[!0]s?').test('enp0s3')).toBe(false);
    expect(globRegExp('a.b').test('axb')).toBe(false);
  });
});
