import { isIPv4 } from 'node:net';
import type { DistroFamily, PostDeploy } from '../protocol/deploy-protocol.js';
import { imageRefProblem } from '../image/ref.js';
import { normaliseMac } from '../inventory/mac.js';
import { hostNameProblem } from '../inventory/names.js';
import type { TransportSetting } from '../payload/transport.js';
import type { FleetHost } from '../monitor/host-row.js';

/** One host as `rootcast serve` needs it; the lead adapts the inventory into this shape. */
export interface ServeHost {
  name: string;
  /** Any common notation; normalised when the fleet is loaded. */
  macs: string[];
  /** IPv4 address; when present it is put in the rsync daemon's `hosts allow`. */
  ip?: string;
  /** "web" (newest), "web@3" (a version) or "web@stable" (a tag). */
  imageRef: string;
  /** @default "debian" */
  family?: DistroFamily;
  /**
   * Target paths the image sync leaves alone; the inventory sets them from kickstart/ (inventory-fleet.ts).
   * @default fallbackKeepPaths
   */
  keepPaths?: string[];
  /** `install.transport` and its torrent settings (docs/fanout.md). @default defaultTransport (rsync) */
  transport?: TransportSetting;
  /** The host's groups, in inventory order (the dashboard filters by them). @default [] */
  groups?: string[];
  /** What the runner runs in the target to make it boot (the profile's postDeploy); absent: the runner leaves the boot loader alone. */
  postDeploy?: PostDeploy;
}

export interface ServeFleet {
  hosts: ServeHost[];
}

/**
 * Only for fleets handed to startServer without keepPaths (embedders, tests: no distro catalog at
 * hand); what every kickstart/ profile keeps. The inventory-backed fleet always carries the profile's list.
 */
export const fallbackKeepPaths: readonly string[] = ['/etc/fstab', '/etc/crypttab', '/boot/efi/'];

export const defaultFamily: DistroFamily = 'debian';

/** Every problem in a fleet at once; names, MACs and IPs end up in rsyncd.conf, so nothing unchecked gets there. */
export const fleetProblems = (fleet: ServeFleet): string[] => {
  const problems: string[] = [];
  const seenNames = new Set<string>();
  const macOwners = new Map<string, string>();
  for (const host of fleet.hosts) {
    const nameProblem = hostNameProblem(host.name);
    if (nameProblem !== undefined) problems.push(nameProblem);
    if (seenNames.has(host.name)) problems.push(`host "${host.name}" is listed twice`);
    seenNames.add(host.name);
    for (const mac of host.macs) {
      const parsed = normaliseMac(mac);
      if (!parsed.ok) {
        problems.push(`host "${host.name}": ${parsed.problem}`);
        continue;
      }
      const owner = macOwners.get(parsed.mac);
      if (owner !== undefined && owner !== host.name) problems.push(`MAC ${parsed.mac} belongs to both "${owner}" and "${host.name}"`);
      macOwners.set(parsed.mac, host.name);
    }
    if (host.ip !== undefined && !isIPv4(host.ip)) problems.push(`host "${host.name}": ip "${host.ip}" is not an IPv4 address`);
    if (imageRefProblem(host.imageRef) !== undefined) problems.push(`host "${host.name}": image reference "${host.imageRef}" is malformed`);
  }
  return problems;
};

/** The fleet with every MAC in `aa:bb:...` form (call after fleetProblems returned nothing). */
export const normaliseFleet = (fleet: ServeFleet): ServeFleet => ({
  hosts: fleet.hosts.map((host) => ({ ...host, macs: host.macs.map((mac) => {
      const parsed = normaliseMac(mac);
      return parsed.ok ? parsed.mac : mac;
    }) })),
});

export const findHostByName = (fleet: ServeFleet, name: string): ServeHost | undefined =>
  fleet.hosts.find((host) => host.name === name);

/** `mac` must already be normalised. */
export const findHostByMac = (fleet: ServeFleet, mac: string): ServeHost | undefined =>
  fleet.hosts.find((host) => host.macs.includes(mac));

/** The fleet as the monitor sees it: names, groups, image references. */
export const fleetHostsOf = (fleet: ServeFleet): FleetHost[] =>
  fleet.hosts.map((host) => ({ name: host.name, groups: host.groups ?? [], imageRef: host.imageRef }));
