import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isRootcastError } from '../../../src/errors/rootcast-error.js';
import type { FileOp, IdentityInput } from '../../../src/identity/identity-input.js';
import { newMachineId } from '../../../src/identity/machine-id.js';
import { planIdentity, type IdentityPlan } from '../../../src/identity/plan-identity.js';
import { readRootSnapshot } from '../../../src/identity/read-root.js';
import { applyFileOps } from '../../helpers/apply-file-ops.js';
import { dhcpAnyNic, fixedRandom, hostInput, identityCases, staticNic } from '../../golden/identity-fixtures.js';
import {
  bareRoot, debianIfupdownRoot, debianNetworkManagerRoot, networkdRoot, rhelRoot, snapshotOf, ubuntuDesktopRoot, ubuntuNetplanRoot, withRemoved, writeTree, type TreeSpec,
} from './image-roots.js';

const plan = async (root: TreeSpec, input: IdentityInput): Promise<IdentityPlan> => planIdentity({ input, snapshot: await snapshotOf(root), randomBytes: fixedRandom });

const refusal = async (root: TreeSpec, input: IdentityInput): Promise<string[]> => {
  try {
    await plan(root, input);
  } catch (error) {
    if (isRootcastError(error)) return [error.message, ...error.details];
    throw error;
  }
  throw new Error('the plan was not refused');
};

/** Every file and link under a root with its content or target and mode, to compare two applies. */
const treeContents = (root: string): Record<string, string> => {
  const found: Record<string, string> = {};
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const info = lstatSync(join(root, name));
    if (info.isSymbolicLink()) found[name] = `-> ${readlinkSync(join(root, name))}`;
    else if (info.isFile()) found[name] = `${(info.mode & 0o7777).toString(8)} ${readFileSync(join(root, name), 'utf8')}`;
  }
  return found;
};

const op = (result: IdentityPlan, path: string): FileOp | undefined => result.ops.find((entry) => entry.path === path);

describe('planning a clone\'s identity from the image', () => {
  test('DHCP or static on an image with no stack is refused with the evidence; keep still gets its names and id', async () => {
    expect(await refusal(bareRoot, hostInput([staticNic]))).toEqual([
      'host web07: identity cannot be planned',
      'network: the image has none of NetworkManager, systemd-networkd, netplan or ifupdown in use (install one in the golden client and capture again, or set identity: {network: keep} to leave its network as it is)',
      '  netplan: not installed',
      '  NetworkManager: not installed (no usr/sbin/NetworkManager or sbin/NetworkManager)',
      '  systemd-networkd: not installed (no usr/lib/systemd/systemd-networkd or lib/systemd/systemd-networkd)',
      '  ifupdown: not in use (no ifup, no etc/network/interfaces)',
    ]);
    const kept = await plan(bareRoot, hostInput('keep'));
    expect(kept.ops.map((entry) => entry.path)).toEqual(['etc/hostname', 'etc/hosts', 'etc/machine-id']);
    expect(kept.footprint.kind).toBe('none');
  });

  test('a netplan renderer that is not started is refused as a conflict', async () => {
    const nmOff = withRemoved(ubuntuDesktopRoot, 'etc/systemd/system/multi-user.target.wants/NetworkManager.service');
    expect((await refusal(nmOff, hostInput([dhcpAnyNic])))[1]).toBe('network: cannot tell which stack manages the image: netplan renders for NetworkManager, which is not started at boot');
  });

  test('bridges, bonds and VLANs built on a card whose configuration would go refuse the plan, for every stack', async () => {
    const vlans = { ...ubuntuNetplanRoot, 'etc/netplan/20-vlan.yaml': 'network:\n  version: 2\n  ethernets:\n    ens5: {}\n  vlans:\n    vlan10: {id: 10, link: ens5}\n  bridges:\n    br0: {interfaces: [ens3]}\n' };
    expect((await refusal(vlans, hostInput([staticNic]))).slice(1)).toEqual([
      'network: etc/netplan/20-vlan.yaml: bridges br0 is built on ens3, whose definition would be removed; set identity.network: keep for hosts of this image (its bridges, bonds and VLANs stay as they are)',
      'network: etc/netplan/20-vlan.yaml: vlans vlan10 is built on ens5, whose definition would be removed; set identity.network: keep for hosts of this image (its bridges, bonds and VLANs stay as they are)',
    ]);
    const port = { ...debianNetworkManagerRoot, 'etc/NetworkManager/system-connections/port.nmconnection': '[connection]\nid=port\ntype=ethernet\nmaster=bond0\nslave-type=bond\n' };
    expect((await refusal(port, hostInput([staticNic])))[1]).toMatch(/^network: etc\/NetworkManager\/system-connections\/port.nmconnection: profile "port" is a port of bond0; /);
    const bridged = { ...networkdRoot, 'etc/systemd/network/25-port.network': '[Match]\nName=eno1\n\n[Network]\nBridge=br0\n' };
    expect((await refusal(bridged, hostInput([staticNic])))[1]).toMatch(/^network: etc\/systemd\/network\/25-port.network: its cards also carry Bridge=br0; /);
    const ifupBridge = { ...debianIfupdownRoot, 'etc/network/interfaces.d/br0': 'auto br0\niface br0 inet dhcp\n    bridge_ports ens3\n' };
    expect((await refusal(ifupBridge, hostInput([staticNic])))[1]).toMatch(/^network: etc\/network\/interfaces.d\/br0: other stanzas are built on ens3, whose stanzas would be removed; /);
    const ifcfgPort = { ...rhelRoot, 'etc/sysconfig/network-scripts/ifcfg-eth1': 'TYPE=Ethernet\nDEVICE=eth1\nMASTER=bond0\nSLAVE=yes\n' };
    expect((await refusal(ifcfgPort, hostInput([staticNic])))[1]).toMatch(/^network: etc\/sysconfig\/network-scripts\/ifcfg-eth1: eth1 is a port of bond0; /);
    // keep leaves them all alone, so nothing refuses.
    expect((await plan(vlans, hostInput('keep'))).ops.map((entry) => entry.path)).toEqual(['etc/hostname', 'etc/hosts', 'etc/machine-id']);
  });

  test('applying a plan twice gives the same root, and the second plan has nothing left to clean', async () => {
    for (const [name, { root: spec, input }] of Object.entries(identityCases)) {
      const root = mkdtempSync(join(tmpdir(), 'rootcast-identity-apply-'));
      try {
        writeTree(root, spec);
        const first = planIdentity({ input, snapshot: await readRootSnapshot(root), randomBytes: fixedRandom });
        await applyFileOps(root, first.ops);
        const once = treeContents(root);
        const second = planIdentity({ input, snapshot: await readRootSnapshot(root), randomBytes: fixedRandom });
        expect(second.ops.filter((entry) => entry.op === 'remove'), name).toEqual([]);
        await applyFileOps(root, second.ops);
        expect(treeContents(root), name).toEqual(once);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
  });

  test('the machine id is fresh per random source; D-Bus\'s copy follows the image: link kept, file copied, link made', async () => {
    expect(newMachineId(fixedRandom)).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    const other = newMachineId(() => new Uint8Array(16).fill(0xff));
    expect(other).toBe('ffffffffffff4fffbfffffffffffffff');
    const linked = await plan(debianIfupdownRoot, hostInput('keep'));
    expect(op(linked, 'var/lib/dbus/machine-id')).toBeUndefined();
    const copied = await plan(rhelRoot, hostInput('keep'));
    expect(op(copied, 'var/lib/dbus/machine-id')).toMatchObject({ op: 'write', content: op(copied, 'etc/machine-id')?.op === 'write' ? (op(copied, 'etc/machine-id') as { content: string }).content : 'x' });
    const missing = await plan({ ...withRemoved(debianIfupdownRoot, 'var/lib/dbus/machine-id'), 'var/lib/dbus': { dir: true } }, hostInput('keep'));
    expect(op(missing, 'var/lib/dbus/machine-id')).toMatchObject({ op: 'symlink', target: '/etc/machine-id' });
    const noDbus = await plan(withRemoved(debianIfupdownRoot, 'var/lib/dbus/machine-id'), hostInput('keep'));
    expect(op(noDbus, 'var/lib/dbus/machine-id')).toBeUndefined();
    expect(op(noDbus, 'etc/machine-id')).toMatchObject({ mode: 0o444, content: `${newMachineId(fixedRandom)}\n` });
  });

  test('/etc/hostname: single label, FQDN on Red Hat family images, the label when there is no domain', async () => {
    const rocky = { distro: { id: 'rocky', idLike: ['rhel', 'centos', 'fedora'] } };
    expect(op(await plan(rhelRoot, hostInput('keep', rocky)), 'etc/hostname')).toMatchObject({ content: 'web07.lab.example\n' });
    expect(op(await plan(rhelRoot, hostInput('keep', { distro: { id: 'debian', idLike: [] } })), 'etc/hostname')).toMatchObject({ content: 'web07\n' });
    const { fqdn: _fqdn, ...noDomain } = hostInput('keep', rocky);
    expect(op(await plan(rhelRoot, noDomain), 'etc/hostname')).toMatchObject({ content: 'web07\n' });
  });

  test('resolv.conf is written only for a static host whose resolver nobody manages', async () => {
    expect(op(await plan(debianIfupdownRoot, hostInput([staticNic])), 'etc/resolv.conf')).toBeDefined();
    expect(op(await plan(debianIfupdownRoot, hostInput([{ ...dhcpAnyNic, name: 'lan0' }])), 'etc/resolv.conf')).toBeUndefined();
    expect(op(await plan(ubuntuNetplanRoot, hostInput([staticNic])), 'etc/resolv.conf')).toBeUndefined();
    expect(op(await plan(debianNetworkManagerRoot, hostInput([staticNic])), 'etc/resolv.conf')).toBeUndefined();
    const resolvconf = { ...debianIfupdownRoot, 'etc/resolv.conf': { link: '/run/resolvconf/resolv.conf' } };
    expect(op(await plan(resolvconf, hostInput([staticNic])), 'etc/resolv.conf')).toBeUndefined();
  });
});
