import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { identityInputOf } from '../identity/host-input.js';
import { readImageDistro, type ResolvedVersion } from '../image/versions.js';
import type { ResolvedHost } from '../inventory/resolve.js';
import type { Inventory } from '../inventory/types.js';
import { overrideContextFor } from './host-context.js';
import type { HostOverridesRequest, LayerRequest } from './host-overrides.js';

/** Finds a host of a validated inventory, resolved; NOT_FOUND (66) names the file. */
export const findResolvedHost = (hosts: readonly ResolvedHost[], name: string, file: string): ResolvedHost => {
  const host = hosts.find((candidate) => candidate.name === name);
  if (host === undefined) throw new RootcastError('NOT_FOUND', `host "${name}" is not in the inventory ${file}`, { hint: 'run "rootcast host list" to see the hosts' });
  return host;
};

/** The image reference a host deploys as written (`web@stable`); INVALID_DATA without one. */
export const imageRefOf = (host: ResolvedHost): string => {
  if (host.image === undefined) {
    throw new RootcastError('INVALID_DATA', `no image is set for ${host.name}, so it has no image layer and no tree`, {
      hint: 'set "image" on the host or on one of its groups (rootcast group add G --image I)',
    });
  }
  return host.image.ref;
};

/** Pure: which layers an inventory host has (its image named by `imageName`). */
export const layerRequestFor = (paths: HomePaths, inventory: Inventory, host: ResolvedHost, imageName: string): LayerRequest => ({
  overridesDir: paths.overridesDir,
  subject: { name: host.name, imageName, groups: host.groups },
  known: { hosts: inventory.hosts.map((entry) => entry.name), groups: Object.keys(inventory.groups) },
});

/** Pure: the overrides request of one inventory host deploying `version` (the image reference resolved against the store). */
export const overridesRequestFor = (paths: HomePaths, inventory: Inventory, host: ResolvedHost, version: ResolvedVersion, identity?: HostOverridesRequest['identity']): HostOverridesRequest => ({
  ...layerRequestFor(paths, inventory, host, version.image),
  context: overrideContextFor(host, version.ref, inventory.server?.url),
  imageRoot: version.root,
  ...(identity === undefined ? {} : { identity }),
});

/**
 * The request with the host's identity layer, generated under `identityDir`: the image's distro (from its
 * manifest) picks conventions such as a short or full /etc/hostname.
 */
export const overridesRequestWithIdentity = async (paths: HomePaths, inventory: Inventory, host: ResolvedHost, version: ResolvedVersion, identityDir: string): Promise<HostOverridesRequest> => {
  const distro = await readImageDistro(paths, version);
  return overridesRequestFor(paths, inventory, host, version, { input: identityInputOf(host, distro), dir: identityDir });
};
