import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { detectFootprint } from '../../src/identity/footprint.js';
import type { NicConfig } from '../../src/identity/identity-input.js';
import type { IdentityPlan } from '../../src/identity/plan-identity.js';
import { readRootSnapshot } from '../../src/identity/read-root.js';
import { ensureDebootstrapRoot } from '../helpers/debootstrap-cache.js';
import { networkStacksRootRecipe } from '../helpers/network-stacks-root.js';
import { openOverlayRoot, type OverlayRoot } from '../helpers/overlay-root.js';
import { dhcpAnyNic, hostInput, staticNic } from '../golden/identity-fixtures.js';
import { iniMap, inRoot, planAndApply, runNetworkd, setUnitEnabled, withCard } from './identity-support.js';

// The real tools of each stack re-read what the planner wrote, in a debootstrapped bookworm root
// holding all four (cached; an overlay per test keeps the cache untouched).
let cachedRoot: string;
let root: OverlayRoot;

beforeAll(async () => {
  cachedRoot = await ensureDebootstrapRoot(networkStacksRootRecipe);
}, 900_000);

beforeEach(async () => {
  root = await openOverlayRoot(cachedRoot);
});

afterEach(async () => {
  await root?.close();
});

const written = (plan: IdentityPlan, pattern: RegExp): { path: string; content: string }[] =>
  plan.ops.flatMap((op) => (op.op === 'write' && pattern.test(op.path) ? [{ path: op.path, content: op.content }] : []));

const card = { device: 'ens3', mac: staticNic.mac as string };
const jumbo: NicConfig = { ...staticNic, mtu: 9000 };

describe('NetworkManager 1.42 reads the keyfiles (nmcli --offline, libnm\'s own keyfile reader)', () => {
  test('the debootstrapped root is detected as NetworkManager; every setting survives libnm\'s reader and normaliser', async () => {
    const footprint = detectFootprint(await readRootSnapshot(root.view));
    expect(footprint.kind === 'found' && footprint.target).toEqual({ stack: 'networkmanager' });
    for (const nic of [{ ...jumbo, name: 'lan0' }, { ...dhcpAnyNic, searchDomains: ['corp.example'] }, { ...dhcpAnyNic, name: 'eno1', mtu: 1400 }]) {
      const plan = await planAndApply(root, hostInput([nic]));
      const [keyfile] = written(plan, /\.nmconnection$/);
      if (keyfile === undefined) throw new Error('no keyfile planned');
      expect((await stat(join(root.view, keyfile.path))).mode & 0o777).toBe(0o600);
      const id = iniMap(keyfile.content)['connection.id'] as string;
      // Reads the keyfile from stdin, verifies and normalises the connection, prints it as NetworkManager would save it.
      const reread = await inRoot(root, ['nmcli', '--offline', 'connection', 'modify', 'connection.id', id], keyfile.content);
      expect(reread.stderr).toBe('');
      expect(reread.exitCode).toBe(0);
      const normalised = iniMap(reread.stdout);
      for (const [key, value] of Object.entries(iniMap(keyfile.content))) expect(normalised[key], key).toBe(value);
    }
  });

  test('the reader is strict enough to notice: a manual profile without its address is refused', async () => {
    const broken = '[connection]\nid=x\ntype=ethernet\n\n[ipv4]\nmethod=manual\n';
    const reread = await inRoot(root, ['nmcli', '--offline', 'connection', 'modify', 'connection.id', 'x'], broken);
    expect(reread.exitCode).not.toBe(0);
    expect(reread.stderr).toContain('ipv4.addresses: this property cannot be empty');
  });

  test('udev\'s own link-file reader names the card with the MAC lan0 and leaves another card alone', async () => {
    const plan = await planAndApply(root, hostInput([{ ...jumbo, name: 'lan0' }]));
    expect(written(plan, /\.link$/).map((file) => file.path)).toEqual(['etc/systemd/network/10-rootcast-lan0.link']);
    const builtin = 'for dev in ens3 eth9; do echo "@@$dev"; $CHROOT udevadm test-builtin net_setup_link /sys/class/net/$dev 2>/dev/null; done';
    const outcome = await withCard(root, card, `ip link add eth9 address 52:54:00:00:00:99 type veth peer name rcpeer1\n${builtin}`);
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    const [ens3, eth9] = outcome.stdout.split('@@').slice(1);
    expect(ens3).toContain('ID_NET_LINK_FILE=/etc/systemd/network/10-rootcast-lan0.link\n');
    expect(ens3).toContain('ID_NET_NAME=lan0\n');
    expect(eth9).toContain('ID_NET_LINK_FILE=/usr/lib/systemd/network/99-default.link\n');
  });
});

describe('systemd-networkd 252 configures a card from the .network files', () => {
  beforeEach(async () => {
    await setUnitEnabled(root, 'NetworkManager.service', false);
    await setUnitEnabled(root, 'systemd-networkd.service', true);
  });

  test('static by MAC: networkd matches the card and sets address, MTU and default route', async () => {
    const plan = await planAndApply(root, hostInput([jumbo]));
    expect(plan.writesFor).toEqual({ stack: 'networkd' });
    const result = await runNetworkd(root, card, `ip route show default | grep -q 'via 10.0.0.1' && ip link show ${card.device} | grep -q 'mtu 9000'`);
    expect(result.outcome.exitCode, result.outcome.stderr).toBe(0);
    expect(result.log).toContain("ens3: found matching network '/etc/systemd/network/10-rootcast-enx525400123456.network'");
    expect(result.log).not.toMatch(/10-rootcast-[^:]*:\d+: /);
    expect(result.addresses).toMatchObject([{ ifname: 'ens3', mtu: 9000, addr_info: expect.arrayContaining([expect.objectContaining({ local: '10.0.0.11', prefixlen: 24 })]) }]);
    expect(result.routes).toEqual(expect.arrayContaining([expect.objectContaining({ dst: 'default', gateway: '10.0.0.1', dev: 'ens3' })]));
  });

  test('DHCP by name: networkd takes the card eno1 and starts its DHCPv4 client', async () => {
    await planAndApply(root, hostInput([{ ...dhcpAnyNic, name: 'eno1', mtu: 1400 }]));
    const eno1 = { device: 'eno1', mac: '52:54:00:00:00:07' };
    const result = await runNetworkd(root, eno1, `grep -q 'DHCPv4 client: STARTED' "$log" && ip link show eno1 | grep -q 'mtu 1400'`);
    expect(result.log).toContain("eno1: found matching network '/etc/systemd/network/10-rootcast-eno1.network'");
    expect(result.log).toContain('DHCPv4 client: STARTED');
    expect(result.addresses).toMatchObject([{ ifname: 'eno1', mtu: 1400 }]);
  });
});

describe('netplan 0.106 generates from the YAML (netplan generate in the root)', () => {
  const goldenYaml = 'network:\n  version: 2\n  ethernets:\n    ens3:\n      addresses: [10.0.0.5/24]\n      routes: [{to: default, via: 10.0.0.1}]\n';

  test('renderer networkd: the golden client\'s definition is gone, ours becomes one .network and one .link', async () => {
    await setUnitEnabled(root, 'NetworkManager.service', false);
    await setUnitEnabled(root, 'systemd-networkd.service', true);
    await writeFile(join(root.view, 'etc/netplan/00-installer-config.yaml'), goldenYaml, { mode: 0o600 });
    const plan = await planAndApply(root, hostInput([{ ...jumbo, name: 'lan0' }]));
    expect(plan.writesFor).toEqual({ stack: 'netplan', renderer: 'networkd' });
    const generated = await inRoot(root, ['netplan', 'generate']);
    expect(generated.stderr).toBe('');
    expect(generated.exitCode).toBe(0);
    const listing = await root.run('find', [join(root.merged, 'run/systemd/network'), '-type', 'f', '-printf', '%f\n']);
    expect(listing.stdout.split('\n').filter(Boolean).sort()).toEqual(['10-netplan-rootcast-525400123456.link', '10-netplan-rootcast-525400123456.network']);
    const network = iniMap(await readFile(join(root.view, 'run/systemd/network/10-netplan-rootcast-525400123456.network'), 'utf8'));
    expect(network).toMatchObject({
      'Match.PermanentMACAddress': '52:54:00:12:34:56',
      'Match.Name': 'lan0',
      'Link.MTUBytes': '9000',
      'Network.Address': '10.0.0.11/24',
      'Network.Domains': 'lab.example',
      'Route.Gateway': '10.0.0.1',
    });
    const link = iniMap(await readFile(join(root.view, 'run/systemd/network/10-netplan-rootcast-525400123456.link'), 'utf8'));
    expect(link).toMatchObject({ 'Match.PermanentMACAddress': '52:54:00:12:34:56', 'Link.Name': 'lan0' });
  });

  test('renderer NetworkManager: netplan\'s generated keyfile passes NetworkManager\'s reader too', async () => {
    await writeFile(join(root.view, 'etc/netplan/01-network-manager-all.yaml'), 'network:\n  version: 2\n  renderer: NetworkManager\n', { mode: 0o600 });
    const plan = await planAndApply(root, hostInput([{ ...dhcpAnyNic, mac: '52:54:00:12:34:56' }]));
    expect(plan.writesFor).toEqual({ stack: 'netplan', renderer: 'NetworkManager' });
    expect((await inRoot(root, ['netplan', 'generate'])).exitCode).toBe(0);
    const keyfile = await readFile(join(root.view, 'run/NetworkManager/system-connections/netplan-rootcast-525400123456.nmconnection'), 'utf8');
    expect(iniMap(keyfile)).toMatchObject({ 'ethernet.mac-address': '52:54:00:12:34:56', 'ipv4.method': 'auto' });
    const id = iniMap(keyfile)['connection.id'] as string;
    expect((await inRoot(root, ['nmcli', '--offline', 'connection', 'modify', 'connection.id', id], keyfile)).exitCode).toBe(0);
  });

  test('a file netplan cannot parse makes netplan generate fail, so the check can fail', async () => {
    await writeFile(join(root.view, 'etc/netplan/99-bad.yaml'), 'network:\n  version: 2\n  ethernets:\n    x: {addresses: [not-an-address]}\n', { mode: 0o600 });
    const generated = await inRoot(root, ['netplan', 'generate']);
    expect(generated.exitCode).not.toBe(0);
    expect(generated.stderr).toContain('not-an-address');
  });
});

describe('ifupdown 0.8 reads the stanzas (ifquery, ifup --no-act, and ifup for real in a namespace)', () => {
  const goldenStanza = '\n# The primary network interface\nallow-hotplug ens3\niface ens3 inet static\n\taddress 10.0.0.5/24\n\tgateway 10.0.0.1\n';

  beforeEach(async () => {
    await setUnitEnabled(root, 'NetworkManager.service', false);
    const interfaces = join(root.view, 'etc/network/interfaces');
    await writeFile(interfaces, `${await readFile(interfaces, 'utf8')}${goldenStanza}`);
  });

  test('static by MAC: the golden stanza is gone, ifup brings the renamed card up with address, MTU and route', async () => {
    const plan = await planAndApply(root, hostInput([jumbo]));
    expect(plan.writesFor).toEqual({ stack: 'ifupdown' });
    const listed = await inRoot(root, ['ifquery', '-i', '/etc/network/interfaces', '--list', '--allow=hotplug']);
    expect(listed.stdout.split('\n').filter(Boolean)).toEqual(['enx525400123456']);
    const options = await inRoot(root, ['ifquery', '-i', '/etc/network/interfaces', 'enx525400123456']);
    // ifupdown's own parse: the /24 became its netmask and broadcast.
    expect(options.stdout).toBe('address: 10.0.0.11\ngateway: 10.0.0.1\nmtu: 9000\ndns-nameservers: 10.0.0.1 10.0.0.2\ndns-search: lab.example\nbroadcast: 10.0.0.255\nnetmask: 255.255.255.0\n');
    // --no-act -v prints on stderr what ifup would run.
    const dryRun = await inRoot(root, ['ifup', '--no-act', '-v', '-i', '/etc/network/interfaces', 'enx525400123456']);
    expect(dryRun.exitCode, dryRun.stderr).toBe(0);
    expect(dryRun.stderr).toMatch(/ip addr add 10\.0\.0\.11\/255\.255\.255\.0 broadcast 10\.0\.0\.255\s+dev enx525400123456/);
    const renamed = { device: 'enx525400123456', mac: card.mac };
    const up = await withCard(root, renamed, "$CHROOT ifup -i /etc/network/interfaces enx525400123456\necho @@; ip -j addr show dev enx525400123456; echo @@; ip -j -4 route");
    expect(up.exitCode, up.stderr).toBe(0);
    const [addresses, routes] = up.stdout.split('@@').slice(1).map((part) => JSON.parse(part) as unknown);
    expect(addresses).toMatchObject([{ mtu: 9000, addr_info: expect.arrayContaining([expect.objectContaining({ local: '10.0.0.11', prefixlen: 24 })]) }]);
    expect(routes).toEqual(expect.arrayContaining([expect.objectContaining({ dst: 'default', gateway: '10.0.0.1' })]));
  });

  test('the .link file gives the card ifupdown knows its name, and udev agrees', async () => {
    await planAndApply(root, hostInput([jumbo]));
    const outcome = await withCard(root, card, '$CHROOT udevadm test-builtin net_setup_link /sys/class/net/ens3 2>/dev/null');
    expect(outcome.stdout).toContain('ID_NET_NAME=enx525400123456\n');
  });

  test('DHCP by name with an MTU: ifup would set the MTU, then run the DHCP client', async () => {
    await planAndApply(root, hostInput([{ ...dhcpAnyNic, name: 'lan0', mtu: 9000 }]));
    const dryRun = await inRoot(root, ['ifup', '--no-act', '-v', '-i', '/etc/network/interfaces', 'lan0']);
    expect(dryRun.exitCode, dryRun.stderr).toBe(0);
    expect(dryRun.stderr).toContain('ip link set dev $IFACE mtu 9000');
    expect(dryRun.stderr).toMatch(/dhclient -4 -v .* lan0/);
    expect((await inRoot(root, ['ifquery', '-i', '/etc/network/interfaces', 'ens3'])).exitCode).not.toBe(0);
  });
});

describe('the identity files, read by glibc, systemd and D-Bus', () => {
  test('getent finds the host by both names; systemd and dbus read the new machine id', async () => {
    const before = (await inRoot(root, ['systemd-id128', 'machine-id'])).stdout.trim();
    const plan = await planAndApply(root, hostInput([staticNic]));
    const id = plan.ops.find((op) => op.path === 'etc/machine-id');
    const expected = id?.op === 'write' ? id.content.trim() : '';
    expect(expected).not.toBe(before);
    expect((await inRoot(root, ['getent', 'hosts', 'web07'])).stdout).toBe('10.0.0.11       web07.lab.example web07\n');
    expect((await inRoot(root, ['getent', 'hosts', 'web07.lab.example'])).stdout).toBe('10.0.0.11       web07.lab.example web07\n');
    expect((await inRoot(root, ['systemd-id128', 'machine-id'])).stdout).toBe(`${expected}\n`);
    expect((await inRoot(root, ['dbus-uuidgen', '--get'])).stdout).toBe(`${expected}\n`);
    expect(await readFile(join(root.view, 'etc/hostname'), 'utf8')).toBe('web07\n');
  });

  test('the machine-id readers refuse a malformed id, so their agreement means something', async () => {
    await rm(join(root.view, 'etc/machine-id'));
    await writeFile(join(root.view, 'etc/machine-id'), 'not-a-machine-id\n');
    expect((await inRoot(root, ['systemd-id128', 'machine-id'])).exitCode).not.toBe(0);
  });
});
