import { describe, expect, test } from 'vitest';
import { detectFootprint } from '../../../src/identity/footprint.js';
import { bareRoot, debianIfupdownRoot, debianNetworkManagerRoot, networkdRoot, rhelRoot, snapshotOf, ubuntuDesktopRoot, ubuntuNetplanRoot, withRemoved } from './image-roots.js';

const targetOf = async (spec: Parameters<typeof snapshotOf>[0]) => {
  const footprint = detectFootprint(await snapshotOf(spec));
  return footprint.kind === 'found' ? footprint.target : footprint.kind;
};

describe('network stack footprint, from what is installed and enabled', () => {
  test('each typical image is written for its own stack', async () => {
    expect(await targetOf(debianIfupdownRoot)).toEqual({ stack: 'ifupdown' });
    expect(await targetOf(debianNetworkManagerRoot)).toEqual({ stack: 'networkmanager' });
    expect(await targetOf(ubuntuNetplanRoot)).toEqual({ stack: 'netplan', renderer: 'networkd' });
    expect(await targetOf(ubuntuDesktopRoot)).toEqual({ stack: 'netplan', renderer: 'NetworkManager' });
    expect(await targetOf(networkdRoot)).toEqual({ stack: 'networkd' });
    expect(await targetOf(rhelRoot)).toEqual({ stack: 'networkmanager' });
  });

  test('the evidence names the links systemd itself would follow, for every stack', async () => {
    const footprint = detectFootprint(await snapshotOf(debianNetworkManagerRoot));
    expect(footprint.evidence).toEqual([
      'netplan: not installed',
      'NetworkManager: /usr/sbin/NetworkManager; NetworkManager.service enabled (etc/systemd/system/multi-user.target.wants/NetworkManager.service)',
      'systemd-networkd: not installed (no usr/lib/systemd/systemd-networkd or lib/systemd/systemd-networkd)',
      'ifupdown: /usr/sbin/ifup and etc/network/interfaces; networking.service enabled (etc/systemd/system/multi-user.target.wants/networking.service)',
    ]);
  });

  test('an installed but disabled or masked NetworkManager does not count; ifupdown is next', async () => {
    const disabled = withRemoved(debianNetworkManagerRoot, 'etc/systemd/system/multi-user.target.wants/NetworkManager.service');
    expect(await targetOf(disabled)).toEqual({ stack: 'ifupdown' });
    const footprint = detectFootprint(await snapshotOf(disabled));
    expect(footprint.evidence[1]).toBe('NetworkManager: /usr/sbin/NetworkManager; NetworkManager.service installed but not enabled (no .wants/.requires link)');
    const masked = { ...debianNetworkManagerRoot, 'etc/systemd/system/NetworkManager.service': { link: '/dev/null' } };
    expect(await targetOf(masked)).toEqual({ stack: 'ifupdown' });
    expect(detectFootprint(await snapshotOf(masked)).evidence[1]).toContain('NetworkManager.service masked');
  });

  test('a D-Bus alias alone does not start NetworkManager at boot', async () => {
    const aliasOnly = {
      ...withRemoved(debianNetworkManagerRoot, 'etc/systemd/system/multi-user.target.wants/NetworkManager.service'),
      'etc/systemd/system/dbus-org.freedesktop.NetworkManager.service': { link: '/lib/systemd/system/NetworkManager.service' },
    };
    const footprint = detectFootprint(await snapshotOf(aliasOnly));
    expect(footprint.kind === 'found' && footprint.target).toEqual({ stack: 'ifupdown' });
    expect(footprint.evidence[1]).toContain('aliases etc/systemd/system/dbus-org.freedesktop.NetworkManager.service');
  });

  test('a vendor .wants link enables a unit too (a unit directory under usr/lib)', async () => {
    const vendor = {
      ...withRemoved(networkdRoot, 'etc/systemd/system/multi-user.target.wants/systemd-networkd.service'),
      'usr/lib/systemd/system/multi-user.target.wants/systemd-networkd.service': { link: '../systemd-networkd.service' },
    };
    expect(await targetOf(vendor)).toEqual({ stack: 'networkd' });
  });

  test('netplan without YAML is not in use; its renderer must be started at boot', async () => {
    const noYaml = withRemoved(ubuntuNetplanRoot, 'etc/netplan/00-installer-config.yaml', 'etc/netplan/10-laptop.yaml');
    expect(await targetOf(noYaml)).toEqual({ stack: 'networkd' });
    const nmOff = withRemoved(ubuntuDesktopRoot, 'etc/systemd/system/multi-user.target.wants/NetworkManager.service');
    const footprint = detectFootprint(await snapshotOf(nmOff));
    expect(footprint.kind).toBe('conflict');
    expect(footprint.evidence[0]).toBe('netplan renders for NetworkManager, which is not started at boot');
  });

  test('a netplan file that does not parse or names an unknown renderer is a conflict, not a guess', async () => {
    const broken = { ...ubuntuNetplanRoot, 'etc/netplan/50-broken.yaml': 'network: [unclosed\n' };
    const footprint = detectFootprint(await snapshotOf(broken));
    expect(footprint.kind).toBe('conflict');
    expect(footprint.evidence[0]).toMatch(/^etc\/netplan\/50-broken.yaml does not parse: /);
    const odd = { ...ubuntuNetplanRoot, 'etc/netplan/99-odd.yaml': 'network:\n  renderer: sd-networkd\n' };
    expect(detectFootprint(await snapshotOf(odd)).evidence[0]).toBe('netplan renderer "sd-networkd" is neither networkd nor NetworkManager');
  });

  test('the last netplan file that names a renderer wins', async () => {
    const later = { ...ubuntuDesktopRoot, 'usr/lib/systemd/systemd-networkd': '', 'etc/netplan/90-server.yaml': 'network:\n  renderer: networkd\n' };
    expect(detectFootprint(await snapshotOf(later)).kind).toBe('conflict');
    const enabledToo = { ...later, 'etc/systemd/system/multi-user.target.wants/systemd-networkd.service': { link: '/lib/systemd/system/systemd-networkd.service' }, 'usr/lib/systemd/system/systemd-networkd.service': '' };
    expect(await targetOf(enabledToo)).toEqual({ stack: 'netplan', renderer: 'networkd' });
  });

  test('an image with no stack in use says none, with what was looked for', async () => {
    const footprint = detectFootprint(await snapshotOf(bareRoot));
    expect(footprint).toEqual({
      kind: 'none',
      evidence: [
        'netplan: not installed',
        'NetworkManager: not installed (no usr/sbin/NetworkManager or sbin/NetworkManager)',
        'systemd-networkd: not installed (no usr/lib/systemd/systemd-networkd or lib/systemd/systemd-networkd)',
        'ifupdown: not in use (no ifup, no etc/network/interfaces)',
      ],
    });
    const ifupOnly = { ...bareRoot, 'usr/sbin/ifup': '' };
    expect(detectFootprint(await snapshotOf(ifupOnly)).evidence[3]).toBe('ifupdown: not in use (/usr/sbin/ifup, no etc/network/interfaces)');
  });
});
