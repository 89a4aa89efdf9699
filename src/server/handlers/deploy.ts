import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSystemMountPoints, parseFstab } from '../../sys/fstab.js';
import { rsyncUserFor, type CredentialKind } from '../../credentials/token.js';
import { isRootcastError } from '../../errors/rootcast-error.js';
import { resolveImageRef, type ResolvedVersion } from '../../image/versions.js';
import type { HostOverrides } from '../../overrides/host-overrides.js';
import { planSyncFilters } from '../../overrides/sync-filters.js';
import { imageModuleName, overridesModuleName, type DeployInstructions, type DeployOverrides, type DeployTransport } from '../../protocol/deploy-protocol.js';
import { recordDeployStarting } from '../../state/host-record.js';
import { httpStatusFor, jsonReply, textReply, type Reply } from '../reply.js';
import type { Route } from '../routes.js';
import { defaultFamily, fallbackKeepPaths, findHostByName, type ServeHost } from '../serve-fleet.js';
import type { HandlerContext } from './context.js';
import { authenticateHost } from './host-auth.js';
import { deployTransport } from './payload.js';

/** Pure: where the host's published tree is and the filter rules and digests of its two rsync passes. */
export const planDeployOverrides = (overrides: HostOverrides, moduleUrl: string, keepPaths: readonly string[]): DeployOverrides => {
  const filters = planSyncFilters(overrides.tree, keepPaths);
  return { url: moduleUrl, imageFilters: filters.image, overridesFilters: filters.overrides, layers: overrides.digests, treeDigest: overrides.treeDigest };
};

/** What a deploy adds to the host and its version, each absent when serve has nothing to say. */
export interface DeployExtras {
  overrides?: HostOverrides;
  transport?: DeployTransport;
  imageMountPoints?: string[];
  /** The credential the host presented: its rsync user is `install.<host>` or, for updates, `host.<host>`. @default 'install' */
  credential?: CredentialKind;
}

/** Pure: the instructions for one host once its image reference is resolved (and its override tree published, if any). */
export const planDeployInstructions = (host: ServeHost, resolved: ResolvedVersion, rsyncEndpoint: string, extras: DeployExtras = {}): DeployInstructions => {
  const { overrides, transport, imageMountPoints, credential = 'install' } = extras;
  const user = rsyncUserFor(credential, host.name);
  const keepPaths = [...(host.keepPaths ?? fallbackKeepPaths)];
  const moduleUrl = (module: string): string => `rsync://${user}@${rsyncEndpoint}/${module}/`;
  return {
    host: host.name,
    image: resolved.image,
    version: resolved.version,
    ref: resolved.ref,
    rsync: { url: moduleUrl(imageModuleName(resolved.image, resolved.version)), user },
    keepPaths,
    family: host.family ?? defaultFamily,
    ...(overrides === undefined ? {} : { overrides: planDeployOverrides(overrides, moduleUrl(overridesModuleName(host.name)), keepPaths) }),
    ...(transport === undefined ? {} : { transport }),
    ...(host.postDeploy === undefined ? {} : { postDeploy: host.postDeploy }),
    ...(imageMountPoints === undefined ? {} : { imageMountPoints }),
  };
};

/** The file systems the image's own fstab mounts (the runner warns about those the host's fstab lacks); none without an fstab. */
export const readImageMountPoints = async (root: string): Promise<string[] | undefined> => {
  const text = await readFile(join(root, 'etc/fstab'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : fileSystemMountPoints(parseFstab(text));
};

/** Hands out the version to install and records it as "deploying" (protected from removal from now on). */
export const deployInstructions = async (route: Extract<Route, { kind: 'deploy' }>, context: HandlerContext): Promise<Reply> => {
  const auth = await authenticateHost(context, route.host, ['install']);
  if (!auth.ok) return auth.reply;
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
  // Bad layers fail the request (409 naming each file) before the deploy is recorded.
  const overrides = await context.publishOverrides(host.name, resolved);
  // The first torrent install of a version builds its payload; the runner retries this 503 meanwhile.
  const transport = await deployTransport(context, host, resolved);
  if (transport === 'building') return textReply(503, `the payload of ${resolved.ref} is being built for torrent installs; retry shortly`, { 'retry-after': '10' });
  const version = { image: resolved.image, version: resolved.version, ref: resolved.ref };
  const layers = overrides === undefined ? undefined : { layers: overrides.digests.map(({ layer, digest }) => ({ layer, digest })), treeDigest: overrides.treeDigest };
  await context.hostState.updateRecord(host.name, (record) => recordDeployStarting(record, version, auth.claim.generation, context.now(), layers));
  await context.ensureImageModule(resolved.image, resolved.version);
  // The token may come from `rootcast kickstart` on the command line, which serve has not seen yet.
  await context.refreshRsyncSecrets();
  const imageMountPoints = await readImageMountPoints(resolved.root);
  return jsonReply(200, planDeployInstructions(host, resolved, context.rsyncEndpoint(context.request.localAddress), { overrides, transport, imageMountPoints }));
};
