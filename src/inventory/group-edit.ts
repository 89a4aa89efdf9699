import { RootcastError } from '../errors/rootcast-error.js';
import { checkEntityArgument, checkImageArgument, checkTextArgument, parseVarAssignments } from './arguments.js';
import { addEntry, removeEntry } from './edit-document.js';
import { planEdit, type EditResult } from './edit.js';
import { formatPlace } from './issue.js';
import type { LoadedInventory } from './load.js';

/** `rootcast group add` as typed. */
export interface GroupAddRequest {
  name: string;
  image?: string;
  network?: string;
  /** `NAME=VALUE` assignments. */
  vars: readonly string[];
  description?: string;
}

export interface PlannedGroup {
  name: string;
  image?: string;
  network?: string;
  vars: Record<string, unknown>;
  description?: string;
}

export interface GroupPlan {
  file: string;
  group: PlannedGroup;
  edit: EditResult;
}

/** Checks `group add` argv values; a bad one is USAGE (64). */
export const parseGroupAddRequest = (request: GroupAddRequest): PlannedGroup => ({
    name: checkEntityArgument('group', request.name),
    vars: parseVarAssignments(request.vars),
    ...(request.image === undefined ? {} : { image: checkImageArgument(request.image) }),
    ...(request.network === undefined ? {} : { network: checkEntityArgument('network', request.network, '--network') }),
    ...(request.description === undefined ? {} : { description: checkTextArgument('--description', request.description) }),
});

/** Plans `group add`: an existing group is refused (65), the whole result is validated. Writes nothing. */
export const planGroupAdd = (current: LoadedInventory, group: PlannedGroup): GroupPlan => {
  const existing = current.validation.inventory.groups[group.name];
  if (existing !== undefined) {
    throw new RootcastError('ALREADY_EXISTS', `group "${group.name}" already exists at ${formatPlace(['groups', group.name], existing.line)}`, {
      hint: `nothing was written; edit it in ${current.file}, or remove it first with "rootcast group rm ${group.name}"`,
    });
  }
  const edit = planEdit(current, `add group ${group.name}`, (doc) => {
    addEntry(doc, 'groups', group.name, {
      image: group.image,
      network: group.network,
      vars: Object.keys(group.vars).length > 0 ? (group.vars as Record<string, string>) : undefined,
      description: group.description,
    });
  });
  return { file: current.file, group, edit };
};

/** Plans `group rm`: refused while any host lists the group, naming those hosts. */
export const planGroupRemove = (current: LoadedInventory, name: string): GroupPlan => {
  const { inventory } = current.validation;
  const existing = inventory.groups[name];
  if (existing === undefined) {
    throw new RootcastError('NOT_FOUND', `group "${name}" is not in the inventory ${current.file}`, {
      hint: 'run "rootcast group list" to see the groups',
    });
  }
  const users = inventory.hosts.filter((host) => host.groups.includes(name));
  if (users.length > 0) {
    const keys = [...new Set(users.map((host) => host.source.key))];
    const shown = keys.slice(0, 10).join(', ') + (keys.length > 10 ? `, ... (${keys.length - 10} more entries)` : '');
    throw new RootcastError('IN_USE', `group "${name}" is still used by ${users.length} host${users.length === 1 ? '' : 's'}: ${shown}`, {
      hint: `nothing was removed; take the group off those hosts in ${current.file} (or remove the hosts) first`,
    });
  }
  const edit = planEdit(current, `remove group ${name}`, (doc) => {
    removeEntry(doc, 'groups', name);
  });
  const { line: _line, ...group } = existing;
  return { file: current.file, group, edit };
};
