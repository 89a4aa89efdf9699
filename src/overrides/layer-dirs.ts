import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assertDirectoryOrMissing } from './read-layer.js';
import type { OverrideProblem } from './override-problem.js';

/** The per-name layer kinds: `overrides/<kind>/<name>/`. */
export const namedLayerKinds = ['image', 'group', 'host'] as const;
export type NamedLayerKind = (typeof namedLayerKinds)[number];

/** What the overrides home holds: stray top-level names, and the layer names of each kind. */
export interface LayerDirs {
  stray: string[];
  named: Record<NamedLayerKind, string[]>;
}

const namesIn = async (dir: string): Promise<string[]> => (await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)))).sort();

/** Reads `<home>/overrides/` one level into each kind; every directory on the way must be a real directory. */
export const readLayerDirs = async (overridesDir: string): Promise<LayerDirs> => {
  const named: Record<NamedLayerKind, string[]> = { image: [], group: [], host: [] };
  if (!(await assertDirectoryOrMissing(overridesDir, 'the overrides directory'))) return { stray: [], named };
  const top = await namesIn(overridesDir);
  for (const kind of namedLayerKinds) {
    if (await assertDirectoryOrMissing(join(overridesDir, kind), `the overrides directory for ${kind} layers`)) named[kind] = await namesIn(join(overridesDir, kind));
  }
  return { stray: top.filter((name) => name !== 'all' && !(namedLayerKinds as readonly string[]).includes(name)), named };
};

/** What the inventory knows: a host or group layer for anything else is a typo or a leftover. */
export interface KnownNames {
  hosts: readonly string[];
  groups: readonly string[];
}

/** Which problems to report: `fleet` (inventory check) all of them; `host` (one host's deploy or render) not the leftover layers of other hosts. */
export type LayerDirScope = 'fleet' | 'host';

/**
 * Pure: stray names and host/group layers the inventory does not know (image layers may precede their image).
 * A host layer of a removed host cannot change what another host gets, so only the fleet check refuses it:
 * one leftover must not stop every deploy.
 */
export const layerDirProblems = (overridesDir: string, dirs: LayerDirs, known: KnownNames, scope: LayerDirScope = 'fleet'): OverrideProblem[] => {
  const hosts = new Set(known.hosts);
  const groups = new Set(known.groups);
  return [
    ...dirs.stray.map((name) => ({ file: join(overridesDir, name), message: 'is not a layer: the overrides directory holds all/, image/<image>/, group/<group>/ and host/<host>/' })),
    ...dirs.named.group.filter((name) => !groups.has(name)).map((name) => ({ file: join(overridesDir, 'group', name), message: `no group "${name}" in the inventory: rename the layer to an existing group, or add the group` })),
    ...dirs.named.host.filter((name) => scope === 'fleet' && !hosts.has(name)).map((name) => ({ file: join(overridesDir, 'host', name), message: `no host "${name}" in the inventory: rename the layer to an existing host, or remove it` })),
  ];
};
