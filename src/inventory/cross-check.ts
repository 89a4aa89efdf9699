import { formatIpv4, hostAddressProblem, parseIpv4, parseSubnet } from './ipv4.js';
import { formatPlace, type IssuePath } from './issue.js';
import { addError, imageNameOf, itemPath, type NormaliseContext } from './normalise-context.js';
import { formatOrigin, resolveHost } from './resolve.js';
import type { HostDef, Inventory } from './types.js';

/** Names present in each section, including entries too broken to keep, so they cause no follow-on errors. */
export interface DeclaredNames {
  networks: ReadonlySet<string>;
  groups: ReadonlySet<string>;
  /** Declared under `images:` plus those present in the image store. */
  images: ReadonlySet<string>;
}

const unknownImage = (name: string): string =>
  `image "${name}" is neither declared under "images:" nor present in the image store (capture it, or declare it under "images:")`;

/** Checks references between entries, addresses against subnets, and uniqueness of names, IPs and MACs. */
export const crossCheck = (ctx: NormaliseContext, inventory: Inventory, declared: DeclaredNames): void => {
  for (const group of Object.values(inventory.groups)) {
    const path = ['groups', group.name];
    if (group.image !== undefined && !declared.images.has(imageNameOf(group.image))) {
      addError(ctx, [...path, 'image'], unknownImage(imageNameOf(group.image)));
    }
    if (group.network !== undefined && !declared.networks.has(group.network)) {
      addError(ctx, [...path, 'network'], `network "${group.network}" is not defined under "networks:"`);
    }
  }
  const checkedKeys = new Set<string>();
  for (const host of inventory.hosts) {
    // A range's hosts share their settings; checking the first is enough for references.
    if (!checkedKeys.has(host.source.key)) checkReferences(ctx, host, declared);
    checkedKeys.add(host.source.key);
  }
  checkAddresses(ctx, inventory);
  checkUnique(ctx, inventory.hosts, 'name', (host) => [host.name], (value, host, other, more) =>
    more === 0 ? `host "${value}"${host.source.fromRange ? ' (from this range)' : ''} is also defined by ${other}` : `host "${value}" and ${more} more from this range are also defined by ${other}`);
  checkUnique(ctx, inventory.hosts, 'ip', (host) => (host.ip === undefined ? [] : [host.ip]), (value, host, other, more) =>
    `${value} (host ${host.name}) is also the address of ${other}${more === 0 ? '' : `, and ${more} more addresses of this range clash with it`}`);
  checkUnique(ctx, inventory.hosts, 'mac', (host) => host.macs, (value, host, other) => `${value} (host ${host.name}) is also the MAC of ${other}`);
};

const hostPath = (host: HostDef, ...rest: (string | number)[]): IssuePath => ['hosts', host.source.key, ...rest];

const checkReferences = (ctx: NormaliseContext, host: HostDef, declared: DeclaredNames): void => {
  host.groups.forEach((group, index) => {
    if (!declared.groups.has(group)) addError(ctx, itemPath(ctx, hostPath(host, 'groups'), index), `group "${group}" is not defined under "groups:"`);
  });
  if (host.network !== undefined && !declared.networks.has(host.network)) {
    addError(ctx, hostPath(host, 'network'), `network "${host.network}" is not defined under "networks:"`);
  }
  if (host.image !== undefined && !declared.images.has(imageNameOf(host.image))) {
    addError(ctx, hostPath(host, 'image'), unknownImage(imageNameOf(host.image)));
  }
};

/** Each address must be a usable host address of its network and not the gateway; one report per key. */
const checkAddresses = (ctx: NormaliseContext, inventory: Inventory): void => {
  const reported = new Set<string>();
  for (const host of inventory.hosts) {
    const resolved = resolveHost(inventory, host);
    const network = resolved.network;
    if (host.ip === undefined || network === undefined || reported.has(host.source.key)) continue;
    const subnet = parseSubnet(network.subnet);
    const address = parseIpv4(host.ip);
    if (!subnet.ok || !address.ok) continue;
    const via = `network ${network.name}${network.from.kind === 'group' ? ` from ${formatOrigin(network.from)}` : ''}`;
    const who = host.source.fromRange ? `host ${host.name}: ` : '';
    const problem = hostAddressProblem(subnet.subnet, address.value);
    if (problem !== undefined) addError(ctx, hostPath(host, 'ip'), `${who}${problem} (${via})`);
    else if (network.gateway === formatIpv4(address.value)) addError(ctx, hostPath(host, 'ip'), `${who}${host.ip} is the gateway of ${via}`);
    else continue;
    reported.add(host.source.key);
  }
};

/** Reports values shared by two hosts once per pair of entries, naming the other entry and its line. */
const checkUnique = (
  ctx: NormaliseContext,
  hosts: readonly HostDef[],
  field: 'name' | 'ip' | 'mac',
  valuesOf: (host: HostDef) => string[],
  describe: (value: string, host: HostDef, other: string, more: number) => string,
): void => {
  const owners = new Map<string, HostDef>();
  const clashes = new Map<string, { value: string; host: HostDef; owner: HostDef; count: number }>();
  for (const host of hosts) {
    for (const value of valuesOf(host)) {
      const owner = owners.get(value);
      if (owner === undefined) {
        owners.set(value, host);
        continue;
      }
      const pair = JSON.stringify([host.source.key, owner.source.key]);
      const clash = clashes.get(pair);
      if (clash === undefined) clashes.set(pair, { value, host, owner, count: 1 });
      else clash.count += 1;
    }
  }
  for (const { value, host, owner, count } of clashes.values()) {
    const ownerPath = ['hosts', owner.source.key];
    const other = `${field === 'name' ? '' : `${owner.name} at `}${formatPlace(ownerPath, owner.source.line)}`;
    const at = field === 'name' ? [] : [field === 'mac' ? (host.macs.length > 1 ? 'macs' : 'mac') : 'ip'];
    addError(ctx, hostPath(host, ...at), describe(value, host, other, count - 1));
  }
};
