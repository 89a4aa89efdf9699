import { RootcastError } from '../errors/rootcast-error.js';
import { parseHostSpec } from './arguments.js';
import { removeEntry } from './edit-document.js';
import { planEdit, type EditResult } from './edit.js';
import { formatPlace } from './issue.js';
import type { LoadedInventory } from './load.js';

export interface HostRemovePlan {
  file: string;
  /** The hosts keys deleted: host names, or a whole range key when the spec names it exactly. */
  keys: string[];
  /** Every host name that disappears. */
  hosts: string[];
  edit: EditResult;
}

/** Plans `host rm SPEC`: all named hosts must exist as their own entries (or SPEC is a range key itself). */
export const planHostRemove = (current: LoadedInventory, spec: string): HostRemovePlan => {
  const names = parseHostSpec(spec);
  const hosts = current.validation.inventory.hosts;
  // `rootcast host rm 'web[01-10]'` removes a hand-written range key as a whole.
  const wholeRange = hosts.filter((host) => host.source.key === spec);
  const targets = wholeRange.length > 0 ? wholeRange : names.map((name) => hosts.find((host) => host.name === name) ?? name);
  const missing = targets.filter((target): target is string => typeof target === 'string');
  if (missing.length > 0) {
    throw new RootcastError('NOT_FOUND', `host${missing.length > 1 ? 's' : ''} ${missing.map((name) => `"${name}"`).join(', ')} not in the inventory ${current.file}`, {
      hint: 'nothing was removed; run "rootcast host list" to see the hosts',
    });
  }
  const found = targets.filter((target) => typeof target !== 'string');
  const inRange = found.find((host) => host.source.fromRange && host.source.key !== spec);
  if (inRange !== undefined) {
    const range = formatPlace(['hosts', inRange.source.key], inRange.source.line);
    throw new RootcastError('INVALID_DATA', `host "${inRange.name}" comes from the range ${range}; it cannot be removed on its own`, {
      hint: `nothing was removed; edit that range in ${current.file} (split it around ${inRange.name}), or remove the whole range with: rootcast host rm '${inRange.source.key}'`,
    });
  }
  const keys = [...new Set(found.map((host) => host.source.key))];
  const edit = planEdit(current, `remove ${spec}`, (doc) => {
    for (const key of keys) removeEntry(doc, 'hosts', key);
  });
  return { file: current.file, keys, hosts: found.map((host) => host.name), edit };
};
