import type { PathOwner } from '../protocol/update-protocol.js';
import type { SizedChange } from '../sys/rsync-output.js';
import type { UpdatePassName } from './plan-update.js';

export type ChangeAction = 'add' | 'change' | 'delete' | 'attrs';

/** One path an update changes (or, dry, would change). */
export interface UpdateChange {
  /** "/etc/motd" */
  path: string;
  action: ChangeAction;
  /** `f` file, `d` directory, `L` symlink, `D` device, `S` special, "" for a deletion (rsync's letters). */
  type: string;
  /** New size minus old size, in bytes (regular files; 0 otherwise). */
  sizeDelta: number;
  /** "image", or the layer that provides or removes the path ("all", "group/web", "host/web07"). */
  owner: string;
  pass: UpdatePassName;
}

/** Pure: what rsync's item flags mean to an admin. */
export const actionOf = (change: SizedChange): ChangeAction => {
  if (change.update === '*') return 'delete';
  if (change.created) return 'add';
  if (change.update === '.') return 'attrs';
  return 'change';
};

const isUnder = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

/** Pure: the layer owning `path`: the one providing it, else the nearest removal above it, else the image. */
export const ownerOf = (owners: readonly PathOwner[], path: string): string => {
  const provided = owners.find((owner) => owner.kind === 'provides' && owner.path === path);
  if (provided !== undefined) return provided.layer;
  const removals = owners.filter((owner) => owner.kind === 'removes' && isUnder(path, owner.path));
  const nearest = removals.sort((a, b) => b.path.length - a.path.length)[0];
  return nearest?.layer ?? 'image';
};

/** Pure: rsync's item lines of one pass as changes; `oldSize` gives a path's current size (regular files), 0 if none. */
export const describeChanges = (pass: UpdatePassName, items: readonly SizedChange[], owners: readonly PathOwner[], oldSize: (path: string) => number): UpdateChange[] =>
  items.map((item) => {
    const path = `/${item.name.toString('utf8').replace(/\/$/, '')}`;
    const action = actionOf(item);
    const regular = item.type === 'f' || (action === 'delete' && oldSize(path) > 0);
    const sizeDelta = !regular ? 0 : action === 'delete' ? -oldSize(path) : action === 'add' ? item.size : item.size - oldSize(path);
    return { path, action, type: item.type, sizeDelta, owner: ownerOf(owners, path), pass };
  });

/** Paths whose change means the running kernel or its boot files are no longer what is installed. */
const bootPaths: readonly RegExp[] = [/^\/boot\//, /^\/(usr\/)?lib\/modules\//, /^\/(vmlinuz|initrd\.img)(\.old)?$/];

/** Pure: whether the host must reboot to run what was installed (a kernel, its modules or /boot changed). */
export const needsReboot = (changes: readonly UpdateChange[]): boolean =>
  changes.some((change) => change.action !== 'attrs' && bootPaths.some((pattern) => pattern.test(change.path)));

/** Pure: counts for a summary line and the server's record. */
export const summariseChanges = (changes: readonly UpdateChange[]): Record<ChangeAction, number> & { files: number; sizeDelta: number } => {
  const counts: Record<ChangeAction, number> = { add: 0, change: 0, delete: 0, attrs: 0 };
  for (const change of changes) counts[change.action] += 1;
  return { ...counts, files: changes.length, sizeDelta: changes.reduce((sum, change) => sum + change.sizeDelta, 0) };
};

const unitDirs = /^\/(etc|usr\/lib|lib)\/systemd\/system\/(?:[^/]+\.(?:wants|requires)\/)?([^/]+\.(?:service|socket|timer|mount|target|path))$/;

/** Pure: the systemd units whose files an update changed (rootcast restarts nothing: docs/update.md says why). */
export const changedUnits = (changes: readonly UpdateChange[]): string[] =>
  [...new Set(changes.filter((change) => change.action !== 'attrs').flatMap((change) => unitDirs.exec(change.path)?.[2] ?? []))].sort();
