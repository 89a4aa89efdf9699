import { isRootcastError } from '../../errors/rootcast-error.js';
import { resolveImageRef, type ResolvedVersion } from '../../image/versions.js';
import { imageModuleName, type DeployInstructions } from '../../protocol/deploy-protocol.js';
import { httpStatusFor, jsonReply, textReply, type Reply } from '../reply.js';
import type { Route } from '../routes.js';
import { defaultFamily, fallbackKeepPaths, findHostByName, type ServeHost } from '../serve-fleet.js';
import { refuseWithoutHostToken } from './bearer-auth.js';
import type { HandlerContext } from './context.js';

/** Pure: the instructions for one host once its image reference is resolved. */
export const planDeployInstructions = (host: ServeHost, resolved: ResolvedVersion, rsyncEndpoint: string): DeployInstructions => ({
  host: host.name,
  image: resolved.image,
  version: resolved.version,
  ref: resolved.ref,
  rsync: { url: `rsync://${host.name}@${rsyncEndpoint}/${imageModuleName(resolved.image, resolved.version)}/`, user: host.name },
  keepPaths: [...(host.keepPaths ?? fallbackKeepPaths)],
  family: host.family ?? defaultFamily,
});

export const deployInstructions = async (route: Extract<Route, { kind: 'deploy' }>, context: HandlerContext): Promise<Reply> => {
  const refused = refuseWithoutHostToken(context, route.host);
  if (refused !== undefined) return refused;
  const host = findHostByName(context.fleet, route.host);
  if (host === undefined) return textReply(404, `no host named "${route.host}" in the inventory`);
  let resolved: ResolvedVersion;
  try {
    resolved = await resolveImageRef(context.paths, host.imageRef);
  } catch (error) {
    if (!isRootcastError(error)) throw error;
    // The host asked correctly; a missing image is the server's problem, so say so instead of blaming the request.
    const status = httpStatusFor(error.code);
    return textReply(status, `host ${host.name} is set to image "${host.imageRef}", which cannot be used: ${error.message}`);
  }
  await context.ensureImageModule(resolved.image, resolved.version);
  return jsonReply(200, planDeployInstructions(host, resolved, context.rsyncEndpoint(context.request.localAddress)));
};
