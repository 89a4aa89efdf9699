import { join } from 'node:path';

/** One override layer; the closed set of kinds is the precedence order all → image → group… → host. */
export type LayerId = { kind: 'all' } | { kind: 'image'; name: string } | { kind: 'group'; name: string } | { kind: 'host'; name: string };

/** `all`, `image/web`, `group/web`, `host/web07`: also the layer's directory under `<home>/overrides/`. */
export const layerLabel = (id: LayerId): string => (id.kind === 'all' ? 'all' : `${id.kind}/${id.name}`);

export const layerDir = (overridesDir: string, id: LayerId): string => join(overridesDir, layerLabel(id));

/** What decides a host's layers: its image, its groups in listed order, its name. */
export interface LayerSubject {
  name: string;
  imageName: string;
  groups: readonly string[];
}

/** The host's layers, lowest first (later wins): all, image/<image>, group/<g> in listed order, host/<host>. */
export const layersOf = (subject: LayerSubject): LayerId[] => [
  { kind: 'all' },
  { kind: 'image', name: subject.imageName },
  ...subject.groups.map((name): LayerId => ({ kind: 'group', name })),
  { kind: 'host', name: subject.name },
];

export const sameLayer = (a: LayerId, b: LayerId): boolean => layerLabel(a) === layerLabel(b);
