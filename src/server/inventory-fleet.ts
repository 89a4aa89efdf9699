import { answerFileKinds } from '../answer/answer-file-plan.js';
import type { DistroCatalog } from '../answer/distro-profile.js';
import type { ResolvedHost } from '../inventory/resolve.js';
import { defaultFamily, type ServeFleet, type ServeHost } from './serve-fleet.js';

export interface FleetFromInventory {
  fleet: ServeFleet;
  /** Hosts serve cannot deploy, with the reason (logged, not fatal: the rest of the fleet is served). */
  skipped: string[];
}

/**
 * Kept paths for a host without `install.distro`: either installer may have run (`/ks/HOST` renders
 * the kickstart default, `/preseed/HOST` the preseed one), so the files of both must survive the sync.
 */
export const keepPathsWithoutDistro = (catalog: DistroCatalog): string[] => {
  const defaults = Object.values(answerFileKinds).map((kind) => catalog.get(kind.defaultDistro)?.keepPaths ?? []);
  return [...new Set(defaults.flat())];
};

/** The inventory's hosts as serve needs them; family and kept paths come from the host's distro profile (pure). */
export const fleetFromInventory = (hosts: readonly ResolvedHost[], catalog: DistroCatalog): FleetFromInventory => {
  const skipped: string[] = [];
  const served: ServeHost[] = [];
  const withoutDistro = keepPathsWithoutDistro(catalog);
  // Without a distro the family is serve's default, and so are its boot commands (that family's default profile's).
  const defaultPostDeploy = Object.values(answerFileKinds).flatMap((kind) => (kind.family === defaultFamily ? [catalog.get(kind.defaultDistro)?.postDeploy] : []))[0];
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
      groups: [...host.groups],
      ...(host.ip === undefined ? {} : { ip: host.ip }),
      // Without a distro the family is unknown: serve's default applies (the runner does not use it).
      ...(profile === undefined
        ? { keepPaths: withoutDistro, ...(defaultPostDeploy === undefined ? {} : { postDeploy: defaultPostDeploy }) }
        : { family: profile.family, keepPaths: profile.keepPaths, postDeploy: profile.postDeploy }),
    });
  }
  return { fleet: { hosts: served }, skipped };
};
