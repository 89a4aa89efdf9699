import { lstat } from 'node:fs/promises';
import { isRootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { identityInputOf } from '../identity/host-input.js';
import type { DistroHint } from '../identity/identity-input.js';
import { readRootSnapshot } from '../identity/read-root.js';
import type { RootSnapshot } from '../identity/root-snapshot.js';
import { identityInputProblems } from '../identity/validate-input.js';
import { readImageDistro, resolveImageRef } from '../image/versions.js';
import type { RefResolutions } from '../inventory/image-refs.js';
import type { InventoryIssue } from '../inventory/issue.js';
import type { ResolvedHost } from '../inventory/resolve.js';
import { planIdentityLayer } from '../overrides/identity-layer.js';

interface ImageFacts {
  distro?: DistroHint;
  snapshot: RootSnapshot;
}

/** Pure: the plan's detail lines as problems; an indented line is evidence for the one before it. */
export const problemsOfDetails = (details: readonly string[]): string[] => {
  const problems: string[] = [];
  for (const line of details) {
    const last = problems.length - 1;
    if (/^\s/.test(line) && last >= 0) problems[last] = `${problems[last] ?? ''}; ${line.trim()}`;
    else problems.push(line);
  }
  return problems;
};

/** Plans the host's identity against the image it deploys, as serve will; what it refuses. */
const plannedProblems = (host: ResolvedHost, image: ImageFacts): string[] => {
  try {
    planIdentityLayer(identityInputOf(host, image.distro), image.snapshot);
    return [];
  } catch (error) {
    if (!isRootcastError(error) || error.code !== 'INVALID_DATA') throw error;
    return error.details.length > 0 ? problemsOfDetails(error.details) : [error.message];
  }
};

/** Pure: one issue per problem and host entry; a range key's hosts share it, naming them unless all have it. */
export const groupIdentityProblems = (hosts: readonly { host: ResolvedHost; problems: readonly string[] }[]): InventoryIssue[] => {
  const perKey = new Map<string, number>();
  for (const { host } of hosts) perKey.set(host.source.key, (perKey.get(host.source.key) ?? 0) + 1);
  const grouped = new Map<string, { key: string; problem: string; names: string[] }>();
  for (const { host, problems } of hosts) {
    for (const problem of problems) {
      const id = JSON.stringify([host.source.key, problem]);
      const entry = grouped.get(id) ?? { key: host.source.key, problem, names: [] };
      entry.names.push(host.name);
      grouped.set(id, entry);
    }
  }
  return [...grouped.values()].map(({ key, problem, names }): InventoryIssue => {
    const some = names.length < (perKey.get(key) ?? 0);
    const suffix = some ? ` (${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''})` : '';
    return { severity: 'error', path: ['hosts', key], message: `identity: ${problem}${suffix}` };
  });
};

/** Reads each resolved version's distro and network files once, however many hosts deploy it. */
const imageFactsReader = (paths: HomePaths): ((ref: string) => Promise<ImageFacts | undefined>) => {
  const read = new Map<string, Promise<ImageFacts | undefined>>();
  const load = async (ref: string): Promise<ImageFacts | undefined> => {
    const version = await resolveImageRef(paths, ref);
    // A version without its root is broken in ways `image verify` reports; here only the inventory is checked.
    if ((await lstat(version.root).catch(() => undefined))?.isDirectory() !== true) return undefined;
    const [distro, snapshot] = await Promise.all([readImageDistro(paths, version), readRootSnapshot(version.root)]);
    return { ...(distro === undefined ? {} : { distro }), snapshot };
  };
  return (ref) => {
    let facts = read.get(ref);
    if (facts === undefined) read.set(ref, (facts = load(ref)));
    return facts;
  };
};

/**
 * What serve would refuse about each host's identity (a static host without an address, prefix or
 * gateway; a card the image's network stack cannot find): planned against the image for hosts whose
 * reference resolves, from the inventory alone for the others.
 */
export const identityIssues = async (paths: HomePaths, hosts: readonly ResolvedHost[], refs: RefResolutions): Promise<InventoryIssue[]> => {
  const factsOf = imageFactsReader(paths);
  const planned = await Promise.all(
    hosts.map(async (host) => {
      const resolution = host.image === undefined ? undefined : refs.get(host.image.ref);
      const facts = resolution?.kind === 'resolved' ? await factsOf(resolution.ref) : undefined;
      return { host, problems: facts === undefined ? identityInputProblems(identityInputOf(host)) : plannedProblems(host, facts) };
    }),
  );
  return groupIdentityProblems(planned);
};
