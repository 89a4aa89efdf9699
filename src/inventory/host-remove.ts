import { removeEntry } from './edit-document.js';
import { planEdit, type EditResult } from './edit.js';
import { selectHostEntries } from './host-select.js';
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
  const { keys, hosts } = selectHostEntries(current, spec, 'rm');
  const edit = planEdit(current, `remove ${spec}`, (doc) => {
    for (const key of keys) removeEntry(doc, 'hosts', key);
  });
  return { file: current.file, keys, hosts: hosts.map((host) => host.name), edit };
};
