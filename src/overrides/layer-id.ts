import { join } from 'node:path';

/**
 * One override layer. `identity` is the host's network configuration, hostname and hosts file, generated
 * by rootcast from the inventory and the image (docs/identity.md) and lowest of all; the hand-written
 * kinds follow in precedence order all → image → group… → host.
 */
export type LayerId =
  | { kind: 'identity'; name: string }
  | { kind: 'all' }
  | { kind: 'image'; name: string }
  | { kind: 'group'; name: string }
  | { kind: 'host'; name: string };

/** `all`, `image/web`, `group/web`, `host/web07` (also the layer's directory under `<home>/overrides/`), `identity/web07`. */
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

/** A layer directory rootcast generated (outside `<home>/overrides/`). */
export interface GeneratedLayer {
  id: LayerId;
  dir: string;
}
