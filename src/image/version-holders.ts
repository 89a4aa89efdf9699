import { holdRoles, type HeldVersion, type HoldRole } from '../state/host-record.js';

/** The hosts that hold one version, by why they hold it (each list sorted). */
export type VersionHolders = Record<HoldRole, string[]>;

/** Holders per version of one image (version → holders); a version nothing holds is absent. */
export type HoldersByVersion = ReadonlyMap<number, VersionHolders>;

const noHolders = (): VersionHolders => ({ deployed: [], deploying: [], rollback: [] });

/** Pure: groups what each host holds (`versionsHeldBy` of its record) into holders per version of `image`. */
export const collectHolders = (image: string, hosts: readonly { host: string; held: readonly HeldVersion[] }[]): Map<number, VersionHolders> => {
  const byVersion = new Map<number, VersionHolders>();
  for (const { host, held } of hosts) {
    for (const version of held) {
      if (version.image !== image) continue;
      const holders = byVersion.get(version.version) ?? noHolders();
      if (!holders[version.role].includes(host)) holders[version.role] = [...holders[version.role], host].sort();
      byVersion.set(version.version, holders);
    }
  }
  return byVersion;
};

/** The holders of `version`, none when nothing holds it. */
export const holdersOf = (byVersion: HoldersByVersion, version: number): VersionHolders => byVersion.get(version) ?? noHolders();

/** Every host holding a version, whatever the reason, sorted once. */
export const holdingHosts = (holders: VersionHolders): string[] => [...new Set(holdRoles.flatMap((role) => holders[role]))].sort();

const reasonText: { [R in HoldRole]: (hosts: string) => string } = {
  deployed: (hosts) => `deployed on ${hosts}`,
  deploying: (hosts) => `being deployed to ${hosts}`,
  rollback: (hosts) => `kept for rollback by ${hosts}`,
};

/** `deployed on web01, web02`, `being deployed to web03`, `kept for rollback by web04`: one per role that has hosts. */
export const holderReasons = (holders: VersionHolders): string[] =>
  holdRoles.filter((role) => holders[role].length > 0).map((role) => reasonText[role](holders[role].join(', ')));
