import { imageNameOf } from './normalise-context.js';
import type { IdentitySettings, InstallSettings } from './schema.js';
import type { HostDef, HostSource, Inventory, NetworkDef } from './types.js';

/** Where an effective setting came from, along all → image → groups → host. */
export type Origin = { kind: 'all' } | { kind: 'image'; image: string } | { kind: 'group'; group: string } | { kind: 'host' };

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
  /** The image's vars, then group vars in listed order, then host vars; later wins. */
  vars: Record<string, unknown>;
  /** Which layer set each var's final value. */
  varsFrom: Partial<Record<string, Origin>>;
  /** Install settings merged key by key along all → image → groups → host; later wins. */
  install: InstallSettings;
  installFrom: Partial<Record<keyof InstallSettings, Origin>>;
  /** Identity settings merged key by key along image → groups → host; later wins (docs/identity.md). */
  identity: IdentitySettings;
  identityFrom: Partial<Record<keyof IdentitySettings, Origin>>;
  description?: string;
  source: HostSource;
}

const originText: { [K in Origin['kind']]: (origin: Extract<Origin, { kind: K }>) => string } = {
  all: () => 'inventory install defaults',
  image: (origin) => `image ${origin.image}`,
  group: (origin) => `group ${origin.group}`,
  host: () => 'host',
};

export const formatOrigin = (origin: Origin): string => (originText[origin.kind] as (origin: Origin) => string)(origin);

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

/** Settings merged key by key over layers in precedence order (later wins), with the layer that set each key. */
const mergeLayers = <T extends object>(layers: readonly [T | undefined, Origin][]): { values: T; from: Partial<Record<keyof T, Origin>> } => {
  const values: Record<string, unknown> = {};
  const from: Record<string, Origin> = {};
  for (const [layer, origin] of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue;
      values[key] = value;
      from[key] = origin;
    }
  }
  return { values: values as T, from: from as Partial<Record<keyof T, Origin>> };
};

/** The one precedence rule for vars, install and identity settings: all → image → groups in listed order → host (`all` only for install settings). */
const settingLayers = <T>(inventory: Inventory, host: HostDef, image: string | undefined, pick: (entry: { install?: InstallSettings; identity?: IdentitySettings; vars?: Record<string, unknown> }) => T | undefined, all?: T): [T | undefined, Origin][] => [
  [all, { kind: 'all' }],
  ...(image === undefined ? [] : [[pick(inventory.images[image] ?? {}), { kind: 'image', image }] as [T | undefined, Origin]]),
  ...host.groups.map((group): [T | undefined, Origin] => [pick(inventory.groups[group] ?? {}), { kind: 'group', group }]),
  [pick(host), { kind: 'host' }],
];

/** Resolves one host; unknown groups and networks are skipped (validation reports them). */
export const resolveHost = (inventory: Inventory, host: HostDef): ResolvedHost => {
  const image = firstOf(host, inventory, (from) => from.image);
  const networkChoice = firstOf(host, inventory, (from) => from.network);
  const networkDef = networkChoice === undefined ? undefined : inventory.networks[networkChoice.value];
  const network = networkDef === undefined || networkChoice === undefined ? undefined : { ...networkDef, from: networkChoice.from };
  const imageName = image === undefined ? undefined : imageNameOf(image.value);
  const { values: vars, from: varsFrom } = mergeLayers(settingLayers(inventory, host, imageName, (entry) => entry.vars));
  const install = mergeLayers(settingLayers(inventory, host, imageName, (entry) => entry.install, inventory.install));
  const identity = mergeLayers(settingLayers(inventory, host, imageName, (entry) => entry.identity));
  const resolved: ResolvedHost = {
    name: host.name,
    macs: host.macs,
    groups: host.groups,
    vars,
    varsFrom,
    install: install.values,
    installFrom: install.from,
    identity: identity.values,
    identityFrom: identity.from,
    source: host.source,
  };
  if (host.ip !== undefined) resolved.ip = host.ip;
  if (network !== undefined) resolved.network = network;
  if (network?.domain !== undefined) resolved.fqdn = `${host.name}.${network.domain}`;
  if (image !== undefined) resolved.image = { ref: image.value, name: imageNameOf(image.value), from: image.from };
  if (host.description !== undefined) resolved.description = host.description;
  return resolved;
};

/** Every host of a (validated) inventory, fully resolved, in file order. */
export const resolveHosts = (inventory: Inventory): ResolvedHost[] => inventory.hosts.map((host) => resolveHost(inventory, host));
