import { lstat } from 'node:fs/promises';
import type { TreeChange } from './tree-diff.js';
import { formatMode } from './tree-diff.js';
import { escapePath } from './path-escape.js';
import { absolutePath } from './tree-walk.js';

/**
 * The one rule for what a text diff may show: content every user of the machine could read. A file others may
 * not read (`/etc/shadow` 0640, SSH and TLS keys 0600, most credentials), or one below a directory others may not
 * enter (certbot's `archive/` 0700 around keys once written 0644), is named, never shown. No list of secret names.
 */
const othersMayRead = (mode: bigint): boolean => (mode & 0o004n) !== 0n;
const othersMayEnter = (mode: bigint): boolean => (mode & 0o001n) !== 0n;

const modes = (before: bigint, after: bigint): string =>
  formatMode(before) === formatMode(after) ? formatMode(before) : `${formatMode(before)}→${formatMode(after)}`;

/** Pure: why a file's own modes (either side) keep its content from a diff, or undefined. */
export const privateModeReason = (before: bigint, after: bigint): string | undefined =>
  othersMayRead(before) && othersMayRead(after) ? undefined : `not shown: readable by its owner/group only (mode ${modes(before, after)})`;

/** Pure: the directories above a path, outermost first ("/a/b/c" → "/a", "/a/b"). */
export const ancestorsOf = (path: Buffer): Buffer[] => {
  const ancestors: Buffer[] = [];
  for (let at = path.indexOf(0x2f, 1); at > 0; at = path.indexOf(0x2f, at + 1)) ancestors.push(path.subarray(0, at));
  return ancestors;
};

/** Whether a changed file's content may be shown; per diff run, so the directories many files share are read once. */
export type PrivacyCheck = (rootA: string, rootB: string, change: Extract<TreeChange, { kind: 'changed' }>) => Promise<string | undefined>;

/** A PrivacyCheck that reads only modes (lstat of the file's directories), never the file. */
export const createPrivacyCheck = (): PrivacyCheck => {
  const dirModes = new Map<string, Promise<bigint>>();
  const dirMode = (root: string, dir: Buffer): Promise<bigint> => {
    const key = `${root}\0${dir.toString('latin1')}`;
    let mode = dirModes.get(key);
    if (mode === undefined) {
      mode = lstat(absolutePath(root, dir), { bigint: true }).then((stats) => stats.mode);
      dirModes.set(key, mode);
    }
    return mode;
  };
  return async (rootA, rootB, change) => {
    const own = privateModeReason(change.before.mode, change.after.mode);
    if (own !== undefined) return own;
    for (const dir of ancestorsOf(change.path)) {
      const [before, after] = await Promise.all([dirMode(rootA, dir), dirMode(rootB, dir)]);
      // A symlinked directory (lstat mode 0777) counts as open: the walk and rsync never go through one.
      if (!othersMayEnter(before) || !othersMayEnter(after)) {
        return `not shown: below ${escapePath(dir)}/ (mode ${modes(before, after)}), which only its owner/group may enter`;
      }
    }
    return undefined;
  };
};
