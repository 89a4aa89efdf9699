import { isRootcastError } from '../../errors/rootcast-error.js';
import { parseImageRef } from '../../image/ref.js';
import { imageLayout } from '../../image/layout.js';
import type { ImageManifest } from '../../image/manifest.js';
import { listRemovedPaths } from '../../image/removed-paths.js';
import { readManifest, resolveImageRef, type ResolvedVersion } from '../../image/versions.js';

import type { HostOverrides } from '../../overrides/host-overrides.js';
import { layerLabel } from '../../overrides/layer-id.js';
import { dataTrees, imageOwnedVarLib, statefulVarLib, type PathOwner, type UpdateInstructions } from '../../protocol/update-protocol.js';
import { recordDeployStarting } from '../../state/host-record.js';
import { httpStatusFor, jsonReply, textReply, type Reply } from '../reply.js';
import type { Route } from '../routes.js';
import { findHostByName } from '../serve-fleet.js';
import type { HandlerContext } from './context.js';
import { planDeployInstructions, readImageMountPoints } from './deploy.js';
import { authenticateHost } from './host-auth.js';

/** Pure: which layer owns each overridden path (the dry run's owner column); the rest is the image's. */
export const planPathOwners = (overrides: HostOverrides | undefined): PathOwner[] =>
  overrides === undefined
    ? []
    : [
        ...overrides.merged.entries.map((entry) => ({ path: entry.path, layer: layerLabel(entry.layer), kind: 'provides' as const })),
        ...overrides.merged.removals.map((removal) => ({ path: removal.path, layer: layerLabel(removal.by.layer), kind: 'removes' as const })),
      ];

const imageOf = (ref: string): string => parseImageRef(ref).image;

/**
 * Pure: why this host may not be given `requested` (undefined when it may). The daemon lets a host read
 * the versions of its inventory image only, and switching a running host to another image must be asked
 * for by name: an update that merely follows the inventory never changes the image under a host.
 */
export const updateTargetProblem = (host: string, assigned: string, requested: string | undefined, running: string | undefined): string | undefined => {
  const target = imageOf(requested ?? assigned);
  if (target !== imageOf(assigned)) return `host ${host} is set to image "${imageOf(assigned)}" in the inventory; "${requested}" is another image (set the host's image first: rootcast host set ${host} --image ${requested})`;
  if (requested === undefined && running !== undefined && imageOf(running) !== target) {
    return `host ${host} runs image "${imageOf(running)}" and the inventory now gives it "${assigned}", another image: ask for it by name to switch (rootcast update --image ${assigned})`;
  }
  return undefined;
};

/** The capture's own rules for the update to honour: what it left out, and what it re-included below that. */
const captureRulesOf = (manifest: ImageManifest): Pick<UpdateInstructions, 'captureExcludes' | 'captureIncludes'> => ({
  captureExcludes: manifest.excludes,
  ...(manifest.includes === undefined ? {} : { captureIncludes: manifest.includes }),
});

/**
 * What the host's recorded version has under the data trees and the target lacks (or has as another kind): an
 * update protects host data there, so these, which the image put there, are named to be removed. Nothing when
 * the host's version is unknown, of another image, pruned, the same, or too large a tree to compare.
 */
const removalsSince = async (context: HandlerContext, deployed: { image: string; version: number } | undefined, target: ResolvedVersion): Promise<{ imageRemovals?: string[] }> => {
  if (deployed === undefined || deployed.image !== target.image || deployed.version === target.version) return {};
  const fromRoot = imageLayout(context.paths).versionRoot(deployed.image, deployed.version);
  const skip = [...imageOwnedVarLib, ...statefulVarLib].map((name) => `/var/lib/${name}`);
  const removals = await listRemovedPaths(fromRoot, target.root, dataTrees, skip);
  return removals === undefined ? {} : { imageRemovals: removals };
};

/** Hands out update instructions for the host credential's holder and, unless it is a dry run, records the attempt. */
export const updateInstructions = async (route: Extract<Route, { kind: 'update' }>, context: HandlerContext): Promise<Reply> => {
  const auth = await authenticateHost(context, route.host, ['host']);
  if (!auth.ok) return auth.reply;
  const host = findHostByName(context.fleet, route.host);
  if (host === undefined) return textReply(404, `no host named "${route.host}" in the inventory`);
  const record = await context.hostState.record(host.name);
  const { ref, via, dry } = route.query;
  try {
    if (ref !== undefined) parseImageRef(ref);
  } catch (error) {
    if (isRootcastError(error)) return textReply(400, `ref: ${error.message}`);
    throw error;
  }
  const problem = updateTargetProblem(host.name, host.imageRef, ref, record.deployed?.ref);
  if (problem !== undefined) return textReply(409, problem);
  let resolved: ResolvedVersion;
  try {
    resolved = await resolveImageRef(context.paths, ref ?? host.imageRef);
  } catch (error) {
    if (!isRootcastError(error)) throw error;
    return textReply(httpStatusFor(error.code), `host ${host.name} cannot be updated to "${ref ?? host.imageRef}": ${error.message}`);
  }
  const overrides = await context.publishOverrides(host.name, resolved);
  if (!dry) {
    const version = { image: resolved.image, version: resolved.version, ref: resolved.ref };
    const layers = overrides === undefined ? undefined : { layers: overrides.digests.map(({ layer, digest }) => ({ layer, digest })), treeDigest: overrides.treeDigest };
    await context.hostState.updateRecord(host.name, (current) => recordDeployStarting(current, version, auth.claim.generation, context.now(), layers, via));
  }
  await context.ensureImageModule(resolved.image, resolved.version);
  const instructions: UpdateInstructions = {
    ...planDeployInstructions(host, resolved, context.rsyncEndpoint(context.request.localAddress), { overrides, imageMountPoints: await readImageMountPoints(resolved.root), credential: 'host' }),
    assigned: host.imageRef,
    owners: planPathOwners(overrides),
    ...captureRulesOf(await readManifest(context.paths, resolved.image, resolved.version)),
    ...(await removalsSince(context, record.deployed, resolved)),
  };
  return jsonReply(200, instructions);
};
