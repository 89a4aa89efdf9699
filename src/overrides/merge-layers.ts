import { comparePaths } from '../image/tree-walk.js';
import { ancestorsOf, baseNameOf, isBelow, parentOf, type LayerEntry, type LayerListing } from './layer-entry.js';
import { layerLabel, type LayerId } from './layer-id.js';
import { classifyName, opaqueMarker } from './layer-names.js';
import type { HiddenEntry, LayerObject, MergedEntry, MergedTree, Removal } from './merged-tree.js';
import type { OverrideProblem } from './override-problem.js';

/** One layer entry with what its name means: `target` is the path it provides, deletes or marks opaque. */
interface Classified {
  entry: LayerEntry;
  role: 'plain' | 'template' | 'whiteout' | 'opaque';
  target: string;
}

/** How far the image's object is hidden below a path: the path itself and below, or strictly below (opaque). */
type ImageRoot = 'self' | 'below';

const classifyLayer = (listing: LayerListing, problems: OverrideProblem[]): Classified[] => {
  const classified: Classified[] = [];
  const provided = new Map<string, string>();
  for (const entry of listing.entries) {
    const role = classifyName(baseNameOf(entry.path), entry.type);
    const file = `${listing.root}${entry.path}`;
    if (role.role === 'invalid') {
      const rootWhiteout = parentOf(entry.path) === '' && /^\.wh\.\.\.?$/.test(baseNameOf(entry.path));
      problems.push({ file, message: rootWhiteout ? 'a whiteout of / would delete the whole image; whiteouts name one path (.wh.NAME deletes NAME)' : role.problem });
      continue;
    }
    if (role.role === 'opaque' && parentOf(entry.path) === '') {
      problems.push({ file, message: `${opaqueMarker} at the top of a layer would hide the whole image; put it into the directory to make opaque` });
      continue;
    }
    const target = role.role === 'template' || role.role === 'whiteout' ? `${parentOf(entry.path)}/${role.target}` : role.role === 'opaque' ? parentOf(entry.path) : entry.path;
    if (role.role === 'plain' || role.role === 'template') {
      const other = provided.get(target);
      if (other !== undefined) {
        problems.push({ file, message: `${other} in the same layer also provides ${target}; keep one of them` });
        continue;
      }
      provided.set(target, entry.path);
    }
    classified.push({ entry, role: role.role, target });
  }
  return classified;
};

const objectOf = (entry: MergedEntry): LayerObject => ({ layer: entry.layer, source: entry.entry.path, type: entry.entry.type });

const dropAtOrBelow = <V>(map: Map<string, V>, path: string, inclusive: boolean): void => {
  for (const key of [...map.keys()]) if (isBelow(key, path) || (inclusive && key === path)) map.delete(key);
};

/**
 * Resolves a host's layers (lowest first) into one tree, OCI style: a later layer's entry replaces a
 * lower one at the same path (directories merge), `.wh.NAME` deletes NAME from lower layers and the
 * image, `.wh..wh..opq` hides the lower layers' and the image's content of its directory. Pure.
 */
export const mergeLayers = (layers: readonly LayerListing[]): { tree: MergedTree; problems: OverrideProblem[] } => {
  const problems: OverrideProblem[] = [];
  const tree = new Map<string, MergedEntry>();
  const whiteouts = new Map<string, Removal>();
  const opaques = new Map<string, Removal>();
  const hidden = new Map<string, HiddenEntry>();
  const imageRoots = new Map<string, ImageRoot>();

  const hideSubtree = (path: string, inclusive: boolean, by: HiddenEntry['by']): Removal['removes'] => {
    const removed: Removal['removes'] = [];
    for (const [key, entry] of [...tree]) {
      if (!(isBelow(key, path) || (inclusive && key === path))) continue;
      tree.delete(key);
      hidden.set(key, { path: key, object: objectOf(entry), by });
      removed.push({ path: key, object: objectOf(entry) });
    }
    return removed;
  };

  const applyWhiteout = (layer: LayerId, item: Classified): void => {
    const by: LayerObject = { layer, source: item.entry.path, type: 'whiteout' };
    const removes = hideSubtree(item.target, true, { ...by, kind: 'whiteout', path: item.target });
    dropAtOrBelow(whiteouts, item.target, false);
    dropAtOrBelow(opaques, item.target, true);
    dropAtOrBelow(imageRoots, item.target, false);
    imageRoots.set(item.target, 'self');
    whiteouts.set(item.target, { kind: 'whiteout', path: item.target, by, removes });
  };

  const applyOpaque = (layer: LayerId, item: Classified): void => {
    const by: LayerObject = { layer, source: item.entry.path, type: item.entry.type };
    const removes = hideSubtree(item.target, false, { ...by, kind: 'opaque', path: item.target });
    dropAtOrBelow(whiteouts, item.target, false);
    dropAtOrBelow(opaques, item.target, false);
    dropAtOrBelow(imageRoots, item.target, false);
    if (imageRoots.get(item.target) !== 'self') imageRoots.set(item.target, 'below');
    opaques.set(item.target, { kind: 'opaque', path: item.target, by, removes });
  };

  const applyEntry = (layer: LayerId, item: Classified): void => {
    const path = item.target;
    const existing = tree.get(path);
    const recreated = existing === undefined ? whiteouts.get(path) : undefined;
    const object: LayerObject = { layer, source: item.entry.path, type: item.entry.type };
    const isDir = item.entry.type === 'dir';
    if (existing !== undefined && !(isDir && existing.entry.type === 'dir')) {
      hideSubtree(path, false, { ...object, kind: 'replaced', path });
    }
    if (recreated !== undefined) whiteouts.delete(path);
    if (!isDir) {
      // A non-directory replaces whatever the image has at its path, subtree included.
      dropAtOrBelow(whiteouts, path, false);
      dropAtOrBelow(opaques, path, true);
      dropAtOrBelow(imageRoots, path, false);
      imageRoots.set(path, 'self');
    }
    const merges = existing !== undefined && isDir && existing.entry.type === 'dir';
    const opaqueBy = opaques.get(path)?.by ?? (isDir ? recreated?.by : undefined) ?? (merges ? existing.opaqueBy : undefined);
    tree.set(path, {
      path,
      layer,
      entry: item.entry,
      template: item.role === 'template',
      shadows: existing !== undefined ? [objectOf(existing), ...existing.shadows] : recreated !== undefined ? [recreated.by] : [],
      ...(opaqueBy === undefined ? {} : { opaqueBy }),
      imageHidden: false,
    });
  };

  for (const listing of layers) {
    const items = classifyLayer(listing, problems);
    // OCI order within a layer: its whiteouts and opaque markers act on the layers below, then its entries land.
    for (const item of items) if (item.role === 'whiteout') applyWhiteout(listing.id, item);
    for (const item of items) if (item.role === 'opaque') applyOpaque(listing.id, item);
    for (const item of items) if (item.role === 'plain' || item.role === 'template') applyEntry(listing.id, item);
  }

  const hiddenFromImage = (path: string): boolean => imageRoots.get(path) === 'self' || ancestorsOf(path).some((dir) => imageRoots.has(dir));
  const byPath = <T extends { path: string }>(items: Iterable<T>): T[] => [...items].sort((a, b) => comparePaths(Buffer.from(a.path), Buffer.from(b.path)));
  return {
    problems,
    tree: {
      entries: byPath(tree.values()).map((entry) => ({ ...entry, imageHidden: hiddenFromImage(entry.path) })),
      removals: byPath([...whiteouts.values(), ...[...opaques.values()].filter((removal) => tree.get(removal.path)?.entry.type === 'dir')]),
      hidden: byPath(hidden.values()),
      deletedFromImage: byPath([...whiteouts.keys()].map((path) => ({ path }))).map(({ path }) => path),
    },
  };
};

/** `group/web:/etc/motd.hbs`, for listings and messages. */
export const formatLayerObject = (object: LayerObject): string => `${layerLabel(object.layer)}:${object.source}`;
