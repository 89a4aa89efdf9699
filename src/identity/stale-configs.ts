import { isMap, isSeq, type Document } from 'yaml';
import { globMayNameEthernet, nameListMayMatchEthernet } from './ethernet-match.js';
import type { FileOp } from './identity-input.js';
import { iniValue, iniValues, parseIni } from './ini-file.js';
import { dropEthernetStanzas, hasNoStanzas, interfacesDir, interfacesPath } from './interfaces-file.js';
import { networkdDir } from './link-files.js';
import { readNetplanFiles } from './netplan-yaml.js';
import { keyfileDir } from './render-networkmanager.js';
import { filesIn, fileText, type RootSnapshot } from './root-snapshot.js';

/**
 * What cleaning the image's Ethernet configuration does: the file changes, and `blockers`: a bridge,
 * bond or VLAN built on a card whose configuration would go. Those refuse the plan rather than
 * leave the host with half a network.
 */
export interface StaleCleanup {
  ops: FileOp[];
  blockers: string[];
}

const keepAdvice = 'set identity.network: keep for hosts of this image (its bridges, bonds and VLANs stay as they are)';
const stale = (what: string): string => `the image's configuration for ${what} would also claim the card`;

const keyfiles = (snapshot: RootSnapshot, out: StaleCleanup): void => {
  for (const [path, content] of filesIn(snapshot, keyfileDir)) {
    const sections = parseIni(content);
    const type = iniValue(sections, 'connection', 'type');
    const ethernet = type === 'ethernet' || type === '802-3-ethernet' || (type === undefined && sections.some((section) => section.name === 'ethernet'));
    if (!ethernet) continue;
    const id = iniValue(sections, 'connection', 'id') ?? path;
    out.ops.push({ op: 'remove', path, why: stale(`NetworkManager profile "${id}"`) });
    const controller = iniValue(sections, 'connection', 'master') ?? iniValue(sections, 'connection', 'controller');
    if (controller !== undefined) out.blockers.push(`${path}: profile "${id}" is a port of ${controller}; ${keepAdvice}`);
  }
};

/** RHEL's initscripts files, which NetworkManager's ifcfg-rh plugin reads next to keyfiles. */
const ifcfgFiles = (snapshot: RootSnapshot, out: StaleCleanup, ownNames: readonly string[]): void => {
  for (const [path, content] of filesIn(snapshot, 'etc/sysconfig/network-scripts')) {
    const file = path.slice(path.lastIndexOf('/') + 1);
    if (!file.startsWith('ifcfg-') || file === 'ifcfg-lo') continue;
    const values = new Map(content.split('\n').flatMap((line): [string, string][] => {
      const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
      return match === null ? [] : [[match[1] ?? '', (match[2] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2')]];
    }));
    const type = values.get('TYPE')?.toLowerCase();
    const device = values.get('DEVICE') ?? values.get('NAME') ?? file.slice('ifcfg-'.length);
    const ethernet = type === 'ethernet' || (type === undefined && (values.has('HWADDR') || globMayNameEthernet(device, ownNames)));
    if (!ethernet) continue;
    out.ops.push({ op: 'remove', path, why: stale(`${device} (ifcfg)`) });
    const controller = values.get('MASTER') ?? values.get('BRIDGE');
    if (controller !== undefined) out.blockers.push(`${path}: ${device} is a port of ${controller}; ${keepAdvice}`);
  }
};

/** The ids a netplan document's bridges, bonds, VRFs (`interfaces`) and VLANs, tunnels (`link`) are built on, by definition. */
const netplanUsers = (doc: Document): [string, string][] => {
  const users: [string, string][] = [];
  for (const kind of ['bridges', 'bonds', 'vrfs', 'vlans', 'tunnels']) {
    const definitions = doc.getIn(['network', kind]);
    if (!isMap(definitions)) continue;
    for (const item of definitions.items) {
      const definition = item.value;
      if (!isMap(definition)) continue;
      const interfaces = definition.get('interfaces');
      const parts = [...(isSeq(interfaces) ? interfaces.items.map(String) : []), ...(definition.has('link') ? [String(definition.get('link'))] : [])];
      for (const part of parts) users.push([`${kind} ${String(item.key)}`, part]);
    }
  }
  return users;
};

const netplan = (snapshot: RootSnapshot, out: StaleCleanup): void => {
  const files = readNetplanFiles(snapshot).flatMap((file) => (file.ok ? [file] : []));
  const removed = new Set<string>();
  for (const file of files) {
    const ethernets = file.doc.getIn(['network', 'ethernets']);
    if (!isMap(ethernets)) continue;
    ethernets.items.forEach((item) => removed.add(String(item.key)));
    const network = file.doc.get('network');
    const others = isMap(network) ? network.items.map((item) => String(item.key)).filter((key) => !['version', 'renderer', 'ethernets'].includes(key)) : [];
    if (others.length === 0 && isMap(file.doc.contents) && file.doc.contents.items.length === 1) {
      out.ops.push({ op: 'remove', path: file.path, why: stale('Ethernet cards (netplan)') });
      continue;
    }
    const kept = file.doc.clone();
    kept.deleteIn(['network', 'ethernets']);
    out.ops.push({ op: 'write', path: file.path, content: kept.toString(), mode: 0o600, why: `${stale('Ethernet cards (netplan)')}; its other settings stay` });
  }
  for (const file of files) {
    for (const [user, id] of netplanUsers(file.doc)) {
      if (removed.has(id)) out.blockers.push(`${file.path}: ${user} is built on ${id}, whose definition would be removed; ${keepAdvice}`);
    }
  }
};

/** A `.network` file whose [Match] could take an Ethernet card; `Type=`/`Kind=` that exclude Ethernet keep it. */
const networkdFiles = (snapshot: RootSnapshot, out: StaleCleanup, ownNames: readonly string[]): void => {
  for (const [path, content] of filesIn(snapshot, networkdDir)) {
    if (path.endsWith('.link') && path.slice(networkdDir.length + 1).startsWith('10-rootcast-')) {
      out.ops.push({ op: 'remove', path, why: 'rootcast named a card this way before; it names no card of this host now' });
      continue;
    }
    if (!path.endsWith('.network')) continue;
    const sections = parseIni(content);
    const types = iniValues(sections, 'Match', 'Type').join(' ').split(/\s+/).filter((type) => type !== '');
    const names = iniValues(sections, 'Match', 'Name');
    const excluded =
      (types.length > 0 && !types.includes('ether')) ||
      iniValues(sections, 'Match', 'Kind').length > 0 ||
      (names.length > 0 && !names.some((list) => nameListMayMatchEthernet(list, ownNames)));
    if (excluded) continue;
    out.ops.push({ op: 'remove', path, why: stale('Ethernet cards (systemd-networkd)') });
    const joins = ['Bridge', 'Bond', 'VLAN', 'MACVLAN', 'VRF'].filter((key) => iniValues(sections, 'Network', key).length > 0);
    if (joins.length > 0) out.blockers.push(`${path}: its cards also carry ${joins.map((key) => `${key}=${iniValues(sections, 'Network', key).join(' ')}`).join(', ')}; ${keepAdvice}`);
  }
};

const ifupdownFiles = (snapshot: RootSnapshot, out: StaleCleanup, ownNames: readonly string[]): void => {
  const main = fileText(snapshot, interfacesPath);
  const files: [string, string][] = [...(main === undefined ? [] : [[interfacesPath, main] as [string, string]]), ...filesIn(snapshot, interfacesDir)];
  const filtered = files.map(([path, content]) => ({ path, ...dropEthernetStanzas(content, ownNames) }));
  const dropped = new Set(filtered.flatMap((file) => file.dropped));
  for (const { path, text, dropped: here } of filtered) {
    const words = new Set(text.split('\n').filter((line) => !line.trim().startsWith('#')).flatMap((line) => line.trim().split(/\s+/)));
    const users = [...dropped].filter((name) => words.has(name));
    if (users.length > 0) out.blockers.push(`${path}: other stanzas are built on ${users.join(', ')}, whose stanzas would be removed; ${keepAdvice}`);
    if (here.length === 0) continue;
    const why = stale(`${here.join(', ')} (ifupdown)`);
    if (path !== interfacesPath && hasNoStanzas(text)) out.ops.push({ op: 'remove', path, why });
    else out.ops.push({ op: 'write', path, content: text, mode: 0o644, why: `${why}; its other stanzas stay` });
  }
};

/**
 * Every Ethernet configuration the image holds, for every stack rootcast knows (not only the one it
 * writes for): they name the golden client's cards, and one left behind could bring a clone up
 * with the golden client's address. Wi-Fi, bridges, bonds, VLANs and loopback configs stay.
 * `ownNames` are the names rootcast gives the host's cards.
 */
export const planStaleCleanup = (snapshot: RootSnapshot, ownNames: readonly string[]): StaleCleanup => {
  const out: StaleCleanup = { ops: [], blockers: [] };
  keyfiles(snapshot, out);
  ifcfgFiles(snapshot, out, ownNames);
  netplan(snapshot, out);
  networkdFiles(snapshot, out, ownNames);
  ifupdownFiles(snapshot, out, ownNames);
  return out;
};
