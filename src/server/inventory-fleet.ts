import type { DistroCatalog } from '../answer/distro-profile.js';
import type { ResolvedHost } from '../inventory/resolve.js';
import type { ServeFleet, ServeHost } from './serve-fleet.js';

export interface FleetFromInventory {
  fleet: ServeFleet;
  /** Hosts serve cannot deploy, with the reason (logged, not fatal: the rest of the fleet is served). */
  skipped: string[];
}

/** The inventory's hosts as serve needs them; family and kept paths come from the host's distro profile (pure). */
export const fleetFromInventory = (hosts: readonly ResolvedHost[], catalog: DistroCatalog): FleetFromInventory => {
  const skipped: string[] = [];
  const served: ServeHost[] = [];
  for (const host of hosts) {
    if (host.image === undefined) {
      skipped.push(`${host.name}: no image set`);
      continue;
    }
    const distro = host.install.distro;
    const profile = distro === undefined ? undefined : catalog.get(distro);
    if (distro !== undefined && profile === undefined) {
      skipped.push(`${host.name}: unknown install.distro "${distro}"`);
      continue;
    }
    served.push({
      name: host.name,
      macs: host.macs,
      imageRef: host.image.ref,
      ...(host.ip === undefined ? {} : { ip: host.ip }),
      ...(profile === undefined ? {} : { family: profile.family, keepPaths: profile.keepPaths }),
    });
  }
  return { fleet: { hosts: served }, skipped };
};
