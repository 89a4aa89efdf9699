import { updateEntry } from '../inventory/edit-document.js';
import { planEdit, type EditResult } from '../inventory/edit.js';
import type { LoadedInventory } from '../inventory/load.js';
import type { HostDef } from '../inventory/types.js';
import type { Lease } from './leases.js';

/** One MAC reservation `dhcp learn` writes. */
export interface LearnedMac {
  host: string;
  mac: string;
  /** The address the machine leased during the boot round (informational: the host keeps its own ip). */
  leasedIp: string;
}

export interface LearnPlan {
  file: string;
  learned: LearnedMac[];
  /** Leases of MACs the inventory does not know, left over when every candidate host got one. */
  unmatched: Lease[];
  /** Candidate hosts still without a MAC (fewer new leases than hosts). */
  waiting: string[];
  edit: EditResult;
}

/** Hosts that can take a MAC: their own entry (not a range key of several hosts), none yet. */
const candidates = (hosts: readonly HostDef[], only: ReadonlySet<string> | undefined): HostDef[] => {
  const perKey = new Map<string, number>();
  for (const host of hosts) perKey.set(host.source.key, (perKey.get(host.source.key) ?? 0) + 1);
  return hosts.filter((host) => host.macs.length === 0 && perKey.get(host.source.key) === 1 && (only === undefined || only.has(host.name)));
};

/**
 * Pairs new MACs, in the order they first leased, with the hosts that have none, in inventory order
 * (or the order of `only`): boot the machines one by one in host order, then learn (pure; writes nothing).
 */
export const planLearnMacs = (current: LoadedInventory, leases: readonly Lease[], only?: readonly string[]): LearnPlan => {
  const hosts = current.validation.inventory.hosts;
  const known = new Set(hosts.flatMap((host) => host.macs));
  const fresh = leases.filter((lease) => !known.has(lease.mac));
  const order = only === undefined ? undefined : new Map(only.map((name, index) => [name, index]));
  const waitingHosts = candidates(hosts, order === undefined ? undefined : new Set(order.keys()))
    .sort((a, b) => (order === undefined ? 0 : (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0)));
  const learned: LearnedMac[] = waitingHosts.slice(0, fresh.length).map((host, index) => {
    const lease = fresh[index] as Lease;
    return { host: host.name, mac: lease.mac, leasedIp: lease.ip };
  });
  const keys = new Map(waitingHosts.map((host) => [host.name, host.source.key]));
  const edit = planEdit(current, 'learn MACs from the leases', (doc) => {
    for (const entry of learned) updateEntry(doc, 'hosts', keys.get(entry.host) as string, { mac: entry.mac });
  });
  return { file: current.file, learned, unmatched: fresh.slice(learned.length), waiting: waitingHosts.slice(learned.length).map((host) => host.name), edit };
};
