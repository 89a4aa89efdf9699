import { entryAt, unitDirs, type RootSnapshot } from './root-snapshot.js';

/** Whether systemd would start a unit at boot, and the links that say so. */
export interface UnitState {
  unit: string;
  /** The unit file is in one of the unit directories. */
  installed: boolean;
  /** Linked to /dev/null in /etc/systemd/system. */
  masked: boolean;
  /** `.wants`/`.requires` links that pull the unit in (root-relative). */
  wantedBy: string[];
  /** Other names for it in /etc/systemd/system (D-Bus activation aliases; they do not start it at boot). */
  aliases: string[];
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Reads a unit's state the way systemd does offline: a unit is started at boot when a `.wants/` or
 * `.requires/` directory of some unit directory links to it, and it is not masked.
 */
export const readUnitState = (snapshot: RootSnapshot, unit: string): UnitState => {
  const state: UnitState = { unit, installed: false, masked: false, wantedBy: [], aliases: [] };
  for (const dir of unitDirs) {
    const listing = entryAt(snapshot, dir);
    if (listing?.kind !== 'dir') continue;
    if (listing.names.includes(unit)) state.installed = true;
    for (const name of listing.names) {
      if (name.endsWith('.wants') || name.endsWith('.requires')) {
        const link = entryAt(snapshot, `${dir}/${name}/${unit}`);
        if (link !== undefined) state.wantedBy.push(`${dir}/${name}/${unit}`);
      }
    }
  }
  const own = entryAt(snapshot, `etc/systemd/system/${unit}`);
  if (own?.kind === 'symlink' && own.target === '/dev/null') state.masked = true;
  const etc = entryAt(snapshot, 'etc/systemd/system');
  for (const name of etc?.kind === 'dir' ? etc.names : []) {
    const entry = entryAt(snapshot, `etc/systemd/system/${name}`);
    if (name !== unit && entry?.kind === 'symlink' && baseName(entry.target) === unit) state.aliases.push(`etc/systemd/system/${name}`);
  }
  return state;
};

export const startsAtBoot = (state: UnitState): boolean => state.installed && !state.masked && state.wantedBy.length > 0;

/** One line of evidence: `NetworkManager.service enabled (etc/systemd/system/multi-user.target.wants/NetworkManager.service)`. */
export const describeUnit = (state: UnitState): string => {
  if (!state.installed) return `${state.unit} not installed`;
  if (state.masked) return `${state.unit} masked (etc/systemd/system/${state.unit} -> /dev/null)`;
  const aliases = state.aliases.length === 0 ? '' : `; aliases ${state.aliases.join(', ')}`;
  if (state.wantedBy.length === 0) return `${state.unit} installed but not enabled (no .wants/.requires link)${aliases}`;
  return `${state.unit} enabled (${state.wantedBy.join(', ')})${aliases}`;
};
