import { RootcastError } from '../errors/rootcast-error.js';
import { allocateArgumentAddresses, checkEntityArgument, checkImageArgument, parseHostSpec, parseMacArguments } from './arguments.js';
import { updateEntry, updateEntryMap, type EntryChanges } from './edit-document.js';
import { planEdit, type EditResult } from './edit.js';
import { applyListChange, hasVarChanges, nothingToSetError, parseListChange, parseVarChanges, varDocumentChanges, type ListChange, type VarChanges } from './entry-changes.js';
import { selectHostEntries } from './host-select.js';
import type { LoadedInventory } from './load.js';
import { resolveHost, resolveHosts, type ResolvedHost } from './resolve.js';
import type { HostDef, Inventory } from './types.js';

/** `rootcast host set` as typed: strings straight from argv. */
export interface HostSetRequest {
  spec: string;
  macs: readonly string[];
  addMacs: readonly string[];
  removeMacs: readonly string[];
  ip?: string;
  image?: string;
  network?: string;
  groups: readonly string[];
  addGroups: readonly string[];
  removeGroups: readonly string[];
  vars: readonly string[];
  unsetVars: readonly string[];
}

/** The checked changes of one `host set`. */
export interface HostChanges {
  spec: string;
  macs: ListChange;
  groups: ListChange;
  ip?: string;
  image?: string;
  network?: string;
  vars: VarChanges;
}

export interface HostSetPlan {
  file: string;
  keys: string[];
  /** The changed hosts as they resolve after the edit. */
  hosts: ResolvedHost[];
  edit: EditResult;
}

const setOptions = '--mac, --add-mac, --remove-mac, --ip, --image, --network, --group, --add-group, --remove-group, --var, --unset-var';

/** Checks `host set` argv values (64 for a bad one) before the inventory is read. */
export const parseHostSetRequest = (request: HostSetRequest): HostChanges => {
  parseHostSpec(request.spec);
  const macs = parseListChange('mac', parseMacArguments(request.macs), parseMacArguments(request.addMacs), parseMacArguments(request.removeMacs));
  const check = (names: readonly string[]): string[] => names.map((name) => checkEntityArgument('group', name, '--group'));
  const groups = parseListChange('group', check(request.groups), check(request.addGroups), check(request.removeGroups));
  const vars = parseVarChanges(request.vars, request.unsetVars);
  const changes: HostChanges = {
    spec: request.spec,
    macs,
    groups,
    vars,
    ...(request.ip === undefined ? {} : { ip: allocateArgumentAddresses(request.ip, 1)[0] as string }),
    ...(request.image === undefined ? {} : { image: checkImageArgument(request.image) }),
    ...(request.network === undefined ? {} : { network: checkEntityArgument('network', request.network, '--network') }),
  };
  const setsSomething = macs.kind !== 'keep' || groups.kind !== 'keep' || hasVarChanges(vars) || request.ip !== undefined || request.image !== undefined || request.network !== undefined;
  if (!setsSomething) throw nothingToSetError('rootcast host set', setOptions);
  return changes;
};

const notFound = (message: string, hint: string): RootcastError => new RootcastError('NOT_FOUND', message, { hint: `nothing was changed; ${hint}` });

/** Removing something no targeted entry has is almost always a typo: refuse it, naming what is there. */
const checkRemovals = (changes: HostChanges, hosts: readonly HostDef[], inventory: Inventory): void => {
  const names = hosts.map((host) => host.name).join(', ');
  if (changes.macs.kind === 'edit') {
    const absent = changes.macs.remove.find((mac) => !hosts.some((host) => host.macs.includes(mac)));
    if (absent !== undefined) throw notFound(`--remove-mac ${absent}: not a MAC of ${names}`, `their MACs: ${hosts.flatMap((host) => host.macs).join(', ') || 'none'}`);
  }
  if (changes.groups.kind === 'edit') {
    const absent = changes.groups.remove.find((group) => !hosts.some((host) => host.groups.includes(group)));
    if (absent !== undefined) throw notFound(`--remove-group ${absent}: ${names} ${hosts.length === 1 ? 'is' : 'are'} not in group "${absent}"`, `their groups: ${[...new Set(hosts.flatMap((host) => host.groups))].join(', ') || 'none'}`);
  }
  const absentVar = changes.vars.unset.find((name) => !hosts.some((host) => Object.hasOwn(host.vars, name)));
  if (absentVar !== undefined) {
    const from = hosts[0] === undefined ? undefined : resolveHost(inventory, hosts[0]).varsFrom[absentVar];
    const hint = from?.kind === 'group' ? `it comes from group ${from.group}: rootcast group set ${from.group} --unset-var ${absentVar}` : 'run "rootcast host show HOST" to see where each var comes from';
    throw notFound(`--unset-var ${absentVar}: var "${absentVar}" is not set on ${hosts.length === 1 ? 'host' : 'any of'} ${names}`, hint);
  }
};

const entryChanges = (changes: HostChanges, host: HostDef, ip: string | undefined): EntryChanges => {
  const result: EntryChanges = { ip, image: changes.image, network: changes.network };
  if (changes.macs.kind !== 'keep') {
    const macs = applyListChange(host.macs, changes.macs);
    Object.assign(result, { mac: macs.length === 1 ? macs[0] : null, macs: macs.length > 1 ? macs : null });
  }
  if (changes.groups.kind !== 'keep') {
    const groups = applyListChange(host.groups, changes.groups);
    result['groups'] = groups.length > 0 ? groups : null;
  }
  return result;
};

/**
 * Plans `host set`: edits each named entry in place (a range key named exactly is edited as one entry;
 * its --ip is the range's start). Several single hosts get consecutive --ip addresses, like `host add`.
 * The whole result is validated; writes nothing.
 */
export const planHostSet = (current: LoadedInventory, changes: HostChanges): HostSetPlan => {
  const { keys, hosts } = selectHostEntries(current, changes.spec, 'set');
  if ((changes.macs.kind === 'replace' || (changes.macs.kind === 'edit' && changes.macs.add.length > 0)) && hosts.length > 1) {
    throw new RootcastError('USAGE', `--mac cannot be given for ${changes.spec} (${hosts.length} hosts); each host needs its own MAC`, {
      hint: 'set MACs one host at a time: rootcast host set NAME --mac MAC',
    });
  }
  checkRemovals(changes, hosts, current.validation.inventory);
  const ips = changes.ip === undefined ? undefined : allocateArgumentAddresses(changes.ip, keys.length);
  const firstOfKey = new Map(hosts.map((host) => [host.source.key, host]));
  const edit = planEdit(current, `change ${changes.spec}`, (doc) => {
    keys.forEach((key, index) => {
      const host = firstOfKey.get(key) as HostDef;
      updateEntry(doc, 'hosts', key, entryChanges(changes, host, ips?.[index]));
      if (hasVarChanges(changes.vars)) updateEntryMap(doc, 'hosts', key, 'vars', varDocumentChanges(changes.vars));
    });
  });
  const names = new Set(hosts.map((host) => host.name));
  const after = resolveHosts(edit.validation.inventory).filter((host) => names.has(host.name));
  return { file: current.file, keys, hosts: after, edit };
};
