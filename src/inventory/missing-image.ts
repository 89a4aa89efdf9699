import { compressHostNames } from './host-pattern.js';
import type { ResolvedHost } from './resolve.js';

/** Hosts without an image that one change gives one: their first group's image, or (no group) each entry's own. */
export interface ImagelessHosts {
  /** The first group these hosts list; undefined for hosts in no group. */
  group: string | undefined;
  hosts: ResolvedHost[];
}

/** Hosts with no image on their entry or any of their groups, bucketed by the group that would give them one. */
export const findImagelessHosts = (hosts: readonly ResolvedHost[]): ImagelessHosts[] => {
  const byGroup = new Map<string | undefined, ResolvedHost[]>();
  for (const host of hosts) {
    if (host.image === undefined) byGroup.set(host.groups[0], [...(byGroup.get(host.groups[0]) ?? []), host]);
  }
  return [...byGroup].map(([group, members]) => ({ group, hosts: members }));
};

// A range key must be quoted for the shell, or it globs.
const shellWord = (text: string): string => (/[[\]*?]/.test(text) ? `'${text}'` : text);

/** `web[01-10], db1 have`: the hosts, runs shown as ranges, with the verb agreeing. */
const subject = (hosts: readonly ResolvedHost[]): string =>
  `${compressHostNames(hosts.map((host) => host.name)).join(', ')} ${hosts.length === 1 ? 'has' : 'have'}`;

/** Why these hosts get no answer file and the commands that give them an image. */
export const describeImageless = ({ group, hosts }: ImagelessHosts): string => {
  const them = hosts.length === 1 ? 'it' : 'them';
  const keys = [...new Set(hosts.map((host) => host.source.key))];
  const entry = keys.length === 1 ? shellWord(keys[0] ?? '') : 'HOST';
  const each = keys.length === 1 ? them : 'each';
  if (group === undefined) {
    return `${subject(hosts)} no image, so no answer file can be made for ${them}; give ${each} one: rootcast host set ${entry} --image NAME (or put ${them} in a group that has one: rootcast host set ${entry} --group G)`;
  }
  return `${subject(hosts)} no image, and neither has ${hosts.length === 1 ? 'its' : 'their'} group ${group}, so no answer file can be made for ${them}; give the group one: rootcast group set ${group} --image NAME (or per host: rootcast host set ${entry} --image NAME)`;
};
