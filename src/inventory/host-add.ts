import { RootcastError } from '../errors/rootcast-error.js';
import { allocateArgumentAddresses, checkEntityArgument, checkImageArgument, parseHostSpec, parseMacArguments, parseVarAssignments } from './arguments.js';
import { addEntry } from './edit-document.js';
import { planEdit, type EditResult } from './edit.js';
import { formatPlace } from './issue.js';
import type { LoadedInventory } from './load.js';

/** `rootcast host add` as typed: strings straight from argv. */
export interface HostAddRequest {
  /** A name or a range: `web07`, `web[01-03]`. */
  spec: string;
  image?: string;
  /** In the order given; that order is the override layer order. */
  groups: readonly string[];
  /** The address of the first host; later hosts of a range count up from it. */
  ip?: string;
  macs: readonly string[];
  network?: string;
  /** `NAME=VALUE` assignments. */
  vars: readonly string[];
}

/** One host entry the command will write. */
export interface PlannedHost {
  name: string;
  ip?: string;
  macs: string[];
  image?: string;
  network?: string;
  groups: string[];
  vars: Record<string, string>;
}

export interface HostAddPlan {
  file: string;
  hosts: PlannedHost[];
  edit: EditResult;
}

/** Turns argv values into host entries; every bad value is USAGE (64). */
export const parseHostAddRequest = (request: HostAddRequest): PlannedHost[] => {
  const names = parseHostSpec(request.spec);
  const macs = parseMacArguments(request.macs);
  if (macs.length > 0 && names.length > 1) {
    throw new RootcastError('USAGE', `--mac cannot be given for ${request.spec} (${names.length} hosts); each host needs its own MAC`, {
      hint: 'add the hosts without --mac, then give each its own: rootcast host set NAME --mac MAC',
    });
  }
  const ips = request.ip === undefined ? undefined : allocateArgumentAddresses(request.ip, names.length);
  const image = request.image === undefined ? undefined : checkImageArgument(request.image);
  const network = request.network === undefined ? undefined : checkEntityArgument('network', request.network, '--network');
  const groups = request.groups.map((group) => checkEntityArgument('group', group, '--group'));
  const vars = parseVarAssignments(request.vars);
  return names.map((name, index) => ({
    name,
    macs,
    groups: [...new Set(groups)],
    vars,
    ...(ips === undefined ? {} : { ip: ips[index] }),
    ...(image === undefined ? {} : { image }),
    ...(network === undefined ? {} : { network }),
  }));
};

/** Plans `host add`: one entry per host appended to `hosts:`, the whole result validated. Writes nothing. */
export const planHostAdd = (current: LoadedInventory, spec: string, hosts: readonly PlannedHost[]): HostAddPlan => {
  const existing = new Map(current.validation.inventory.hosts.map((host) => [host.name, host]));
  const taken = hosts.filter((host) => existing.has(host.name));
  if (taken.length > 0) {
    const clashes = taken.map((host) => {
      const other = existing.get(host.name);
      return `host "${host.name}" is already defined by ${formatPlace(['hosts', other?.source.key ?? host.name], other?.source.line)}`;
    });
    throw new RootcastError('ALREADY_EXISTS', `cannot add ${spec}: ${clashes[0] ?? ''}${taken.length > 1 ? ` (and ${taken.length - 1} more)` : ''}`, {
      details: clashes.length > 1 ? clashes : [],
      hint: `nothing was written; pick another name, or remove the old entry with "rootcast host rm ${taken[0]?.name ?? ''}"`,
    });
  }
  const edit = planEdit(current, `add ${spec}`, (doc) => {
    for (const host of hosts) {
      addEntry(doc, 'hosts', host.name, {
        ...(host.macs.length === 1 ? { mac: host.macs[0] } : host.macs.length > 1 ? { macs: host.macs } : {}),
        ip: host.ip,
        image: host.image,
        network: host.network,
        groups: host.groups.length > 0 ? host.groups : undefined,
        vars: Object.keys(host.vars).length > 0 ? host.vars : undefined,
      });
    }
  });
  return { file: current.file, hosts: [...hosts], edit };
};
