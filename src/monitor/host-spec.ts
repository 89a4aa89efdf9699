import { RootcastError } from '../errors/rootcast-error.js';
import { checkEntityArgument, parseHostSpec } from '../inventory/arguments.js';
import type { FleetHost } from './host-row.js';

/**
 * The hosts a HOSTSPEC names, in inventory order: host names, ranges (`web[01-03]`), `@group`, `all`;
 * several separated by commas or given as separate arguments; none means all. Every named host must
 * be in the inventory (66), a malformed spec is a usage error (64).
 */
export const selectFleetHosts = <H extends FleetHost>(hosts: readonly H[], specs: readonly string[], inventoryFile: string): H[] => {
  const parts = specs.flatMap((spec) => spec.split(',')).map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0 || parts.includes('all')) return [...hosts];
  const wanted = new Set<string>();
  const missing: string[] = [];
  for (const part of parts) {
    if (part.startsWith('@')) {
      const group = checkEntityArgument('group', part.slice(1));
      const members = hosts.filter((host) => host.groups.includes(group));
      if (members.length === 0) missing.push(`@${group} (no host is in group "${group}")`);
      for (const member of members) wanted.add(member.name);
      continue;
    }
    for (const name of parseHostSpec(part)) {
      if (hosts.some((host) => host.name === name)) wanted.add(name);
      else missing.push(name);
    }
  }
  if (missing.length > 0) {
    throw new RootcastError('NOT_FOUND', `not in the inventory ${inventoryFile}: ${missing.join(', ')}`, {
      hint: 'name hosts, ranges like web[01-03], @GROUP or all; "rootcast host list" shows the hosts',
    });
  }
  return hosts.filter((host) => wanted.has(host.name));
};
