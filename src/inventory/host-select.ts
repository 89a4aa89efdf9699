import { RootcastError } from '../errors/rootcast-error.js';
import { parseHostSpec } from './arguments.js';
import { formatPlace } from './issue.js';
import type { LoadedInventory } from './load.js';
import type { HostDef } from './types.js';

/** The hosts entries a HOSTSPEC names: whole entries only. */
export interface HostSelection {
  /** The hosts keys: host names, or a range key the spec names exactly. */
  keys: string[];
  /** Every host those keys define, in file order. */
  hosts: HostDef[];
}

/**
 * What `host rm`/`host set` SPEC act on: a range key named exactly (`'web[01-10]'`) is that whole entry;
 * otherwise every named host must exist as its own entry. A host inside a hand-written range is refused
 * (65): changing it alone would mean splitting the range, which is left to the user.
 */
export const selectHostEntries = (current: LoadedInventory, spec: string, command: 'rm' | 'set'): HostSelection => {
  const names = parseHostSpec(spec);
  const hosts = current.validation.inventory.hosts;
  const nothing = command === 'rm' ? 'nothing was removed' : 'nothing was changed';
  const wholeRange = hosts.filter((host) => host.source.key === spec);
  const byName = new Map(hosts.map((host) => [host.name, host]));
  const targets = wholeRange.length > 0 ? wholeRange : names.map((name) => byName.get(name) ?? name);
  const missing = targets.filter((target): target is string => typeof target === 'string');
  if (missing.length > 0) {
    throw new RootcastError('NOT_FOUND', `host${missing.length > 1 ? 's' : ''} ${missing.map((name) => `"${name}"`).join(', ')} not in the inventory ${current.file}`, {
      hint: `${nothing}; run "rootcast host list" to see the hosts`,
    });
  }
  const found = targets.filter((target): target is HostDef => typeof target !== 'string');
  const inRange = found.find((host) => host.source.fromRange && host.source.key !== spec);
  if (inRange !== undefined) {
    const range = formatPlace(['hosts', inRange.source.key], inRange.source.line);
    const verb = command === 'rm' ? 'removed' : 'changed';
    throw new RootcastError('INVALID_DATA', `host "${inRange.name}" comes from the range ${range}; it cannot be ${verb} on its own`, {
      hint: `${nothing}; edit that range in ${current.file} (split it around ${inRange.name}), or ${command === 'rm' ? 'remove' : 'change'} the whole range with: rootcast host ${command} '${inRange.source.key}'${command === 'set' ? ' ...' : ''}`,
    });
  }
  return { keys: [...new Set(found.map((host) => host.source.key))], hosts: found };
};
