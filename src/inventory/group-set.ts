import { RootcastError } from '../errors/rootcast-error.js';
import { checkEntityArgument, checkImageArgument, checkTextArgument } from './arguments.js';
import { updateEntry, updateEntryMap } from './edit-document.js';
import { planEdit } from './edit.js';
import { hasVarChanges, nothingToSetError, parseVarChanges, varDocumentChanges, type VarChanges } from './entry-changes.js';
import type { GroupPlan } from './group-edit.js';
import type { LoadedInventory } from './load.js';

/** `rootcast group set` as typed. */
export interface GroupSetRequest {
  name: string;
  image?: string;
  network?: string;
  description?: string;
  vars: readonly string[];
  unsetVars: readonly string[];
}

export interface GroupChanges {
  name: string;
  image?: string;
  network?: string;
  description?: string;
  vars: VarChanges;
}

/** Checks `group set` argv values (64 for a bad one) before the inventory is read. */
export const parseGroupSetRequest = (request: GroupSetRequest): GroupChanges => {
  const changes: GroupChanges = {
    name: checkEntityArgument('group', request.name),
    vars: parseVarChanges(request.vars, request.unsetVars),
    ...(request.image === undefined ? {} : { image: checkImageArgument(request.image) }),
    ...(request.network === undefined ? {} : { network: checkEntityArgument('network', request.network, '--network') }),
    ...(request.description === undefined ? {} : { description: checkTextArgument('--description', request.description) }),
  };
  if (changes.image === undefined && changes.network === undefined && changes.description === undefined && !hasVarChanges(changes.vars)) {
    throw nothingToSetError('rootcast group set', '--image, --network, --var, --unset-var, --description');
  }
  return changes;
};

/** Plans `group set`: edits the group's entry in place, validates the whole result; writes nothing. */
export const planGroupSet = (current: LoadedInventory, changes: GroupChanges): GroupPlan => {
  const { inventory } = current.validation;
  const existing = inventory.groups[changes.name];
  if (existing === undefined) {
    throw new RootcastError('NOT_FOUND', `group "${changes.name}" is not in the inventory ${current.file}`, {
      hint: 'nothing was changed; run "rootcast group list" to see the groups, or add it with "rootcast group add"',
    });
  }
  const absent = changes.vars.unset.find((name) => !Object.hasOwn(existing.vars, name));
  if (absent !== undefined) {
    throw new RootcastError('NOT_FOUND', `--unset-var ${absent}: var "${absent}" is not set on group ${changes.name}`, {
      hint: `nothing was changed; its vars: ${Object.keys(existing.vars).join(', ') || 'none'}`,
    });
  }
  const edit = planEdit(current, `change group ${changes.name}`, (doc) => {
    updateEntry(doc, 'groups', changes.name, { image: changes.image, network: changes.network, description: changes.description });
    if (hasVarChanges(changes.vars)) updateEntryMap(doc, 'groups', changes.name, 'vars', varDocumentChanges(changes.vars));
  });
  const { line: _line, ...group } = edit.validation.inventory.groups[changes.name] ?? existing;
  return { file: current.file, group, edit };
};
