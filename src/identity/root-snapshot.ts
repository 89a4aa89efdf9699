import type { RootEntry } from '../sys/root-tree.js';

export type { RootEntry } from '../sys/root-tree.js';

/**
 * What the identity planner knows of an image root: the entries it reads (root-relative paths,
 * symlinks not followed) and which programs resolve to a file. Plain data, so footprint detection
 * and planning are pure and tests can fabricate roots without touching a disk.
 */
export interface RootSnapshot {
  entries: Record<string, RootEntry>;
  /** Program paths (from `watchedPrograms`) that exist in the root once symlinks are followed. */
  programs: string[];
}

/** Directories whose files are configuration rootcast may rewrite or remove (read with their contents). */
export const configDirs = [
  'etc/network/interfaces.d',
  'etc/NetworkManager/system-connections',
  'etc/sysconfig/network-scripts',
  'etc/netplan',
  'etc/systemd/network',
] as const;

/** Single paths read as they are (a symlink stays a symlink). */
export const singlePaths = [
  'etc/network/interfaces',
  'etc/hosts',
  'etc/hostname',
  'etc/machine-id',
  'etc/resolv.conf',
  'var/lib/dbus',
  'var/lib/dbus/machine-id',
] as const;

/** Where systemd looks for units and their .wants/.requires links in an installed system (not /run: an image has none). */
export const unitDirs = ['etc/systemd/system', 'usr/lib/systemd/system', 'lib/systemd/system'] as const;

/** Each stack's programs, under both the merged-/usr and the classic path. */
export const watchedPrograms = {
  networkmanager: ['usr/sbin/NetworkManager', 'sbin/NetworkManager'],
  netplan: ['usr/sbin/netplan', 'sbin/netplan'],
  networkd: ['usr/lib/systemd/systemd-networkd', 'lib/systemd/systemd-networkd'],
  ifupdown: ['usr/sbin/ifup', 'sbin/ifup'],
} as const;

export const entryAt = (snapshot: RootSnapshot, path: string): RootEntry | undefined => snapshot.entries[path];

/** Text of a regular file, undefined for anything else. */
export const fileText = (snapshot: RootSnapshot, path: string): string | undefined => {
  const entry = snapshot.entries[path];
  return entry?.kind === 'file' ? entry.content : undefined;
};

/** The regular files directly inside `dir`, as [path, content], sorted by name. */
export const filesIn = (snapshot: RootSnapshot, dir: string): [string, string][] => {
  const listing = snapshot.entries[dir];
  if (listing?.kind !== 'dir') return [];
  return listing.names.flatMap((name): [string, string][] => {
    const entry = snapshot.entries[`${dir}/${name}`];
    return entry?.kind === 'file' ? [[`${dir}/${name}`, entry.content]] : [];
  });
};

export const hasProgram = (snapshot: RootSnapshot, candidates: readonly string[]): string | undefined =>
  candidates.find((path) => snapshot.programs.includes(path));
