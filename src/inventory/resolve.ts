import { imageNameOf } from './normalise-context.js';
import type { HostDef, HostSource, Inventory, NetworkDef } from './types.js';

/** Where an effective setting came from: the host itself or one of its groups. */
export type Origin = { kind: 'host' } | { kind: 'group'; group: string };

export interface ResolvedImage {
  /** As written: `web`, `web@3`, `web@stable`. */
  ref: string;
  /** The image name: `web`. */
  name: string;
  from: Origin;
}

export type ResolvedNetwork = NetworkDef & { from: Origin };

/** A host with everything its groups contribute applied; what deploy steps and templates consume. */
export interface ResolvedHost {
  name: string;
  macs: string[];
  ip?: string;
  network?: ResolvedNetwork;
  /** `name.domain` when the host's network has a domain. */
  fqdn?: string;
  image?: ResolvedImage;
  /** In the host's listed order; this is the override layer order too. */
  groups: string[];
  /** Group vars in listed order, then host vars; later wins. */
  vars: Record<string, unknown>;
  /** Which layer set each var's final value. */
  varsFrom: Record<string, Origin>;
  description?: string;
  source: HostSource;
}

export const formatOrigin = (origin: Origin): string => (origin.kind === 'host' ? 'host' : `group ${origin.group}`);

/** The first setting along host → groups in listed order. */
const firstOf = (host: HostDef, inventory: Inventory, pick: (from: { image?: string; network?: string }) => string | undefined): { value: string; from: Origin } | undefined => {
  const own = pick(host);
  if (own !== undefined) return { value: own, from: { kind: 'host' } };
  for (const group of host.groups) {
    const definition = inventory.groups[group];
    const value = definition === undefined ? undefined : pick(definition);
    if (value !== undefined) return { value, from: { kind: 'group', group } };
  }
  return undefined;
};

/** Resolves one host; unknown groups and networks are skipped (validation reports them). */
export const resolveHost = (inventory: Inventory, host: HostDef): ResolvedHost => {
  const vars: Record<string, unknown> = {};
  const varsFrom: Record<string, Origin> = {};
  const layers: [Record<string, unknown>, Origin][] = [
    ...host.groups.map((group): [Record<string, unknown>, Origin] => [inventory.groups[group]?.vars ?? {}, { kind: 'group', group }]),
    [host.vars, { kind: 'host' }],
  ];
  for (const [layer, origin] of layers) {
    for (const [name, value] of Object.entries(layer)) {
      vars[name] = value;
      varsFrom[name] = origin;
    }
  }
  const image = firstOf(host, inventory, (from) => from.image);
  const networkChoice = firstOf(host, inventory, (from) => from.network);
  const networkDef = networkChoice === undefined ? undefined : inventory.networks[networkChoice.value];
  const network = networkDef === undefined || networkChoice === undefined ? undefined : { ...networkDef, from: networkChoice.from };
  const resolved: ResolvedHost = { name: host.name, macs: host.macs, groups: host.groups, vars, varsFrom, source: host.source };
  if (host.ip !== undefined) resolved.ip = host.ip;
  if (network !== undefined) resolved.network = network;
  if (network?.domain !== undefined) resolved.fqdn = `${host.name}.${network.domain}`;
  if (image !== undefined) resolved.image = { ref: image.value, name: imageNameOf(image.value), from: image.from };
  if (host.description !== undefined) resolved.description = host.description;
  return resolved;
};

/** Every host of a (validated) inventory, fully resolved, in file order. */
export const resolveHosts = (inventory: Inventory): ResolvedHost[] => inventory.hosts.map((host) => resolveHost(inventory, host));
