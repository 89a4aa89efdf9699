import type { IdentityInput } from '../identity/identity-input.js';
import type { OverrideContext } from '../render/override-context.js';
import { generateIdentityLayer } from './identity-layer.js';
import { layerDigests, hostTreeDigest, type LayerDigest } from './digest.js';
import { buildHostTree, type HostTree } from './host-tree.js';
import { readImageView } from './image-view.js';
import { layerDirProblems, readLayerDirs, type KnownNames } from './layer-dirs.js';
import type { LayerListing } from './layer-entry.js';
import { layerDir, layersOf, type GeneratedLayer, type LayerSubject } from './layer-id.js';
import { mergeLayers } from './merge-layers.js';
import type { MergedTree } from './merged-tree.js';
import { assertNoOverrideProblems, type OverrideProblem } from './override-problem.js';
import { readLayer } from './read-layer.js';
import { renderTemplates } from './render-templates.js';

/** Which layers to read for a host, and the names that make a layer directory legitimate. */
export interface LayerRequest {
  overridesDir: string;
  subject: LayerSubject;
  known: KnownNames;
  /**
   * Layers rootcast writes itself (the host's identity), read before the hand-written ones, so below them:
   * a file an admin puts in a layer is the admin's decision and wins (with a warning). @default []
   */
  generated?: readonly GeneratedLayer[];
}

/** Everything needed to resolve one host's overrides, gathered from the inventory and the store. */
export interface HostOverridesRequest extends LayerRequest {
  context: OverrideContext;
  /** The root of the image version being deployed (`images/web/3/root`). */
  imageRoot: string;
  /**
   * The host's identity (network configuration, hostname, hosts file), generated from the inventory and
   * the image root as the lowest layer, in a directory under `dir` (docs/identity.md). @default no identity layer
   */
  identity?: { input: IdentityInput; dir: string };
}

/** A host's layers, read and merged (templates not rendered): enough for `explain`. */
export interface HostLayers {
  layers: LayerListing[];
  merged: MergedTree;
}

/** A host's overrides, fully resolved: the tree it gets and the digests that identify it. */
export interface HostOverrides extends HostLayers {
  host: string;
  imageRef: string;
  /** The image version's root the tree was placed over (its directories lend their metadata). */
  imageRoot: string;
  digests: LayerDigest[];
  tree: HostTree;
  treeDigest: string;
}

/**
 * Reads and merges the host's layers with every structural problem found; the merged tree holds the valid
 * part (a bad entry is left out), so its templates can still be rendered and their problems told at once.
 */
const collectHostLayers = async (request: LayerRequest): Promise<HostLayers & { problems: OverrideProblem[] }> => {
  const problems: OverrideProblem[] = layerDirProblems(request.overridesDir, await readLayerDirs(request.overridesDir), request.known, 'host');
  const layers: LayerListing[] = [];
  const sources = [...(request.generated ?? []), ...layersOf(request.subject).map((id) => ({ id, dir: layerDir(request.overridesDir, id) }))];
  for (const { id, dir } of sources) {
    const read = await readLayer(id, dir);
    if (read === undefined) continue;
    layers.push(read.listing);
    problems.push(...read.problems);
  }
  const { tree, problems: mergeProblems } = mergeLayers(layers);
  return { layers, merged: tree, problems: [...problems, ...mergeProblems] };
};

/** Reads and merges the host's layers; throws INVALID_DATA with every structural problem at once. */
export const readHostLayers = async (request: LayerRequest): Promise<HostLayers> => {
  const { layers, merged, problems } = await collectHostLayers(request);
  assertNoOverrideProblems(request.subject.name, problems);
  return { layers, merged };
};

/** The request with its identity layer generated (when it asks for one) among the layers to read. */
export const withIdentityLayer = async (request: HostOverridesRequest): Promise<HostOverridesRequest> => {
  if (request.identity === undefined) return request;
  const layer = await generateIdentityLayer(request.subject.name, request.identity.input, request.imageRoot, request.identity.dir);
  return { ...request, generated: [layer, ...(request.generated ?? [])] };
};

/**
 * Read → plan for one host: its layers merged, its templates rendered from its context, placed over the
 * image version's directories. Throws INVALID_DATA naming every bad file (and template line) before
 * anything is written anywhere: the structural problems and those of the templates that made it into the tree.
 */
export const loadHostOverrides = async (request: HostOverridesRequest): Promise<HostOverrides> => {
  const { layers, merged, problems } = await collectHostLayers(await withIdentityLayer(request));
  const { tree: rendered, problems: templateProblems } = renderTemplates(merged, layers, request.context);
  assertNoOverrideProblems(request.subject.name, [...problems, ...templateProblems]);
  const image = await readImageView(request.imageRoot, merged.entries.filter((entry) => entry.entry.type === 'dir').map((entry) => entry.path));
  const tree = buildHostTree(rendered, image);
  return {
    host: request.subject.name,
    imageRef: request.context.image.ref,
    imageRoot: request.imageRoot,
    layers,
    merged,
    digests: layerDigests(layers),
    tree,
    treeDigest: hostTreeDigest(tree),
  };
};
