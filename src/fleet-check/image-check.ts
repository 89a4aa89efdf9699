import type { InventoryIssue, IssuePath } from '../inventory/issue.js';
import { describeImageless, findImagelessHosts, type ImagelessHosts } from '../inventory/missing-image.js';
import type { ResolvedHost } from '../inventory/resolve.js';

/** Where to report imageless hosts: the group that would give them one, else their one entry, else the hosts section. */
const placeOf = ({ group, hosts }: ImagelessHosts): IssuePath => {
  if (group !== undefined) return ['groups', group];
  const keys = new Set(hosts.map((host) => host.source.key));
  const [key] = keys;
  return keys.size === 1 && key !== undefined ? ['hosts', key] : ['hosts'];
};

/**
 * Hosts with no image cannot get an answer file (kickstart and preseed refuse them), so `inventory check`
 * reports them as errors: once per group that would give them one, or per host entry without a group.
 */
export const imagelessHostIssues = (hosts: readonly ResolvedHost[]): InventoryIssue[] =>
  findImagelessHosts(hosts).map((set) => ({ severity: 'error', path: placeOf(set), message: describeImageless(set) }));
